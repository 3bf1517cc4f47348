{#-
    A person belongs to one team at a time, a credential to one owner, and a model has one
    negotiated price at a time: two periods of the same person, credential or priced model that
    overlap would allocate the same spend twice or price the same token two ways. Periods are half-open
    [valid_from, valid_to); NULL is open on that side. Returns each overlapping pair once.
-#}
with

people as (

    select * from {{ ref('int_reference_people_deduplicated') }}

),

credentials as (

    select * from {{ ref('int_reference_credentials_deduplicated') }}

),

negotiated_prices as (

    select * from {{ ref('int_reference_prices_deduplicated') }}

),

periods as (

    select
        'person' as subject_kind,
        person_id as subject_id,
        person_period_id as period_id,
        valid_from,
        valid_to
    from people
    union all
    select
        'credential' as subject_kind,
        {{ dbt.concat(["credential_type", "'|'", "credential_id"]) }} as subject_id,
        credential_period_id as period_id,
        valid_from,
        valid_to
    from credentials
    union all
    select
        'negotiated_price' as subject_kind,
        {{ dbt.concat(["provider", "'|'", "model"]) }} as subject_id,
        price_id as period_id,
        valid_from,
        valid_to
    from negotiated_prices

),

overlapping_periods as (

    select
        earlier.subject_kind,
        earlier.subject_id,
        earlier.period_id,
        later.period_id as overlapping_period_id
    from periods as earlier
    inner join periods as later
        on
            earlier.subject_kind = later.subject_kind
            and earlier.subject_id = later.subject_id
            and earlier.period_id < later.period_id
    where
        coalesce(earlier.valid_from, cast('0001-01-01' as date))
        < coalesce(later.valid_to, cast('9999-12-31' as date))
        and coalesce(later.valid_from, cast('0001-01-01' as date))
        < coalesce(earlier.valid_to, cast('9999-12-31' as date))

)

select * from overlapping_periods
