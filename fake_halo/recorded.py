"""Where the recorded payloads live: ``fake_halo/data`` ships inside the package (see its NOTICE.md).

Tests, benchmarks and the fake itself reach the recordings through these paths, never through a
path relative to the repository, so they work from any install.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
RESPONSES_DIR = DATA_DIR / "responses"  # recorded API responses (JSON), by SPNKr's names
FILMS_DIR = DATA_DIR / "film"  # recorded highlight chunks (zlib) and the stats of one of them


def response(name: str) -> Path:
    """A recorded API response, e.g. ``response("get_match_stats_oddball.json")``."""
    return _existing(RESPONSES_DIR / name)


def film(name: str) -> Path:
    """A recorded film file, e.g. ``film("highlight_events.gzip")``."""
    return _existing(FILMS_DIR / name)


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"no recorded file {path.name} under {path.parent}")
    return path
