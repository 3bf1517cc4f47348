{#- Every AI product the company pays for, API or seat, with its vendor, category and list seat price. -#}
with

tools as (

    select * from {{ ref('int_reference_tools_deduplicated') }}

),

final as (

    select
        tool_id,
        tool_name,
        vendor,
        category,
        billing_model,
        list_monthly_price,
        currency
    from tools

)

select * from final
