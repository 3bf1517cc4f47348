{#- Allocated plus unallocated equals billed: the ledger rows of every billing line add up to the line. -#}
-- FOCUS's own PascalCase column names, which analysts search for, beside snake_case ones.
-- noqa: disable=CP02
with

lines as (

    select * from {{ ref('int_billing_lines_unioned') }}

),

ledger as (

    select
        x_BillingLineId as billing_line_id,
        sum(BilledCost) as ledger_billed_cost,
        sum(EffectiveCost) as ledger_effective_cost
    from {{ ref('focus_cost_and_usage') }}
    group by x_BillingLineId

)

select
    lines.billing_line_id,
    lines.billed_cost,
    ledger.ledger_billed_cost
from lines
left join ledger on lines.billing_line_id = ledger.billing_line_id
where
    ledger.billing_line_id is null
    or lines.billed_cost <> ledger.ledger_billed_cost
    or lines.effective_cost <> ledger.ledger_effective_cost
