{#-
    The savings levers' linear inputs per month, workflow, provider, model, batch flag and routing
    decile: the actual list cost of the usage and each lever's full effect, so a scenario at any
    assumption is a weighted sum of these columns. Methods are documented in _finance__savings.yml.
-#}
with

usage as (

    select * from {{ ref('int_savings_usage_attributed') }}

),

list_prices as (

    select * from {{ ref('dim_model_prices') }}
    where price_basis = 'list'

),

models as (

    select * from {{ ref('dim_models') }}

),

workflows as (

    select * from {{ ref('dim_workflows') }}

),

usage_days as (

    select distinct
        usage_date,
        provider
    from usage

),

-- Per day, provider and tier, the tier's reference model: the cheapest of the provider's models of
-- that tier with a list price on the day, by the blended price 3 x input + output (ties: model_id).
tier_candidates as (

    select
        usage_days.usage_date,
        usage_days.provider,
        models.capability_tier,
        list_prices.model_id,
        list_prices.input_price_per_mtok,
        list_prices.cache_read_price_per_mtok,
        list_prices.cache_write_price_per_mtok,
        list_prices.output_price_per_mtok,
        list_prices.batch_input_price_per_mtok,
        list_prices.batch_output_price_per_mtok,
        list_prices.is_batch_price_assumed,
        row_number() over (
            partition by usage_days.usage_date, usage_days.provider, models.capability_tier
            order by
                3 * list_prices.input_price_per_mtok + list_prices.output_price_per_mtok, list_prices.model_id
        ) as price_rank
    from usage_days
    inner join list_prices
        on
            usage_days.provider = list_prices.provider
            and usage_days.usage_date >= list_prices.valid_from
            and (list_prices.valid_to is null or usage_days.usage_date < list_prices.valid_to)
    inner join models on list_prices.model_id = models.model_id
    where
        models.capability_tier in ('small', 'balanced')
        and coalesce(models.family, '') <> 'Embeddings'

),

tier_references as (

    select * from tier_candidates
    where price_rank = 1

),

{% set price_columns = [
    ('own_prices', 'own_'), ('small_prices', 'small_'), ('balanced_prices', 'balanced_')
] %}

priced as (

    select
        usage.*,
        coalesce(workflows.is_urgent, true) as is_urgent,
        coalesce(models.capability_tier, 'unknown') as capability_tier,
        own_prices.is_batch_price_assumed,
        own_prices.batch_input_price_per_mtok as as_batch_input_per_mtok,
        case
            when own_prices.is_batch_price_assumed then own_prices.cache_read_price_per_mtok * 0.5
            else own_prices.cache_read_price_per_mtok
        end as as_batch_cache_read_per_mtok,
        case
            when own_prices.is_batch_price_assumed then own_prices.cache_write_price_per_mtok * 0.5
            else own_prices.cache_write_price_per_mtok
        end as as_batch_cache_write_per_mtok,
        own_prices.batch_output_price_per_mtok as as_batch_output_per_mtok,
        {% for alias, prefix in price_columns %}
            -- Batch usage is priced at the batch rate: cache reads and writes too when the
            -- catalogue has no batch price (half of everything), else at their standard price.
            case
                when usage.is_batch then {{ alias }}.batch_input_price_per_mtok
                else {{ alias }}.input_price_per_mtok
            end as {{ prefix }}input_per_mtok,
            case
                when usage.is_batch and {{ alias }}.is_batch_price_assumed
                    then {{ alias }}.cache_read_price_per_mtok * 0.5
                else {{ alias }}.cache_read_price_per_mtok
            end as {{ prefix }}cache_read_per_mtok,
            case
                when usage.is_batch and {{ alias }}.is_batch_price_assumed
                    then {{ alias }}.cache_write_price_per_mtok * 0.5
                else {{ alias }}.cache_write_price_per_mtok
            end as {{ prefix }}cache_write_per_mtok,
            case
                when usage.is_batch then {{ alias }}.batch_output_price_per_mtok
                else {{ alias }}.output_price_per_mtok
            end as {{ prefix }}output_per_mtok,
        {% endfor %}
        small_prices.model_id as small_reference_model_id,
        balanced_prices.model_id as balanced_reference_model_id
    from usage
    -- Usage without a list price on its day has no list cost (as in fct_token_usage): left out.
    inner join list_prices as own_prices
        on
            usage.provider = own_prices.provider
            and usage.model_id = own_prices.model_id
            and usage.usage_date >= own_prices.valid_from
            and (own_prices.valid_to is null or usage.usage_date < own_prices.valid_to)
    left join workflows on usage.workflow_id = workflows.workflow_id
    left join models on usage.model_id = models.model_id
    left join tier_references as small_prices
        on
            usage.usage_date = small_prices.usage_date
            and usage.provider = small_prices.provider
            and small_prices.capability_tier = 'small'
    left join tier_references as balanced_prices
        on
            usage.usage_date = balanced_prices.usage_date
            and usage.provider = balanced_prices.provider
            and balanced_prices.capability_tier = 'balanced'

),

costed as (

    select
        *,
        {{ token_cost_at_prices('own_') }} as actual_cost_usd,
        {{ token_cost_at_prices('as_batch_') }} as as_batch_cost_usd,
        {{ token_cost_at_prices('small_') }} as small_reference_cost_usd,
        {{ token_cost_at_prices('balanced_') }} as balanced_reference_cost_usd,
        cast(uncached_input_tokens * own_input_per_mtok * 0.000001 as decimal(38, 10))
            as uncached_input_cost_usd
    from priced

),

levers as (

    select
        *,
        not is_urgent and not is_batch as is_batchable,
        case
            when not is_urgent and not is_batch then actual_cost_usd - as_batch_cost_usd
            else 0
        end as batch_saving_usd,
        case
            when own_cache_read_per_mtok < own_input_per_mtok
                then cast(
                    uncached_input_tokens * (own_input_per_mtok - own_cache_read_per_mtok) * 0.000001
                    as decimal(38, 10)
                )
            else 0
        end as cache_saving_usd,
        case
            when
                routing_decile > 0
                and capability_tier in ('balanced', 'frontier')
                and small_reference_cost_usd < actual_cost_usd
                then actual_cost_usd - small_reference_cost_usd
            else 0
        end as small_tier_saving_usd,
        case
            when
                routing_decile > 0
                and capability_tier = 'frontier'
                and balanced_reference_cost_usd < actual_cost_usd
                then actual_cost_usd - balanced_reference_cost_usd
            else 0
        end as balanced_tier_saving_usd
    from costed

),

month_days as (

    select
        cast({{ dbt.date_trunc('month', 'usage_date') }} as date) as usage_month,
        count(distinct usage_date) as days_with_data
    from usage
    group by cast({{ dbt.date_trunc('month', 'usage_date') }} as date)

),

{% set grain = ['usage_month', 'workflow_id', 'provider', 'model_id', 'is_batch', 'routing_decile'] %}

monthly_levers as (

    select
        *,
        cast({{ dbt.date_trunc('month', 'usage_date') }} as date) as usage_month
    from levers

),

{% for tier in ['small', 'balanced'] %}
    {{ tier }}_reference_names as (

        select
            {{ grain | join(', ') }},
            {% set reference_column = tier ~ '_reference_model_id' %}
            {{ dbt.listagg(reference_column, "', '", 'order by ' ~ reference_column) }}
                as {{ tier }}_reference_models
        from (
            select distinct
                {{ grain | join(', ') }},
                {{ tier }}_reference_model_id
            from monthly_levers
            where {{ tier }}_reference_model_id is not null
        ) as distinct_references
        group by {{ grain | join(', ') }}

    ),
{% endfor %}

aggregated as (

    select
        {{ grain | join(', ') }},
        is_urgent,
        capability_tier,
        max(case when is_batchable then 1 else 0 end) = 1 as is_batchable,
        max(case when is_batch_price_assumed then 1 else 0 end) = 1 as has_assumed_batch_price,
        sum(uncached_input_tokens) as uncached_input_tokens,
        sum(cache_read_tokens) as cache_read_tokens,
        sum(cache_write_tokens) as cache_write_tokens,
        sum(output_tokens) as output_tokens,
        sum(actual_cost_usd) as actual_cost_usd,
        sum(case when is_batchable then actual_cost_usd else 0 end) as batchable_cost_usd,
        sum(batch_saving_usd) as batch_saving_usd,
        sum(uncached_input_cost_usd) as uncached_input_cost_usd,
        sum(cache_saving_usd) as cache_saving_usd,
        sum(small_tier_saving_usd) as small_tier_saving_usd,
        sum(balanced_tier_saving_usd) as balanced_tier_saving_usd
    from monthly_levers
    group by {{ grain | join(', ') }}, is_urgent, capability_tier

),

final as (

    select
        {{ dbt.concat([
            dbt.safe_cast('aggregated.usage_month', api.Column.translate_type('string')),
            "'|'", 'aggregated.workflow_id',
            "'|'", 'aggregated.provider',
            "'|'", 'aggregated.model_id',
            "'|'", "case when aggregated.is_batch then 'batch' else 'standard' end",
            "'|'", dbt.safe_cast('aggregated.routing_decile', api.Column.translate_type('string')),
        ]) }} as savings_lever_id,
        aggregated.usage_month,
        cast(month_days.days_with_data as bigint) as days_with_data,
        aggregated.workflow_id,
        coalesce(workflows.owner_team_id, 'unallocated') as team_id,
        aggregated.is_urgent,
        aggregated.provider,
        aggregated.model_id,
        aggregated.capability_tier,
        aggregated.is_batch,
        aggregated.is_batchable,
        aggregated.has_assumed_batch_price,
        aggregated.routing_decile,
        small_reference_names.small_reference_models,
        balanced_reference_names.balanced_reference_models,
        cast(aggregated.uncached_input_tokens as bigint) as uncached_input_tokens,
        cast(aggregated.cache_read_tokens as bigint) as cache_read_tokens,
        cast(aggregated.cache_write_tokens as bigint) as cache_write_tokens,
        cast(aggregated.output_tokens as bigint) as output_tokens,
        cast(aggregated.actual_cost_usd as decimal(38, 10)) as actual_cost_usd,
        cast(aggregated.batchable_cost_usd as decimal(38, 10)) as batchable_cost_usd,
        cast(aggregated.batch_saving_usd as decimal(38, 10)) as batch_saving_at_full_adoption_usd,
        cast(aggregated.uncached_input_cost_usd as decimal(38, 10)) as uncached_input_cost_usd,
        cast(aggregated.cache_saving_usd as decimal(38, 10)) as cache_saving_per_hit_rate_usd,
        cast(aggregated.small_tier_saving_usd as decimal(38, 10)) as small_tier_saving_usd,
        cast(aggregated.balanced_tier_saving_usd as decimal(38, 10)) as balanced_tier_saving_usd,
        true as is_estimate,
        'USD' as currency
    from aggregated
    inner join month_days on aggregated.usage_month = month_days.usage_month
    left join workflows on aggregated.workflow_id = workflows.workflow_id
    {% for tier in ['small', 'balanced'] %}
        left join {{ tier }}_reference_names
            on
                aggregated.usage_month = {{ tier }}_reference_names.usage_month
                and aggregated.workflow_id = {{ tier }}_reference_names.workflow_id
                and aggregated.provider = {{ tier }}_reference_names.provider
                and aggregated.model_id = {{ tier }}_reference_names.model_id
                and aggregated.is_batch = {{ tier }}_reference_names.is_batch
                and aggregated.routing_decile = {{ tier }}_reference_names.routing_decile
    {% endfor %}

)

select * from final
