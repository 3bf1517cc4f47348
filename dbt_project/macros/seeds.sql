{#-
    Seeds on Spark. dbt-spark's session connection formats each bound value with Python's str(),
    so an empty CSV cell (None) was loaded as the text 'None'. This writes the rows as literals:
    an empty cell is NULL, text is quoted with Spark's escapes, and each value is cast to its column's
    type as dbt-spark does. The project's dispatch config puts it ahead of dbt-spark's.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set rows = [] -%}
        {%- for row in chunk -%}
            {%- set values = [] -%}
            {%- for value in row -%}
                {%- set type = column_override.get(
                    agate_table.column_names[loop.index0], adapter.convert_type(agate_table, loop.index0)
                ) -%}
                {%- if value is none -%}
                    {%- do values.append('cast(null as ' ~ type ~ ')') -%}
                {%- else -%}
                    {%- set text = (value | string).replace('\\', '\\\\').replace("'", "\\'") -%}
                    {%- do values.append("cast('" ~ text ~ "' as " ~ type ~ ")") -%}
                {%- endif -%}
            {%- endfor -%}
            {%- do rows.append('(' ~ values | join(', ') ~ ')') -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' values ' ~ rows | join(', ') -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
