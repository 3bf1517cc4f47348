{#-
    Text with a UTC offset or Z (RFC 3339, ISO 8601) to a UTC timestamp without zone. On DuckDB the
    text is read as an instant and shown in UTC; Spark reads offsets itself and the project's Spark
    profile pins the session time zone to UTC.
-#}
{% macro utc_timestamp_from_text(text) %}
    {{ return(adapter.dispatch('utc_timestamp_from_text', 'aispend')(text)) }}
{% endmacro %}

{% macro default__utc_timestamp_from_text(text) %}
    timezone('UTC', cast({{ text }} as timestamptz))
{% endmacro %}

{% macro spark__utc_timestamp_from_text(text) %}
    cast({{ text }} as timestamp)
{% endmacro %}
