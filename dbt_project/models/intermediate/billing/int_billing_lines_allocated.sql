{#-
    Every billed dollar gets a team, by the first rule that applies, and each row says which:

    1. `credential_owner`: the credential that incurred the line (OpenAI project or key, Anthropic
       workspace, IAM principal, Azure resource) is owned by a team on the charge date
       (reference/credentials.csv, allocation `owner`).
    2. `cost_allocation_tag`: the line carries a team tag naming a team in reference/teams.csv.
    3. `gateway_traffic_share`: the credential is a gateway's own (allocation `gateway_traffic`): the
       line is split across the teams and workflows whose gateway calls used that provider that day,
       in proportion to their tokens of the line's model and token type; failing those, to their
       list-price cost on that model; failing that, on that provider.
    4. `seat_holder`: a seat licence belongs to its holder's team.
    5. `unallocated`: none of the above. Unallocated spend is kept, never dropped.

    Splits are exact: amounts are divided in whole units of 1e-10 with the largest-remainder method,
    so the parts of a line always add up to the line.
-#}
{%- set costs = ['billed_cost', 'effective_cost', 'list_cost', 'contracted_cost'] -%}
with

lines as (

    select * from {{ ref('int_billing_lines_unioned') }}

),

credentials as (

    select * from {{ ref('int_reference_credentials_deduplicated') }}

),

reference_teams as (

    select * from {{ ref('int_reference_teams_deduplicated') }}

),

model_names as (

    select * from {{ ref('int_model_names_canonicalised') }}

),

gateway_requests as (

    select * from {{ ref('int_gateway_requests_allocated') }}

),

gateway_daily as (

    select
        provider,
        request_date,
        model_id,
        team_id,
        workflow_id,
        sum(uncached_input_tokens) as uncached_input_tokens,
        sum(cache_read_tokens) as cache_read_tokens,
        sum(cache_write_tokens) as cache_write_tokens,
        sum(output_tokens + reasoning_tokens) as output_tokens,
        sum(list_cost_usd) as list_cost_usd
    from gateway_requests
    group by provider, request_date, model_id, team_id, workflow_id

),

classified as (

    select
        lines.*,
        model_names.model_id,
        credentials.team_id as owner_team_id,
        credentials.workflow_id as owner_workflow_id,
        tagged_team.team_id as tagged_team_id,
        case
            when lines.source_system = 'seats' then 'seat_holder'
            when credentials.allocation = 'owner' then 'credential_owner'
            when tagged_team.team_id is not null then 'cost_allocation_tag'
            when credentials.allocation = 'gateway_traffic' then 'gateway_traffic_share'
            else 'unallocated'
        end as allocation_rule
    from lines
    left join model_names
        on
            lines.provider = model_names.provider
            and lines.source_model = model_names.source_model
    left join credentials
        on
            lines.credential_type = credentials.credential_type
            and lines.credential_id = credentials.credential_id
            and lines.charge_date >= coalesce(credentials.valid_from, cast('1900-01-01' as date))
            and (credentials.valid_to is null or lines.charge_date < credentials.valid_to)
    left join reference_teams as tagged_team
        on lower(lines.team_tag) = lower(tagged_team.team_id)

),

direct_parts as (

    select
        billing_line_id,
        0 as weight_level,
        case allocation_rule
            when 'seat_holder' then coalesce(seat_team_id, 'unallocated')
            when 'credential_owner' then owner_team_id
            when 'cost_allocation_tag' then tagged_team_id
            else 'unallocated'
        end as team_id,
        case allocation_rule
            when 'credential_owner' then coalesce(nullif(owner_workflow_id, ''), workflow_tag, 'unassigned')
            when 'cost_allocation_tag' then coalesce(workflow_tag, 'unassigned')
            else 'unassigned'
        end as workflow_id,
        cast(1 as bigint) as weight
    from classified
    where allocation_rule <> 'gateway_traffic_share'

),

gateway_lines as (

    select * from classified
    where allocation_rule = 'gateway_traffic_share'

),

-- Candidate splits of each gateway line, most precise first; the first level with traffic is used.
gateway_candidates as (

    select
        gateway_lines.billing_line_id,
        1 as weight_level,
        gateway_daily.team_id,
        gateway_daily.workflow_id,
        case gateway_lines.token_type
            when 'uncached_input' then gateway_daily.uncached_input_tokens
            when 'cache_read' then gateway_daily.cache_read_tokens
            when 'cache_write' then gateway_daily.cache_write_tokens
            when 'output' then gateway_daily.output_tokens
        end as weight
    from gateway_lines
    inner join gateway_daily
        on
            gateway_lines.provider = gateway_daily.provider
            and gateway_lines.charge_date = gateway_daily.request_date
            and gateway_lines.model_id = gateway_daily.model_id
    where gateway_lines.token_type is not null

    union all

    select
        gateway_lines.billing_line_id,
        2 as weight_level,
        gateway_daily.team_id,
        gateway_daily.workflow_id,
        {{ decimal_units('gateway_daily.list_cost_usd') }} as weight
    from gateway_lines
    inner join gateway_daily
        on
            gateway_lines.provider = gateway_daily.provider
            and gateway_lines.charge_date = gateway_daily.request_date
            and gateway_lines.model_id = gateway_daily.model_id

    union all

    select
        gateway_lines.billing_line_id,
        3 as weight_level,
        gateway_daily.team_id,
        gateway_daily.workflow_id,
        {{ decimal_units('sum(gateway_daily.list_cost_usd)') }} as weight
    from gateway_lines
    inner join gateway_daily
        on
            gateway_lines.provider = gateway_daily.provider
            and gateway_lines.charge_date = gateway_daily.request_date
    group by gateway_lines.billing_line_id, gateway_daily.team_id, gateway_daily.workflow_id

),

level_totals as (

    select
        billing_line_id,
        weight_level,
        sum(weight) as level_weight
    from gateway_candidates
    group by billing_line_id, weight_level

),

chosen_levels as (

    select
        billing_line_id,
        min(weight_level) as weight_level
    from level_totals
    where level_weight > 0
    group by billing_line_id

),

gateway_parts as (

    select
        gateway_candidates.billing_line_id,
        gateway_candidates.weight_level,
        gateway_candidates.team_id,
        gateway_candidates.workflow_id,
        gateway_candidates.weight
    from gateway_candidates
    inner join chosen_levels
        on
            gateway_candidates.billing_line_id = chosen_levels.billing_line_id
            and gateway_candidates.weight_level = chosen_levels.weight_level
    where gateway_candidates.weight > 0

),

untraceable_gateway_parts as (

    select
        gateway_lines.billing_line_id,
        0 as weight_level,
        'unallocated' as team_id,
        'unassigned' as workflow_id,
        cast(1 as bigint) as weight
    from gateway_lines
    left join chosen_levels on gateway_lines.billing_line_id = chosen_levels.billing_line_id
    where chosen_levels.billing_line_id is null

),

parts as (

    select * from direct_parts
    union all
    select * from gateway_parts
    union all
    select * from untraceable_gateway_parts

),

weighed as (

    select
        {% for cost in costs %}
            {{ decimal_units('abs(classified.' ~ cost ~ ')') }} as {{ cost }}_units,
            case when classified.{{ cost }} < 0 then -1 else 1 end as {{ cost }}_sign,
        {% endfor %}
        parts.*,
        sum(parts.weight) over (partition by parts.billing_line_id) as total_weight,
        classified.allocation_rule as line_allocation_rule
    from parts
    inner join classified on parts.billing_line_id = classified.billing_line_id

),

floored as (

    select
        {% for cost in costs %}
            {{ integer_quotient(cost ~ '_units * weight', 'total_weight') }} as {{ cost }}_floor,
            {{ integer_remainder(cost ~ '_units * weight', 'total_weight') }} as {{ cost }}_fraction,
        {% endfor %}
        *
    from weighed

),

ranked as (

    select
        {% for cost in costs %}
            {{ cost }}_units
            - sum({{ cost }}_floor) over (partition by billing_line_id) as {{ cost }}_leftover,
            row_number() over (
                partition by billing_line_id
                order by {{ cost }}_fraction desc, team_id asc, workflow_id asc
            ) as {{ cost }}_rank,
        {% endfor %}
        *
    from floored

),

final as (

    select
        {% for cost in costs %}
            {%- set allocated = decimal_from_units(
                cost ~ '_floor + case when ' ~ cost ~ '_rank <= ' ~ cost ~ '_leftover then 1 else 0 end'
            ) %}
            -- Negated rather than multiplied by the sign: Spark cuts a product's scale to 6 places.
            case
                when {{ cost }}_sign < 0 then -{{ allocated }}
                else {{ allocated }}
            end as allocated_{{ cost }},
        {% endfor %}
        {%- set part_key = ['ranked.billing_line_id', "'|'", 'ranked.team_id', "'|'", 'ranked.workflow_id'] %}
        {{ dbt.hash(dbt.concat(part_key)) }} as ledger_row_id,
        classified.*,
        ranked.team_id as allocated_team_id,
        ranked.workflow_id as allocated_workflow_id,
        case
            when ranked.line_allocation_rule = 'gateway_traffic_share' and ranked.weight_level = 0
                then 'unallocated'
            else ranked.line_allocation_rule
        end as final_allocation_rule,
        ranked.weight_level as allocation_weight_level,
        cast(ranked.weight as double) / cast(ranked.total_weight as double) as allocation_share
    from ranked
    inner join classified on ranked.billing_line_id = classified.billing_line_id

)

select * from final -- noqa: AM04
