"""The landing store: the DuckDB warehouse file, the landing tables (``registry``: columns, keys;
``schema``: DDL and the payload-status view), the batched writer, what has landed (``landed``),
tracked players, and the completeness and progress summaries ``halo status`` shows. No HTTP
here."""
