{#-
    What each month of each workflow would have cost under each savings lever at the default
    assumptions (dbt vars), beside what it cost: one row per scenario, workflow and month. Every
    number is an estimate at list prices of the day; the assumptions are in the row. Methods are
    documented in _finance__savings.yml.
-#}
{%- set batch_share = var('savings_batch_adoption_share', 1.0) | float -%}
{%- set cache_rate = var('savings_cache_hit_rate', 0.5) | float -%}
{%- set shares = var('savings_routing_shares', {'small': 0.7, 'balanced': 0.2, 'frontier': 0.1}) -%}
{%- set small_share = shares['small'] | float -%}
{%- set balanced_share = shares['balanced'] | float -%}
{%- set frontier_share = shares['frontier'] | float -%}
{%- if not (0 <= batch_share <= 1 and 0 <= cache_rate <= 1) -%}
    {{ exceptions.raise_compiler_error('savings_batch_adoption_share and savings_cache_hit_rate must lie in [0, 1]') }}
{%- endif -%}
{%- if [small_share, balanced_share, frontier_share] | min < 0
    or (small_share + balanced_share + frontier_share - 1) | abs > 0.000001 -%}
    {{ exceptions.raise_compiler_error('savings_routing_shares must be non-negative and add up to 1') }}
{%- endif -%}
{#- Routing moves whole tenths of each workflow-month's tasks (deciles): shares are rounded to tenths. -#}
{%- set small_deciles = (small_share * 10) | round | int -%}
{%- set routed_deciles = ((small_share + balanced_share) * 10) | round | int -%}
{%- set routing_assumptions = 'routing_shares=small ' ~ small_deciles / 10
    ~ ', balanced ' ~ (routed_deciles - small_deciles) / 10 ~ ', frontier ' ~ (10 - routed_deciles) / 10 -%}
{%- set batch_note = 'Standard-priced usage of workflows that can wait (dim_workflows.is_urgent false)'
    ~ ' moves to the Batch API in that share: saving = share x (cost - the same tokens at the catalogue'
    ~ ' batch price of the day). Usage already on batch and urgent workflows save nothing.' -%}
{%- set cache_note = 'That share of the input tokens paid at the full input price is read from the prompt'
    ~ ' cache instead: saving = rate x uncached input tokens x (input price - cache read price) of the day.'
    ~ ' Cache reads already paid save nothing; cache writes are not charged (an upper bound).' -%}
{%- set routing_note = 'Tasks of each workflow-month ranked by total tokens, lowest first: the simplest'
    ~ ' small share runs on the small tier, the next balanced share on the balanced tier, the rest stays;'
    ~ ' a task moves only down a tier and only when cheaper, its tokens at the reference model price of'
    ~ ' the day (the cheapest model of the tier at the same provider by 3 x input + output).' -%}
with

levers as (

    select * from {{ ref('fct_savings_levers') }}

),

workflow_months as (

    select
        usage_month,
        workflow_id,
        team_id,
        is_urgent,
        days_with_data,
        sum(actual_cost_usd) as actual_cost_usd,
        sum(batchable_cost_usd) as batchable_cost_usd,
        sum(batch_saving_at_full_adoption_usd) as batch_saving_at_full_adoption_usd,
        sum(uncached_input_cost_usd) as uncached_input_cost_usd,
        sum(cache_saving_per_hit_rate_usd) as cache_saving_per_hit_rate_usd,
        sum(
            case
                when routing_decile between 1 and {{ small_deciles }} then small_tier_saving_usd
                when routing_decile between {{ small_deciles + 1 }} and {{ routed_deciles }}
                    then balanced_tier_saving_usd
                else 0
            end
        ) as routing_saving_usd,
        sum(
            case
                when
                    routing_decile between 1 and {{ small_deciles }}
                    and capability_tier in ('balanced', 'frontier')
                    then actual_cost_usd
                when
                    routing_decile between {{ small_deciles + 1 }} and {{ routed_deciles }}
                    and capability_tier = 'frontier'
                    then actual_cost_usd
                else 0
            end
        ) as routable_cost_usd
    from levers
    group by usage_month, workflow_id, team_id, is_urgent, days_with_data

),

scenarios as (

    select
        'batch' as scenario,
        workflow_months.*,
        workflow_months.batchable_cost_usd as addressable_cost_usd,
        workflow_months.batch_saving_at_full_adoption_usd
        * cast({{ batch_share }} as decimal(7, 6)) as savings_usd,
        cast({{ batch_share }} as double) as batch_adoption_share,
        cast(null as double) as cache_hit_rate,
        cast(null as double) as routing_small_share,
        cast(null as double) as routing_balanced_share,
        cast(null as double) as routing_frontier_share,
        'batch_adoption_share={{ batch_share }}' as assumptions,
        '{{ batch_note }}' as method_note
    from workflow_months

    union all

    select
        'cache' as scenario,
        workflow_months.*,
        workflow_months.uncached_input_cost_usd as addressable_cost_usd,
        workflow_months.cache_saving_per_hit_rate_usd
        * cast({{ cache_rate }} as decimal(7, 6)) as savings_usd,
        cast(null as double) as batch_adoption_share,
        cast({{ cache_rate }} as double) as cache_hit_rate,
        cast(null as double) as routing_small_share,
        cast(null as double) as routing_balanced_share,
        cast(null as double) as routing_frontier_share,
        'cache_hit_rate={{ cache_rate }}' as assumptions,
        '{{ cache_note }}' as method_note
    from workflow_months

    union all

    select
        'routing' as scenario,
        workflow_months.*,
        workflow_months.routable_cost_usd as addressable_cost_usd,
        workflow_months.routing_saving_usd as savings_usd,
        cast(null as double) as batch_adoption_share,
        cast(null as double) as cache_hit_rate,
        cast({{ small_deciles / 10 }} as double) as routing_small_share,
        cast({{ (routed_deciles - small_deciles) / 10 }} as double) as routing_balanced_share,
        cast({{ (10 - routed_deciles) / 10 }} as double) as routing_frontier_share,
        '{{ routing_assumptions }}' as assumptions,
        '{{ routing_note }}' as method_note
    from workflow_months

),

final as (

    select
        {{ dbt.concat([
            'scenario',
            "'|'", 'workflow_id',
            "'|'", dbt.safe_cast('usage_month', api.Column.translate_type('string')),
        ]) }} as savings_scenario_id,
        scenario,
        usage_month,
        days_with_data,
        workflow_id,
        team_id,
        is_urgent,
        cast(actual_cost_usd as decimal(38, 10)) as actual_cost_usd,
        cast(addressable_cost_usd as decimal(38, 10)) as addressable_cost_usd,
        cast(actual_cost_usd - cast(savings_usd as decimal(38, 10)) as decimal(38, 10)) as scenario_cost_usd,
        cast(savings_usd as decimal(38, 10)) as savings_usd,
        case
            when actual_cost_usd > 0 then cast(savings_usd as double) / cast(actual_cost_usd as double)
        end as savings_share,
        batch_adoption_share,
        cache_hit_rate,
        routing_small_share,
        routing_balanced_share,
        routing_frontier_share,
        assumptions,
        method_note,
        true as is_estimate,
        'USD' as currency
    from scenarios

)

select * from final
