{#- A FOCUS ProviderName in the provider vocabulary the rest of the warehouse uses (LiteLLM's). -#}
{% macro focus_provider(provider_name) %}
    case lower({{ provider_name }})
        when 'microsoft' then 'azure'
        when 'azure' then 'azure'
        when 'aws' then 'bedrock'
        when 'amazon web services' then 'bedrock'
        when 'google' then 'vertex_ai'
        when 'google cloud' then 'vertex_ai'
        when 'openai' then 'openai'
        when 'anthropic' then 'anthropic'
        else lower({{ provider_name }})
    end
{% endmacro %}
