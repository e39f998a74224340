"""``halo export``: the marts as files (Parquet or CSV, one per mart) with a manifest, read-only.

The command line's choices live here (no DuckDB import): ``halo --help`` stays fast.
"""

from enum import StrEnum
from pathlib import Path

DEFAULT_DIR = Path("warehouse/export")


class ExportFormat(StrEnum):
    PARQUET = "parquet"
    CSV = "csv"
