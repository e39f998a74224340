"""``halo report``: one self-contained HTML page built from the marts, read-only.

Three steps, one module each: ``sections/*`` query the marts (SQL, aggregated in DuckDB, through
``reader.Reader`` on a read-only connection) and say what they show as blocks (``blocks``: tiles,
tables, charts, notes); ``charts`` turns a chart block into a Vega-Lite spec (Altair), built once per
kind of chart whatever the number of players; ``page`` renders the blocks to one HTML file with
every script and style inlined (the Vega runtime from ``runtime``), so it opens offline from disk.
``build`` ties them together and writes the file atomically. A section whose mart or data is
missing says "not available yet" and why instead of failing the report.
"""
