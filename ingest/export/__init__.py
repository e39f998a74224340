"""``halo export``: the marts as files (Parquet or CSV, one per mart) with a manifest, read-only."""
