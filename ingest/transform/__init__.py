"""Running the project's dbt: where the dbt project is (a checkout, or the copy packaged into the
wheel) and how ``dbt build`` is invoked and read back."""
