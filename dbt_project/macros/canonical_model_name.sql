{#-
    One name per model, whoever sold or logged it: `bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0`,
    `claude-sonnet-4-5-20250929`, `Claude Sonnet 4.5 (Amazon Bedrock Edition)` and `claude-sonnet-4-5`
    all become `claude-sonnet-4-5`; `gpt-4.1-mini-2025-04-14` becomes `gpt-4.1-mini`.

    Steps: lower-case; drop a routing prefix up to the last `/`; drop Bedrock's inference-profile
    region and vendor prefixes and version suffix; drop a date or `-latest` suffix and Marketplace's
    "(Amazon Bedrock Edition)"; spaces become dashes, and so do the dots of Claude names (Anthropic
    writes 4-5 where OpenAI writes 4.1). Bedrock's usage types name Claude version first
    (`Claude4.5Sonnet`): that becomes `claude-sonnet-4-5`. Every pattern is anchored, so one
    replacement each is the same on every engine; `[.]` stands for a dot so no engine's escaping
    rules matter.
-#}
{% macro canonical_model_name(expression) %}
    {%- set stripped -%}
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    regexp_replace(
                        regexp_replace(
                            regexp_replace(
                                lower(trim({{ expression }})),
                                '^.*/', ''
                            ),
                            ' [(]amazon bedrock edition[)]$', ''
                        ),
                        '^(us|eu|apac|au|jp|ca|global|us-gov)[.]', ''
                    ),
                    '^(anthropic|meta|mistral|cohere|amazon|openai|ai21|deepseek)[.]', ''
                ),
                '-v[0-9]+(:[0-9]+)?$', ''
            ),
            '(-[0-9]{8}|-[0-9]{4}-[0-9]{2}-[0-9]{2}|-latest)$', ''
        )
    {%- endset -%}
    case
        when {{ regex_matches(stripped, "'^claude[0-9.]+(sonnet|haiku|opus)$'") }}
            then 'claude-' || regexp_extract({{ stripped }}, '(sonnet|haiku|opus)$', 1) || '-'
                || replace(regexp_extract({{ stripped }}, '^claude([0-9.]+)', 1), '.', '-')
        when lower({{ expression }}) like '%claude%'
            then replace(replace({{ stripped }}, ' ', '-'), '.', '-')
        else replace({{ stripped }}, ' ', '-')
    end
{% endmacro %}
