{#-
    One row per exported task outcome. Outcomes are lower-cased and trimmed ("Succeeded" and
    " ESCALATED " are succeeded and escalated; the loader quarantined anything else). Times arrive
    in four forms and are parsed here, once, to UTC: an M/D/YYYY date is midnight UTC; epoch
    seconds (no dash) count from 1970 in UTC; RFC 3339 with Z or an offset is moved to UTC; naive
    text is UTC already. Minutes and value become exact decimals; value keeps its currency, USD
    when the system sent none. Not deduplicated: a re-sent task appears once per export.
-#}
{%- set epoch = "cast('1970-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")" -%}
{#- How each time column is parsed in each form; the case in `parsed` tells the forms apart. -#}
{%- set parsed = {} -%}
{%- for event in ['started', 'completed'] -%}
    {%- set t = event ~ '_at_text' -%}
    {%- set seconds = "cast(" ~ t ~ " as decimal(38, 6))" -%}
    {%- set local_time = "cast(replace(upper(left(" ~ t ~ ", length(" ~ t ~ ") - 6)), 'T', ' ') as "
        ~ dbt.type_timestamp() ~ ")" -%}
    {%- set us_date = dbt.concat([
        dbt.split_part(t, "'/'", 3),
        "'-'",
        "lpad(" ~ dbt.split_part(t, "'/'", 1) ~ ", 2, '0')",
        "'-'",
        "lpad(" ~ dbt.split_part(t, "'/'", 2) ~ ", 2, '0')",
    ]) -%}
    {%- set epoch_seconds = dbt.dateadd(
        'microsecond',
        "(" ~ seconds ~ " - floor(" ~ seconds ~ ")) * 1000000",
        dbt.dateadd('second', "floor(" ~ seconds ~ ")", epoch)
    ) -%}
    {%- set offset_minutes = "case when substring(" ~ t ~ ", length(" ~ t ~ ") - 5, 1) = '-'"
        ~ " then 1 else -1 end * (cast(substring(" ~ t ~ ", length(" ~ t ~ ") - 4, 2) as integer) * 60"
        ~ " + cast(right(" ~ t ~ ", 2) as integer))" -%}
    {%- do parsed.update({event: {
        'us_date': "cast(" ~ us_date ~ " as " ~ dbt.type_timestamp() ~ ")",
        'epoch': epoch_seconds,
        'zulu': "cast(replace(upper(left(" ~ t ~ ", length(" ~ t ~ ") - 1)), 'T', ' ') as "
            ~ dbt.type_timestamp() ~ ")",
        'offset': dbt.dateadd('minute', offset_minutes, local_time),
        'naive': "cast(replace(upper(" ~ t ~ "), 'T', ' ') as " ~ dbt.type_timestamp() ~ ")",
    }}) -%}
{%- endfor -%}
with

source as (

    select * from {{ source('task_outcomes', 'tasks') }}

),

renamed as (

    select
        task_id,
        workflow_id,
        lower(trim(outcome)) as outcome,
        cast(human_minutes as decimal(38, 10)) as human_minutes,
        cast(value as decimal(38, 10)) as task_value,
        upper(coalesce(nullif(trim(currency), ''), 'USD')) as task_value_currency,
        trim(started_at) as started_at_text,
        trim(completed_at) as completed_at_text,
        _file as source_file,
        _row_number as source_row_number,
        _load_id as load_id,
        _loaded_at

    from source

),

parsed as (

    select
        *,
        case
            when started_at_text like '%/%' then {{ parsed.started.us_date }}
            when started_at_text not like '%-%' then {{ parsed.started.epoch }}
            when upper(started_at_text) like '%Z' then {{ parsed.started.zulu }}
            when substring(started_at_text, length(started_at_text) - 5, 1) in ('+', '-')
                then {{ parsed.started.offset }}
            else {{ parsed.started.naive }}
        end as started_at,
        case
            when completed_at_text like '%/%' then {{ parsed.completed.us_date }}
            when completed_at_text not like '%-%' then {{ parsed.completed.epoch }}
            when upper(completed_at_text) like '%Z' then {{ parsed.completed.zulu }}
            when substring(completed_at_text, length(completed_at_text) - 5, 1) in ('+', '-')
                then {{ parsed.completed.offset }}
            else {{ parsed.completed.naive }}
        end as completed_at

    from renamed

),

final as (

    select
        task_id,
        workflow_id,
        outcome,
        outcome = 'succeeded' as is_succeeded,
        cast(started_at as date) as started_date,
        started_at,
        completed_at,
        human_minutes,
        task_value,
        task_value_currency,
        started_at_text,
        completed_at_text,
        source_file,
        source_row_number,
        load_id,
        _loaded_at
    from parsed

)

select * from final
