"""Unattended sign-in: a stored refresh token becomes a Spartan token on every run.

The chain: refresh token → OAuth access token (login.live.com, or the v2 consumer
endpoint when the app is refused there) → Xbox user token → XSTS token for the Halo relying party →
Spartan token → clearance. ``halo auth login`` obtains the refresh token once, interactively;
:class:`~ingest.api.auth.source.RefreshTokenSource` runs the chain, caches its result with its expiry in
the 0600 config file and renews it before it runs out (or once on a 401).

Modules: ``hosts`` (real sign-in URLs and the base override), ``store`` (the config file),
``client`` (HTTP for the sign-in hosts), ``oauth`` and ``xbox`` (the two halves of the chain),
``source`` (the token source), ``select`` (which credentials a run uses: flags > env > config),
``prepare`` (signing in before ``halo ingest``; the source then travels in its request),
``login`` and ``credential_status`` (the bodies of the two ``halo auth`` commands).
"""
