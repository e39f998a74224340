"""The auth config file: the refresh token, the Azure app, and the cached Spartan token.

One JSON file outside the repository (default ``~/.config/halo-warehouse/auth.json``, or
``$XDG_CONFIG_HOME/halo-warehouse/auth.json``; ``HALO_AUTH_CONFIG`` overrides). It is the only place
a secret is ever written: the file is created with mode 0600 in a 0700 directory, replaced
atomically (write a sibling temp file, fsync, rename) and refused when others can read it.

Format (``format`` 1; times are ISO-8601 UTC)::

    {
      "format": 1,
      "client_id": "…", "client_secret": "…", "redirect_uri": "https://localhost",
      "refresh": {"lineage": "config", "refresh_token": "…", "token_endpoint": "live",
                  "saved_at": "…", "rotated_at": null},
      "supplied": {"lineage": "sha256:…", "refresh_token": "…", …} | null,
      "session": {"lineage": "config", "api_base": null, "spartan_token": "…", "clearance": "…",
                  "obtained_at": "…", "expires_at": "…", "xuid": "…", "gamertag": "…"} | null
    }

``refresh`` is what ``halo auth login`` stored. ``supplied`` is the successor of a refresh token given
by flag or environment (identified by its SHA-256, never stored itself) once the service rotated it.
``session`` is the Spartan token and clearance of the last chain run, valid for one lineage and
one API base.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ... import SOURCE_ROOT
from ...errors import HaloError, UsageError
from ..credentials import REDACTOR

CONFIG_ENV = "HALO_AUTH_CONFIG"
FORMAT_VERSION = 1
CONFIG_LINEAGE = "config"
# Renew a cached Spartan token this long before it runs out (it lives a few hours)...
REFRESH_MARGIN = timedelta(minutes=10)
# A token younger than this is never renewed proactively: with a skewed clock (or a service handing
# out short tokens) "about to expire" must not turn into a sign-in on every request.
MIN_RENEWAL_AGE = timedelta(minutes=1)


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_time(text: str) -> datetime:
    """ISO-8601 with ``Z`` and any number of fractional digits (the services send up to 7)."""
    value = text.strip()
    if "." in value:
        head, _, tail = value.partition(".")
        digits = "".join(c for c in tail if c.isdigit())
        value = f"{head}.{digits[:6].ljust(6, '0')}{tail[len(digits):]}"
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"time without a zone: {text!r}")
    return moment.astimezone(UTC)


@dataclass
class RefreshRecord:
    """A refresh token and what we know about it."""

    lineage: str
    refresh_token: str
    token_endpoint: str = "live"  # "live" or "v2": where this app's tokens are accepted
    saved_at: datetime | None = None
    rotated_at: datetime | None = None  # the last time the service handed out a new one


@dataclass
class CachedSession:
    """The result of one chain run: reusable while it is fresh."""

    lineage: str
    api_base: str | None
    spartan_token: str
    clearance: str
    obtained_at: datetime
    expires_at: datetime
    xuid: str | None = None
    gamertag: str | None = None

    def refresh_margin(self) -> timedelta:
        # ...but never before half its life: a service issuing short tokens must not make every
        # request renew the token it has just issued.
        return max(timedelta(0), min(REFRESH_MARGIN, (self.expires_at - self.obtained_at) / 2))

    def is_fresh(self, now: datetime | None = None) -> bool:
        now = now or utc_now()
        if now - self.obtained_at < MIN_RENEWAL_AGE:
            return True
        return self.expires_at - now > self.refresh_margin()


@dataclass
class AuthConfig:
    client_id: str | None = None
    client_secret: str | None = None
    redirect_uri: str | None = None
    refresh: RefreshRecord | None = None
    supplied: RefreshRecord | None = None
    session: CachedSession | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # keys a newer version wrote: kept as is

    def register_secrets(self) -> None:
        REDACTOR.register(self.client_secret)
        for record in (self.refresh, self.supplied):
            if record is not None:
                REDACTOR.register(record.refresh_token)
        if self.session is not None:
            REDACTOR.register(self.session.spartan_token)
            REDACTOR.register(self.session.clearance)


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get(CONFIG_ENV, "").strip():
        return Path(env[CONFIG_ENV].strip()).expanduser()
    base = env.get("XDG_CONFIG_HOME", "").strip()
    root = Path(base).expanduser() if base else Path.home() / ".config"
    return root / "halo-warehouse" / "auth.json"


class AuthStore:
    """Reads and atomically rewrites one config file."""

    def __init__(self, path: Path) -> None:
        self.path = path.expanduser().absolute()
        if self.path == SOURCE_ROOT or SOURCE_ROOT in self.path.parents:
            raise UsageError(
                f"the auth config must live outside the repository (it holds secrets and could be "
                f"committed): {self.path}; set {CONFIG_ENV} to a path under your home directory"
            )

    def exists(self) -> bool:
        return self.path.is_file()

    def permissions(self) -> int | None:
        try:
            return stat.S_IMODE(self.path.stat().st_mode)
        except FileNotFoundError:
            return None

    def load(self) -> AuthConfig:
        """The stored config (an empty one when the file does not exist yet)."""
        try:
            mode = stat.S_IMODE(self.path.stat().st_mode)
            if self.path.is_dir():
                raise UsageError(f"the auth config path is a directory: {self.path}")
            if os.name == "posix" and mode & 0o077:
                raise UsageError(
                    f"the auth config {self.path} is readable by other users (mode {mode:04o}); "
                    f"run `chmod 600 {self.path}`"
                )
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return AuthConfig()
        except OSError as exc:
            raise UsageError(f"cannot read the auth config {self.path}: {exc.strerror or exc}") from exc
        try:
            config = _from_json(json.loads(text))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            # The message names the problem, never a value (values may be secrets).
            raise UsageError(
                f"the auth config {self.path} is not valid ({type(exc).__name__}); "
                "run `halo auth login` again"
            ) from None
        config.register_secrets()
        return config

    def save(self, config: AuthConfig) -> None:
        config.register_secrets()
        payload = json.dumps(_to_json(config), indent=2, sort_keys=False) + "\n"
        parent = self.path.parent
        try:
            _make_private_dirs(parent)
            temp = parent / f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.fchmod(fd, 0o600)  # exactly 0600 whatever the umask
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(payload)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, self.path)
            except BaseException:
                temp.unlink(missing_ok=True)
                raise
            _fsync_dir(parent)
        except OSError as exc:
            raise HaloError(f"cannot write the auth config {self.path}: {exc.strerror or exc}") from exc

    def update(self, change: Callable[[AuthConfig], None]) -> AuthConfig:
        """Load, apply ``change(config)``, save: the file is re-read so other fields survive."""
        config = self.load()
        change(config)
        self.save(config)
        return config


def lineage_of(refresh_token: str) -> str:
    """Names a refresh token given by flag or environment without storing it."""
    return "sha256:" + hashlib.sha256(refresh_token.encode("utf-8")).hexdigest()


# -- JSON mapping ----------------------------------------------------------------------------------
def _make_private_dirs(directory: Path) -> None:
    missing = []
    probe = directory
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for created in reversed(missing):
        created.mkdir(mode=0o700)
        os.chmod(created, 0o700)  # the umask may have taken bits away; never added any


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _opt_time(value: Any) -> datetime | None:
    return None if value is None else parse_time(_text(value))


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _opt_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _record_from(data: Any) -> RefreshRecord | None:
    if data is None:
        return None
    return RefreshRecord(
        lineage=_text(data["lineage"]),
        refresh_token=_text(data["refresh_token"]),
        token_endpoint=_text(data.get("token_endpoint", "live")),
        saved_at=_opt_time(data.get("saved_at")),
        rotated_at=_opt_time(data.get("rotated_at")),
    )


def _record_to(record: RefreshRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "lineage": record.lineage,
        "refresh_token": record.refresh_token,
        "token_endpoint": record.token_endpoint,
        "saved_at": format_time(record.saved_at) if record.saved_at else None,
        "rotated_at": format_time(record.rotated_at) if record.rotated_at else None,
    }


def _session_from(data: Any) -> CachedSession | None:
    if data is None:
        return None
    return CachedSession(
        lineage=_text(data["lineage"]),
        api_base=_opt_text(data.get("api_base")),
        spartan_token=_text(data["spartan_token"]),
        clearance=_text(data["clearance"]),
        obtained_at=parse_time(_text(data["obtained_at"])),
        expires_at=parse_time(_text(data["expires_at"])),
        xuid=_opt_text(data.get("xuid")),
        gamertag=_opt_text(data.get("gamertag")),
    )


def _session_to(session: CachedSession | None) -> dict[str, Any] | None:
    if session is None:
        return None
    return {
        "lineage": session.lineage,
        "api_base": session.api_base,
        "spartan_token": session.spartan_token,
        "clearance": session.clearance,
        "obtained_at": format_time(session.obtained_at),
        "expires_at": format_time(session.expires_at),
        "xuid": session.xuid,
        "gamertag": session.gamertag,
    }


KNOWN_KEYS = ("format", "client_id", "client_secret", "redirect_uri", "refresh", "supplied", "session")


def _from_json(data: Any) -> AuthConfig:
    if not isinstance(data, dict):
        raise TypeError("not a JSON object")
    version = data.get("format", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ValueError(f"unknown format {version!r}")
    return AuthConfig(
        client_id=_opt_text(data.get("client_id")),
        client_secret=_opt_text(data.get("client_secret")),
        redirect_uri=_opt_text(data.get("redirect_uri")),
        refresh=_record_from(data.get("refresh")),
        supplied=_record_from(data.get("supplied")),
        session=_session_from(data.get("session")),
        extra={k: v for k, v in data.items() if k not in KNOWN_KEYS},
    )


def _to_json(config: AuthConfig) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "client_id": config.client_id,
        "client_secret": config.client_secret,
        "redirect_uri": config.redirect_uri,
        "refresh": _record_to(config.refresh),
        "supplied": _record_to(config.supplied),
        "session": _session_to(config.session),
        **config.extra,
    }
