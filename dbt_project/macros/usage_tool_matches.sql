{#-
    Which listed usage tool each ledger row's spend went to, for ledger rows that carry no tool of
    their own (x_ToolId is set only for seat licences). Renders a select of (ledger_row_id,
    tool_id), at most one row per ledger row, from four relations the calling model names:

    - `ledger`: focus_cost_and_usage (x_LedgerRowId, x_IsAiSpend, x_ToolId, x_Provider, x_Model);
    - `models`: dim_models (model_id, developer);
    - `tools`: dim_tools, the company's tool list (tool_id);
    - `tool_providers`: the seed usage_tool_providers (provider, model_developer, tool_id).

    An AI spend row matches a seed row when its x_Provider (the warehouse's provider vocabulary:
    openai, anthropic, bedrock, azure, vertex_ai, ...) equals the seed's provider and, where the
    seed names a model_developer, its model is by that developer (dim_models.developer; a row with
    no model matches too), and only when the seed's tool is in the tool list. A row that matches
    several seed rows takes the one naming a developer, then the first tool_id. Rows that are not
    AI spend, or that match nothing, are not returned: AI spend without a tool is shadow spend.
-#}
{% macro usage_tool_matches(ledger, models, tools, tool_providers) %}
    select
        ledger_row_id,
        tool_id
    from (
        select
            {{ ledger }}.x_LedgerRowId as ledger_row_id,
            {{ tool_providers }}.tool_id,
            row_number() over (
                partition by {{ ledger }}.x_LedgerRowId
                order by
                    case when {{ tool_providers }}.model_developer is null then 1 else 0 end,
                    {{ tool_providers }}.tool_id
            ) as match_rank
        from {{ ledger }}
        left join {{ models }} on {{ ledger }}.x_Model = {{ models }}.model_id
        inner join {{ tool_providers }}
            on
                {{ ledger }}.x_Provider = {{ tool_providers }}.provider
                and (
                    {{ tool_providers }}.model_developer is null
                    or {{ ledger }}.x_Model is null
                    or lower({{ models }}.developer) = lower({{ tool_providers }}.model_developer)
                )
        inner join {{ tools }} on {{ tool_providers }}.tool_id = {{ tools }}.tool_id
        where {{ ledger }}.x_IsAiSpend and {{ ledger }}.x_ToolId is null
    ) as ranked_matches
    where match_rank = 1
{% endmacro %}
