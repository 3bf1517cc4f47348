{#-
    One row per expectation checked on one batch of new loads of a raw table: whether it held, how
    many rows failed and a few of them, with `is_latest` marking each raw table's newest validation,
    the one that says what its data looks like now.

    The grain includes the description: one expectation type can be checked more than once on the
    same table with no single column (the load-record suite compares three column pairs).
-#}
with

expectation_results as (

    select * from {{ ref('stg_ingest__expectation_results') }}

),

validations as (

    select
        raw_table,
        validation_id,
        max(validated_at) as validated_at
    from expectation_results
    group by raw_table, validation_id

),

-- A raw table is validated only when new files of it load, so its newest validation may be older
-- than another table's: the newest is found per raw table.
ranked_validations as (

    select
        raw_table,
        validation_id,
        row_number() over (
            partition by raw_table
            order by validated_at desc, validation_id desc
        ) as recency_rank
    from validations

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "expectation_results.validation_id",
            "'|'", "expectation_results.raw_table",
            "'|'", "expectation_results.suite_name",
            "'|'", "expectation_results.expectation_type",
            "'|'", "coalesce(expectation_results.column_name, '')",
            "'|'", "expectation_results.expectation_description",
        ])) }} as expectation_result_id,
        expectation_results.validation_id,
        expectation_results.validated_at,
        expectation_results.source_name,
        expectation_results.raw_table,
        expectation_results.suite_name,
        expectation_results.expectation_type,
        expectation_results.column_name,
        expectation_results.expectation_description,
        expectation_results.severity,
        expectation_results.is_successful,
        case
            when expectation_results.is_successful then 'passed'
            when expectation_results.severity = 'critical' then 'failed'
            else 'warned'
        end as outcome,
        cast(expectation_results.loads_checked as bigint) as loads_checked,
        cast(expectation_results.rows_checked as bigint) as rows_checked,
        cast(expectation_results.rows_failed as bigint) as rows_failed,
        expectation_results.failed_examples,
        ranked_validations.recency_rank = 1 as is_latest
    from expectation_results
    inner join ranked_validations
        on
            expectation_results.raw_table = ranked_validations.raw_table
            and expectation_results.validation_id = ranked_validations.validation_id

)

select * from final
