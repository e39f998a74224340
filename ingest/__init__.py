"""halo-warehouse ingester: lands raw Halo Infinite API payloads into DuckDB ``landing.*`` tables.

Subpackages by role (what may import what: ARCHITECTURE.md): ``cli`` (the ``halo`` command),
``api`` (HTTP client, pacing, credentials, sign-in), ``sync`` (one ingest run), ``store`` (the
landing tables), ``transform`` (running the dbt project). ``errors`` and ``vocabulary`` are shared
leaves that import nothing else of the project.
"""

from pathlib import Path

# The directory holding this package: the repository root when running from a checkout.
SOURCE_ROOT = Path(__file__).resolve().parent.parent
