{#-
    How many AI vendors, tools and models each team used in a month, and how many of its people
    pay for overlapping tools. A team used a seat tool when one of its people held a seat of it on
    any day of the month (fct_seat_days, team on the day); a usage tool when ledger spend of the
    month allocated to the team matched it (macro usage_tool_matches); a model when fct_token_usage
    shows the team's tokens on it (gateway, provider reports and bills; telemetry only for calls
    the gateway did not see; not the gateway credential's own `gateway_traffic` rows, which are
    every team's calls). AI spend on no listed tool counts its ProviderName as a shadow provider.
-#}
-- FOCUS's own PascalCase column names, which analysts search for.
-- noqa: disable=CP02
with

seat_days as (

    select * from {{ ref('fct_seat_days') }}

),

ledger as (

    select * from {{ ref('focus_cost_and_usage') }}

),

token_usage as (

    select * from {{ ref('fct_token_usage') }}

),

tool_overlap as (

    select * from {{ ref('fct_tool_overlap') }}

),

models as (

    select * from {{ ref('dim_models') }}

),

tools as (

    select * from {{ ref('dim_tools') }}

),

tool_providers as (

    select * from {{ ref('usage_tool_providers') }}

),

usage_tool_matches as (

    {{ usage_tool_matches('ledger', 'models', 'tools', 'tool_providers') }}

),

seat_tools as (

    select distinct
        seat_days.team_id,
        seat_days.seat_month_start as sprawl_month,
        seat_days.tool_id,
        'seat' as tool_kind
    from seat_days
    inner join tools on seat_days.tool_id = tools.tool_id

),

ledger_ai_rows as (

    select
        ledger.x_TeamId as team_id,
        cast({{ dbt.date_trunc('month', 'ledger.x_ChargeDate') }} as date) as sprawl_month,
        ledger.ProviderName as provider_name,
        usage_tool_matches.tool_id
    from ledger
    left join usage_tool_matches on ledger.x_LedgerRowId = usage_tool_matches.ledger_row_id
    left join tools as seat_tools on ledger.x_ToolId = seat_tools.tool_id
    -- Seat licences come from fct_seat_days; an unlisted seat tool is shadow too.
    where ledger.x_IsAiSpend and (ledger.x_ToolId is null or seat_tools.tool_id is null)

),

usage_tools as (

    select distinct
        team_id,
        sprawl_month,
        tool_id,
        'usage' as tool_kind
    from ledger_ai_rows
    where tool_id is not null

),

team_tools as (

    select * from seat_tools
    union all
    select * from usage_tools

),

tool_counts as (

    select
        team_tools.team_id,
        team_tools.sprawl_month,
        count(distinct tools.vendor) as vendor_count,
        count(distinct team_tools.tool_id) as tool_count,
        count(distinct case when team_tools.tool_kind = 'seat' then team_tools.tool_id end)
            as seat_tool_count,
        count(distinct case when team_tools.tool_kind = 'usage' then team_tools.tool_id end)
            as usage_tool_count
    from team_tools
    inner join tools on team_tools.tool_id = tools.tool_id
    group by team_tools.team_id, team_tools.sprawl_month

),

tool_lists as (

    select
        team_id,
        sprawl_month,
        {{ sorted_string_agg('tool_id', "','") }} as tool_ids
    from (
        select distinct
            team_id,
            sprawl_month,
            tool_id
        from team_tools
    ) as distinct_tools
    group by team_id, sprawl_month

),

shadow_counts as (

    select
        team_id,
        sprawl_month,
        count(distinct provider_name) as shadow_provider_count
    from ledger_ai_rows
    where tool_id is null
    group by team_id, sprawl_month

),

model_counts as (

    select
        team_id,
        cast({{ dbt.date_trunc('month', 'usage_date') }} as date) as sprawl_month,
        count(distinct model_id) as model_count
    from token_usage
    where
        model_id is not null
        and allocation_rule <> 'gateway_traffic'
        and not (usage_source = 'telemetry' and coalesce(is_seen_by_gateway, false))
    group by team_id, cast({{ dbt.date_trunc('month', 'usage_date') }} as date)

),

overlap_counts as (

    select
        team_id,
        seat_month as sprawl_month,
        count(distinct person_id) as overlapping_people_count
    from tool_overlap
    group by team_id, seat_month

),

team_months as (

    {% for counts in ['tool_counts', 'shadow_counts', 'model_counts', 'overlap_counts'] %}
        select
            team_id,
            sprawl_month
        from {{ counts }}
        {% if not loop.last %}union{% endif %}
    {% endfor %}

),

final as (

    select
        {{ dbt.concat([
            "team_months.team_id", "'|'", "cast(team_months.sprawl_month as " ~ dbt.type_string() ~ ")",
        ]) }} as team_tool_sprawl_id,
        team_months.sprawl_month,
        team_months.team_id,
        cast(coalesce(tool_counts.vendor_count, 0) as bigint) as vendor_count,
        cast(coalesce(tool_counts.tool_count, 0) as bigint) as tool_count,
        cast(coalesce(tool_counts.seat_tool_count, 0) as bigint) as seat_tool_count,
        cast(coalesce(tool_counts.usage_tool_count, 0) as bigint) as usage_tool_count,
        tool_lists.tool_ids,
        cast(coalesce(shadow_counts.shadow_provider_count, 0) as bigint) as shadow_provider_count,
        cast(coalesce(model_counts.model_count, 0) as bigint) as model_count,
        cast(coalesce(overlap_counts.overlapping_people_count, 0) as bigint)
            as overlapping_people_count
    from team_months
    {% for counts in ['tool_counts', 'tool_lists', 'shadow_counts', 'model_counts', 'overlap_counts'] %}
        left join {{ counts }}
            on
                team_months.team_id = {{ counts }}.team_id
                and team_months.sprawl_month = {{ counts }}.sprawl_month
    {% endfor %}

)

select * from final
