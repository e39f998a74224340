"""The Vega runtime (Vega, Vega-Lite, vega-embed) as one script to inline in the page.

``vl-convert`` bundles it offline from the copies it ships (no network, no CDN). Bundling takes
several seconds, so the result is kept in the user's cache directory, one file per version of
vl-convert and Vega-Lite, written atomically; a cache that cannot be written only costs time.
"""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

import altair as alt
import vl_convert

# The Vega-Lite version Altair writes specs for (major.minor), which the bundle must run.
VEGA_LITE = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "halo-warehouse"


def cache_file() -> Path:
    version = getattr(vl_convert, "__version__", "unknown")
    return cache_dir() / f"vega-runtime-vlc{version}-vl{VEGA_LITE}.js"


@cache
def vega_runtime() -> str:
    """The bundle's JavaScript; it defines ``vegaEmbed``, ``vega`` and ``vegaLite`` on ``window``."""
    path = cache_file()
    if path.is_file():
        return path.read_text(encoding="utf-8")
    bundle = vl_convert.javascript_bundle(vl_version=VEGA_LITE)
    try:
        _keep(path, bundle)
    except OSError:
        return bundle  # a read-only cache directory: bundle again next time
    return bundle


def _keep(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".partial")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
