"""The sign-in hosts and the ``HALO_API_BASE_URL`` override for them.

``ingest.api.urls`` maps ``https://{label}.svc.halowaypoint.com{path}`` to ``{base}/{label}{path}``.
The sign-in hosts are not halowaypoint labels, so with a base set they keep their *full* host name:
``https://login.live.com/oauth20_token.srf`` → ``{base}/login.live.com/oauth20_token.srf`` (same for
login.microsoftonline.com, user.auth.xboxlive.com and xsts.auth.xboxlive.com). The Spartan token and
clearance live on ``settings.svc.halowaypoint.com`` and follow the ordinary mapping
(``{base}/settings/spartan-token``). That lets the whole chain run against a loopback fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from .. import urls
from ..urls import UrlMapper

LIVE_HOST = "login.live.com"
MICROSOFTONLINE_HOST = "login.microsoftonline.com"
XBOX_USER_HOST = "user.auth.xboxlive.com"
XSTS_HOST = "xsts.auth.xboxlive.com"
SIGN_IN_HOSTS = frozenset({LIVE_HOST, MICROSOFTONLINE_HOST, XBOX_USER_HOST, XSTS_HOST})

LIVE_AUTHORIZE_URL = f"https://{LIVE_HOST}/oauth20_authorize.srf"
LIVE_TOKEN_URL = f"https://{LIVE_HOST}/oauth20_token.srf"
# LevelUp's fallback when login.live.com answers invalid_client (apps registered the newer way).
V2_TOKEN_URL = f"https://{MICROSOFTONLINE_HOST}/consumers/oauth2/v2.0/token"
XBOX_USER_URL = f"https://{XBOX_USER_HOST}/user/authenticate"
XSTS_URL = f"https://{XSTS_HOST}/xsts/authorize"
SPARTAN_TOKEN_URL = urls.real_url("settings", "/spartan-token")

OAUTH_SCOPE = "Xboxlive.signin Xboxlive.offline_access"
DEFAULT_REDIRECT_URI = "https://localhost"
XBOX_RELYING_PARTY = "http://auth.xboxlive.com"
HALO_RELYING_PARTY = "https://prod.xsts.halowaypoint.com/"


def clearance_url() -> str:
    return urls.clearance()


def authorize_url(client_id: str, redirect_uri: str) -> str:
    """The address the user opens once in a browser to grant the app access (Live OAuth 2.0 authorize)."""
    query = urlencode(
        {
            "client_id": client_id,
            "response_type": "code",
            "approval_prompt": "auto",
            "scope": OAUTH_SCOPE,
            "redirect_uri": redirect_uri,
        }
    )
    return f"{LIVE_AUTHORIZE_URL}?{query}"


@dataclass(frozen=True)
class AuthUrlMapper:
    """Where a sign-in request for a real URL is sent (the base override, or the URL itself)."""

    halo: UrlMapper

    @classmethod
    def from_setting(cls, value: str | None) -> AuthUrlMapper:
        # Same validation (and the same one-line errors) as the Halo service override.
        return cls(UrlMapper.from_setting(value))

    @property
    def base_url(self) -> str | None:
        return self.halo.base_url

    def map(self, url: str) -> str:
        parts = urlsplit(url)
        hostname = parts.hostname or ""
        if hostname in SIGN_IN_HOSTS:
            if parts.scheme != "https":
                raise ValueError(f"not a sign-in URL: {url}")
            if self.base_url is None:
                return url
            mapped = f"{self.base_url}/{hostname}{parts.path}"
            return f"{mapped}?{parts.query}" if parts.query else mapped
        return self.halo.map(url)  # raises ValueError for anything that is not a Halo service
