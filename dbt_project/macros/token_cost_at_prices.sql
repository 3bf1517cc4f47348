{#-
    The cost in USD of a row's canonical tokens (columns uncached_input_tokens, cache_read_tokens,
    cache_write_tokens and output_tokens, reasoning included in output) at per-million-token prices
    in the columns <prefix>input_per_mtok, <prefix>cache_read_per_mtok, <prefix>cache_write_per_mtok
    and <prefix>output_per_mtok: the same arithmetic as the list costs of the usage models (sum of
    tokens x price, times 0.000001), exact to 10 places. NULL when any of the four prices is NULL, as in the usage models.
-#}
{% macro token_cost_at_prices(price_prefix) %}
    cast(
        (
            uncached_input_tokens * {{ price_prefix }}input_per_mtok
            + cache_read_tokens * {{ price_prefix }}cache_read_per_mtok
            + cache_write_tokens * {{ price_prefix }}cache_write_per_mtok
            + output_tokens * {{ price_prefix }}output_per_mtok
        ) * 0.000001
        as decimal(38, 10)
    )
{% endmacro %}
