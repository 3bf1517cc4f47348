{#-
    One row per canonical model: developer, family and capability tier from the model list, plus
    every model a source used that the list does not know (tier `unknown`), so nothing is hidden.
-#}
with

models as (

    select * from {{ ref('models') }}

),

seen as (

    select distinct model_id from {{ ref('int_model_names_canonicalised') }}
    where not is_known_model

),

final as (

    select
        model_id,
        model_name,
        developer,
        family,
        capability_tier,
        true as is_known_model
    from models
    union all
    select
        model_id,
        model_id as model_name,
        cast(null as {{ dbt.type_string() }}) as developer,
        cast(null as {{ dbt.type_string() }}) as family,
        'unknown' as capability_tier,
        false as is_known_model
    from seen

)

select * from final
