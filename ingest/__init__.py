"""halo-warehouse ingester: lands raw Halo Infinite API payloads into DuckDB ``landing.*`` tables."""
