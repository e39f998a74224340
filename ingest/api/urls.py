"""Halo API URLs and the ``HALO_API_BASE_URL`` override.

Every request is built against its real address, ``https://{host}.svc.halowaypoint.com{path}``;
when a base override is set, it is sent to ``{base}/{host}{path}`` instead (``host`` being the first
DNS label). Film chunk URLs taken from a manifest go through the same mapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ..errors import UsageError
from ..vocabulary import player_id

HALO_DOMAIN_SUFFIX = ".svc.halowaypoint.com"
KNOWN_HOSTS = (
    "halostats",
    "skill",
    "discovery-infiniteugc",
    "gamecms-hacs",
    "profile",
    "economy",
    "settings",
    "blobs-infiniteugc",
)


def real_url(host: str, path: str) -> str:
    return f"https://{host}{HALO_DOMAIN_SUFFIX}{path}"


@dataclass(frozen=True)
class UrlMapper:
    """Maps real Halo URLs to where requests are actually sent."""

    base_url: str | None = None

    @classmethod
    def from_setting(cls, value: str | None) -> UrlMapper:
        if value is None or not value.strip():
            return cls(None)
        base = value.strip().rstrip("/")
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(
                f"HALO_API_BASE_URL is not a valid http(s) URL: {value!r} "
                "(expected something like http://127.0.0.1:8080)"
            )
        if parts.query or parts.fragment:
            raise UsageError(f"HALO_API_BASE_URL must not carry a query or fragment: {value!r}")
        try:
            parts.port  # noqa: B018 - validates the port number
        except ValueError as exc:
            raise UsageError(f"HALO_API_BASE_URL has an invalid port: {value!r}") from exc
        return cls(base)

    def map(self, url: str) -> str:
        """The address to send a request for the real ``url`` to."""
        host = host_label(url)
        if self.base_url is None:
            return url
        parts = urlsplit(url)
        mapped = f"{self.base_url}/{host}{parts.path}"
        return f"{mapped}?{parts.query}" if parts.query else mapped


def host_label(url: str) -> str:
    """The first DNS label of a Halo service URL; anything else is refused."""
    parts = urlsplit(url)
    hostname = parts.hostname or ""
    if parts.scheme != "https" or not hostname.endswith(HALO_DOMAIN_SUFFIX):
        raise ValueError(f"not a Halo service URL: {url}")
    label = hostname[: -len(HALO_DOMAIN_SUFFIX)]
    if not label or "." in label:
        raise ValueError(f"not a Halo service URL: {url}")
    return label


def gamertag_segment(gamertag: str) -> str:
    """A gamertag as a path segment: spaces, ``#`` and everything else percent-encoded."""
    return quote(gamertag, safe="")


# -- endpoint paths (host, path) --------------------------------------------------------------
def users_me() -> str:
    return real_url("profile", "/users/me")


def user_by_gamertag(gamertag: str) -> str:
    return real_url("profile", f"/users/gt({gamertag_segment(gamertag)})")


def user_by_xuid(xuid: str) -> str:
    return real_url("profile", f"/users/xuid({xuid})")


def users_by_xuids() -> str:
    return real_url("profile", "/users")


def clearance() -> str:
    return real_url("settings", "/oban/flight-configurations/titles/hi/audiences/RETAIL/active")


def match_history(xuid: str) -> str:
    return real_url("halostats", f"/hi/players/{player_id(xuid)}/matches")


def match_stats(match_id: str) -> str:
    return real_url("halostats", f"/hi/matches/{match_id}/stats")


def match_skill(match_id: str) -> str:
    return real_url("skill", f"/hi/matches/{match_id}/skill")


def film_manifest(match_id: str) -> str:
    return real_url("discovery-infiniteugc", f"/hi/films/matches/{match_id}/spectate")


def ugc_asset(kind: str, asset_id: str, version_id: str) -> str:
    return real_url("discovery-infiniteugc", f"/hi/{kind}/{asset_id}/versions/{version_id}")


def medal_metadata() -> str:
    return real_url("gamecms-hacs", "/hi/Waypoint/file/medals/metadata.json")


def csr_season_calendar() -> str:
    return real_url("gamecms-hacs", "/hi/Progression/file/Csr/Calendars/CsrSeasonCalendar.json")


def film_chunk_url(blob_prefix: str, relative_path: str) -> str:
    """Join a manifest's blob prefix and a chunk's relative path (validated as a Halo URL)."""
    url = blob_prefix.rstrip("/") + "/" + relative_path.lstrip("/")
    host_label(url)  # raises ValueError for anything that is not a Halo service URL
    return url
