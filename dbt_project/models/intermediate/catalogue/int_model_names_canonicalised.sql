{#-
    Every model name any source uses, with the provider it came through, mapped to one canonical
    model (`canonical_model_name`): the same Claude model via Anthropic, Bedrock or a Marketplace
    listing is one model. Names the model list does not know keep their normalised name and are
    flagged, so spend on unknown models stays visible instead of disappearing.
-#}
with

gateway as (

    select distinct
        provider,
        model as source_model
    from {{ ref('stg_litellm__requests') }}

),

telemetry as (

    select distinct
        provider,
        coalesce(response_model, request_model, model) as source_model
    from {{ ref('stg_otel_genai__model_calls') }}

),

openai_usage as (

    select distinct
        'openai' as provider,
        model as source_model
    from {{ ref('stg_openai_usage__bucket_results') }}

),

openai_costs as (

    select distinct
        'openai' as provider,
        trim({{ dbt.split_part('line_item', "','", 1) }}) as source_model
    from {{ ref('stg_openai_costs__line_items') }}
    where line_item like '%,%'

),

anthropic_usage as (

    select distinct
        'anthropic' as provider,
        model as source_model
    from {{ ref('stg_anthropic_usage__bucket_results') }}

),

anthropic_costs as (

    select distinct
        'anthropic' as provider,
        model as source_model
    from {{ ref('stg_anthropic_costs__cost_items') }}

),

bedrock as (

    select distinct
        'bedrock' as provider,
        model_name as source_model
    from {{ ref('stg_aws_cur__line_items') }}
    where is_ai_model_usage

),

focus as (

    select distinct
        {{ focus_provider('provider_name') }} as provider,
        model_name as source_model
    from {{ ref('stg_focus__charges') }}
    where is_ai_model_usage

),

negotiated_prices as (

    select distinct
        provider,
        model as source_model
    from {{ ref('stg_reference__prices') }}

),

unioned as (

    select * from gateway
    union
    select * from telemetry
    union
    select * from openai_usage
    union
    select * from openai_costs
    union
    select * from anthropic_usage
    union
    select * from anthropic_costs
    union
    select * from bedrock
    union
    select * from focus
    union
    select * from negotiated_prices

),

canonical as (

    select
        provider,
        source_model,
        {{ canonical_model_name('source_model') }} as model_id
    from unioned
    where source_model is not null and trim(source_model) <> ''

),

models as (

    select * from {{ ref('models') }}

),

final as (

    select
        canonical.provider,
        canonical.source_model,
        canonical.model_id,
        models.model_id is not null as is_known_model
    from canonical
    left join models on canonical.model_id = models.model_id

)

select * from final
