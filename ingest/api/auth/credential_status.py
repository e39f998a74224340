"""``halo auth status``: which credentials a run would use and how long its token lasts.

It reads the environment and the config file and makes no request. It never prints a token or a
secret, only where each one comes from and the times around it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from .select import (
    CLIENT_ID_ENV,
    CLIENT_SECRET_ENV,
    REDIRECT_ENV,
    REFRESH_ENV,
    SPARTAN_ENV,
    AuthFlags,
    Selection,
    select,
)
from .store import CONFIG_LINEAGE, AuthConfig, RefreshRecord, format_time, lineage_of, utc_now


def status_lines(flags: AuthFlags, env: Mapping[str, str], base_url: str | None, now: datetime | None = None) -> list[str]:
    now = now or utc_now()
    selection = select(flags, env)
    store = selection.store
    mode = store.permissions()
    lines = [_mode_line(selection)]
    file_state = "does not exist yet" if mode is None else f"mode {mode:04o}"
    lines.append(f"config file: {store.path} ({file_state})")
    if selection.mode == "spartan":
        lines.append(
            "  a pasted token's expiry is unknown: when the API refuses it (HTTP 401), paste a fresh "
            "one" + ("" if mode is None or selection.config.refresh is None
                     else f"; a stored refresh token is also present: unset {SPARTAN_ENV} to use it")
        )
        return lines
    config = selection.config
    lines += _app_lines(env, config)
    if selection.mode == "none":
        return lines
    lineage = CONFIG_LINEAGE if selection.origin == "config" else lineage_of(selection.token or "")
    lines.append(_refresh_line(_record(config, lineage)))
    lines += _session_lines(config, lineage, base_url, now)
    return lines


def _mode_line(selection: Selection) -> str:
    if selection.mode == "spartan":
        return f"mode: pasted Spartan token (from {selection.where})"
    if selection.mode == "refresh":
        return f"mode: refresh token (from {selection.where}); Spartan tokens are renewed automatically"
    return (
        f"mode: not signed in: run `halo auth login` once (unattended runs), or set {SPARTAN_ENV} "
        f"or {REFRESH_ENV}"
    )


def _app_lines(env: Mapping[str, str], config: AuthConfig) -> list[str]:
    def origin(env_name: str, stored: str | None) -> str | None:
        if env.get(env_name, "").strip():
            return env_name
        return "config file" if stored else None

    client_id = env.get(CLIENT_ID_ENV, "").strip() or config.client_id
    id_from, secret_from = origin(CLIENT_ID_ENV, config.client_id), origin(CLIENT_SECRET_ENV, config.client_secret)
    redirect_from = origin(REDIRECT_ENV, config.redirect_uri)
    # The client id is public (it is part of the authorize URL); the secret is only "set" or not.
    return [
        f"azure app: client id {client_id} (from {id_from})" if client_id else f"azure app: no client id ({CLIENT_ID_ENV})",
        f"  client secret: set (from {secret_from})" if secret_from else f"  client secret: missing ({CLIENT_SECRET_ENV})",
        f"  redirect uri: from {redirect_from}" if redirect_from else "  redirect uri: https://localhost (default)",
    ]


def _record(config: AuthConfig, lineage: str) -> RefreshRecord | None:
    if lineage == CONFIG_LINEAGE:
        return config.refresh
    return config.supplied if config.supplied and config.supplied.lineage == lineage else None


def _refresh_line(record: RefreshRecord | None) -> str:
    if record is None:
        return "refresh token: as given; never rotated on this machine"
    saved = f"stored {format_time(record.saved_at)}" if record.saved_at else "stored"
    rotated = f"last rotated {format_time(record.rotated_at)}" if record.rotated_at else "never rotated"
    endpoint = "login.live.com" if record.token_endpoint == "live" else "login.microsoftonline.com (v2)"
    return f"refresh token: {saved}; {rotated}; accepted by {endpoint}"


def _session_lines(config: AuthConfig, lineage: str, base_url: str | None, now: datetime) -> list[str]:
    session = config.session
    base = (base_url or "").strip().rstrip("/") or None
    if session is None or session.lineage != lineage or session.api_base != base:
        return ["cached Spartan token: none for these credentials (the next run signs in)"]
    who = f"; signed in as {session.gamertag} (xuid {session.xuid})" if session.gamertag else ""
    until = format_time(session.expires_at)
    if session.expires_at <= now:
        return [f"cached Spartan token: expired at {until} (the next run renews it){who}"]
    left = _duration(session.expires_at - now)
    renewal = (
        "the next run renews it first" if not session.is_fresh(now)
        else f"runs after {format_time(session.expires_at - session.refresh_margin())} renew it"
    )
    return [f"cached Spartan token: valid until {until} ({left} left; {renewal}){who}"]


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
