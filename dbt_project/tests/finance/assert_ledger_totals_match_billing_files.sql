{#-
    Totals reconcile: for every billing file, what the file says its current lines cost (read straight
    from the raw layer, in the source's own units) is what the ledger says, to the cent. A line is
    current when no newer delivery restated it; superseded lines are in no ledger. Returns the files
    that disagree, and files whose current lines are missing from the ledger altogether.
-#}
-- FOCUS's own PascalCase column names, which analysts search for, beside snake_case ones.
-- noqa: disable=CP02
with

openai_files as (

    select
        raw_rows._file as source_file,
        sum(cast(raw_rows.amount_value as decimal(38, 18))) as file_cost
    from {{ source('openai_costs', 'results') }} as raw_rows
    inner join {{ ref('int_openai_costs_line_items_deduplicated') }} as kept
        on raw_rows._load_id = kept.load_id and raw_rows._row_number = kept.source_row_number
    group by raw_rows._file

),

anthropic_files as (

    select
        raw_rows._file as source_file,
        sum(cast(raw_rows.amount as decimal(38, 18)) * 0.01) as file_cost
    from {{ source('anthropic_costs', 'cost_report') }} as raw_rows
    inner join {{ ref('int_anthropic_costs_cost_items_deduplicated') }} as kept
        on raw_rows._load_id = kept.load_id and raw_rows._row_number = kept.source_row_number
    group by raw_rows._file

),

aws_files as (

    select
        raw_rows._file as source_file,
        sum(cast(raw_rows.line_item_unblended_cost as decimal(38, 18))) as file_cost
    from {{ source('aws_cur', 'line_items') }} as raw_rows
    inner join {{ ref('int_aws_cur_line_items_deduplicated') }} as kept
        on raw_rows._load_id = kept.load_id and raw_rows._row_number = kept.source_row_number
    group by raw_rows._file

),

focus_files as (

    select
        raw_rows._file as source_file,
        sum(cast(raw_rows.BilledCost as decimal(38, 18))) as file_cost
    from {{ source('focus', 'charges') }} as raw_rows
    inner join {{ ref('int_focus_charges_deduplicated') }} as kept
        on raw_rows._load_id = kept.load_id and raw_rows._row_number = kept.source_row_number
    group by raw_rows._file

),

files as (

    select * from openai_files
    union all
    select * from anthropic_files
    union all
    select * from aws_files
    union all
    select * from focus_files

),

ledger as (

    select
        x_SourceFile as source_file,
        sum(BilledCost) as ledger_cost
    from {{ ref('focus_cost_and_usage') }}
    where x_SourceSystem <> 'seats'
    group by x_SourceFile

)

select
    coalesce(files.source_file, ledger.source_file) as source_file,
    files.file_cost,
    ledger.ledger_cost
from files
full outer join ledger on files.source_file = ledger.source_file
where
    files.source_file is null
    or ledger.source_file is null
    or round(files.file_cost, 2) <> round(ledger.ledger_cost, 2)
