{#- Fails on every row where `expression` is false (NULL counts as passing: use not_null for that). -#}
{% test expression_is_true(model, expression, column_name=none) %}
    select *
    from {{ model }}
    where not coalesce(({{ expression }}), true)
{% endtest %}
