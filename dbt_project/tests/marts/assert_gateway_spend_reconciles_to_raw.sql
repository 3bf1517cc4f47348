{#-
    Totals reconcile: for every day, the daily mart's gateway cost equals the spend of every distinct
    request in the raw spend logs, to the cent and below. Returns the days that disagree.
-#}
with

raw_requests as (

    select
        cast(start_time as date) as request_date,
        request_id,
        min(cast(spend as decimal(38, 10))) as spend_usd
    from {{ source('litellm', 'spend_logs') }}
    group by cast(start_time as date), request_id

),

raw_days as (

    select
        request_date,
        sum(spend_usd) as raw_cost_usd
    from raw_requests
    group by request_date

),

mart_days as (

    select
        spend_date,
        sum(gateway_cost_usd) as mart_cost_usd
    from {{ ref('fct_daily_gateway_spend') }}
    group by spend_date

)

select
    coalesce(raw_days.request_date, mart_days.spend_date) as spend_date,
    raw_days.raw_cost_usd,
    mart_days.mart_cost_usd
from raw_days
full outer join mart_days on raw_days.request_date = mart_days.spend_date
where coalesce(raw_days.raw_cost_usd, 0) <> coalesce(mart_days.mart_cost_usd, 0)
