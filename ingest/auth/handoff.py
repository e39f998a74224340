"""Hands a signed-in token source from the CLI to the ingest session.

``halo ingest`` in refresh-token mode signs in *before* ``run_ingest`` (so a refused refresh token
ends the run before anything is opened or written) and passes the resulting Spartan token on like a
pasted one. ``ingest.session.open_session`` then asks here whether that token came from a prepared
source; if so it uses the source (which renews the token mid-run) instead of a static token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .source import RefreshTokenSource

_OFFERED: dict[str, RefreshTokenSource] = {}


def offer(source: RefreshTokenSource) -> None:
    if source.session is None:
        raise ValueError("only a signed-in source can be handed over")
    _OFFERED[source.session.spartan_token] = source


def adopt_prepared_source(spartan_token: str) -> RefreshTokenSource | None:
    """The source that issued ``spartan_token`` in this process, once; None for a pasted token."""
    return _OFFERED.pop(spartan_token, None)
