"""The sign-in pieces that need no server: URL mapping, code parsing, the config file, precedence."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from ingest.api.auth.hosts import AuthUrlMapper, authorize_url
from ingest.api.auth.oauth import parse_authorization_code
from ingest.api.auth.select import AuthFlags, azure_app, select
from ingest.api.auth.store import (
    AuthConfig,
    AuthStore,
    CachedSession,
    RefreshRecord,
    default_config_path,
    parse_time,
    utc_now,
)
from ingest.errors import UsageError

REPO = Path(__file__).resolve().parents[1]


# -- the base override for the sign-in hosts ---------------------------------------------------------
@pytest.mark.parametrize(
    ("real", "mapped"),
    [
        ("https://login.live.com/oauth20_token.srf", "/login.live.com/oauth20_token.srf"),
        ("https://login.microsoftonline.com/consumers/oauth2/v2.0/token",
         "/login.microsoftonline.com/consumers/oauth2/v2.0/token"),
        ("https://user.auth.xboxlive.com/user/authenticate", "/user.auth.xboxlive.com/user/authenticate"),
        ("https://xsts.auth.xboxlive.com/xsts/authorize", "/xsts.auth.xboxlive.com/xsts/authorize"),
        ("https://settings.svc.halowaypoint.com/spartan-token", "/settings/spartan-token"),
        ("https://login.live.com/oauth20_authorize.srf?client_id=x&scope=a+b",
         "/login.live.com/oauth20_authorize.srf?client_id=x&scope=a+b"),
    ],
)
def test_sign_in_hosts_follow_the_base_override(real: str, mapped: str) -> None:
    assert AuthUrlMapper.from_setting("http://127.0.0.1:9/").map(real) == "http://127.0.0.1:9" + mapped
    assert AuthUrlMapper.from_setting(None).map(real) == real


@pytest.mark.parametrize("url", ["https://example.com/x", "http://login.live.com/oauth20_token.srf"])
def test_other_hosts_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        AuthUrlMapper.from_setting("http://127.0.0.1:9").map(url)


def test_authorize_url_asks_for_offline_access() -> None:
    url = authorize_url("my-app", "https://localhost")
    assert url.startswith("https://login.live.com/oauth20_authorize.srf?")
    assert "client_id=my-app" in url and "response_type=code" in url
    assert "scope=Xboxlive.signin+Xboxlive.offline_access" in url
    assert "redirect_uri=https%3A%2F%2Flocalhost" in url


# -- the pasted code -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "pasted",
    ["M.C507_BAY.2.U.abc-123", "  M.C507_BAY.2.U.abc-123\n", "https://localhost/?code=M.C507_BAY.2.U.abc-123",
     "https://localhost/?code=M.C507_BAY.2.U.abc-123&state=xyz", "code=M.C507_BAY.2.U.abc-123"],
)
def test_the_code_is_taken_bare_or_from_the_redirect_url(pasted: str) -> None:
    assert parse_authorization_code(pasted) == "M.C507_BAY.2.U.abc-123"


@pytest.mark.parametrize(
    ("pasted", "says"),
    [("", "no authorization code"), ("https://localhost/?state=1", "no code="),
     ("https://localhost/?error=access_denied&error_description=The+user+declined", "access_denied (The user declined)"),
     ("two words", "does not look like")],
)
def test_a_bad_paste_is_one_clear_line(pasted: str, says: str) -> None:
    with pytest.raises(UsageError, match=says.replace("(", r"\(").replace(")", r"\)")):
        parse_authorization_code(pasted)


# -- the config file -------------------------------------------------------------------------------
NOW = utc_now().replace(microsecond=0)


def _config() -> AuthConfig:
    now = NOW
    return AuthConfig(
        client_id="app", client_secret="unit-client-secret", redirect_uri="https://localhost",
        refresh=RefreshRecord("config", "unit-refresh-token", "v2", saved_at=now),
        session=CachedSession("config", None, "unit-spartan", "unit-clearance", now, now + timedelta(hours=4),
                              "2533274900000042", "Demo Spartan"),
    )


def test_the_config_is_written_0600_in_a_0700_directory_atomically(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)  # a permissive umask must not widen the file
    try:
        store = AuthStore(tmp_path / "a" / "b" / "auth.json")
        store.save(_config())
    finally:
        os.umask(old_umask)
    assert store.path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "a").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "a" / "b").stat().st_mode & 0o777 == 0o700
    assert [p.name for p in store.path.parent.iterdir()] == ["auth.json"]  # no temp file left
    assert store.load() == _config()
    data = json.loads(store.path.read_text())
    assert data["format"] == 1 and data["refresh"]["token_endpoint"] == "v2"


def test_a_config_others_can_read_is_refused(tmp_path: Path) -> None:
    store = AuthStore(tmp_path / "auth.json")
    store.save(_config())
    store.path.chmod(0o644)
    with pytest.raises(UsageError, match="chmod 600"):
        store.load()


def test_a_broken_config_names_the_file_not_its_content(tmp_path: Path) -> None:
    path = tmp_path / "auth.json"
    path.write_text('{"format": 1, "refresh": {"lineage": "config", "refresh_token": 42}}')
    path.chmod(0o600)
    with pytest.raises(UsageError) as caught:
        AuthStore(path).load()
    assert str(path) in str(caught.value) and "halo auth login" in str(caught.value)


def test_the_config_may_not_live_in_the_repository() -> None:
    with pytest.raises(UsageError, match="outside the repository"):
        AuthStore(REPO / "auth.json")


def test_default_config_path() -> None:
    assert default_config_path({"HOME": "/h", "HALO_AUTH_CONFIG": "/x/a.json"}) == Path("/x/a.json")
    assert default_config_path({"XDG_CONFIG_HOME": "/xdg"}) == Path("/xdg/halo-warehouse/auth.json")


def test_service_times_with_seven_fractional_digits_parse() -> None:
    assert parse_time("2999-10-24T03:04:29.6037497Z").microsecond == 603749
    assert parse_time("2999-01-27T05:03:47Z").year == 2999


def test_a_cached_token_is_renewed_ten_minutes_before_it_expires() -> None:
    now = utc_now()
    four_hours = CachedSession("config", None, "t", "c", now - timedelta(hours=4) + timedelta(minutes=11),
                               now + timedelta(minutes=11))
    assert four_hours.is_fresh(now)
    assert not four_hours.is_fresh(now + timedelta(minutes=2))
    # A short-lived token is renewed after half its life, not on every request.
    short = CachedSession("config", None, "t", "c", now, now + timedelta(minutes=4))
    assert short.is_fresh(now) and short.is_fresh(now + timedelta(minutes=1))
    assert not short.is_fresh(now + timedelta(minutes=2, seconds=1))


# -- precedence ------------------------------------------------------------------------------------
def test_precedence_flags_then_environment_then_config(tmp_path: Path) -> None:
    store_path = tmp_path / "auth.json"
    AuthStore(store_path).save(_config())
    env = {"HALO_AUTH_CONFIG": str(store_path)}
    assert select(AuthFlags(), env).origin == "config"
    env["HALO_REFRESH_TOKEN"] = "env-refresh"
    assert (select(AuthFlags(), env).mode, select(AuthFlags(), env).where) == ("refresh", "HALO_REFRESH_TOKEN")
    env["HALO_SPARTAN_TOKEN"] = "env-spartan-token"
    assert select(AuthFlags(), env).where == "HALO_SPARTAN_TOKEN"
    picked = select(AuthFlags(refresh_token="flag-refresh"), env)
    assert (picked.mode, picked.token) == ("refresh", "flag-refresh")
    assert select(AuthFlags(spartan_token="flag-spartan-token"), env).where == "--spartan-token"
    with pytest.raises(UsageError, match="not both"):
        select(AuthFlags(spartan_token="a-spartan-token", refresh_token="r"), env)


def test_an_empty_variable_counts_as_unset(tmp_path: Path) -> None:
    env = {"HALO_AUTH_CONFIG": str(tmp_path / "none.json"), "HALO_SPARTAN_TOKEN": "  ", "HALO_REFRESH_TOKEN": ""}
    assert select(AuthFlags(), env).mode == "none"


def test_the_azure_app_is_taken_field_by_field() -> None:
    config = _config()
    assert azure_app(AuthFlags(), {}, config).client_id == "app"
    env = {"HALO_AZURE_CLIENT_ID": "env-app", "HALO_AZURE_REDIRECT_URI": "https://localhost/cb"}
    app = azure_app(AuthFlags(), env, config)
    assert (app.client_id, app.client_secret, app.redirect_uri) == ("env-app", "unit-client-secret", "https://localhost/cb")
    assert azure_app(AuthFlags(client_id="flag-app"), env, config).client_id == "flag-app"
    with pytest.raises(UsageError, match="HALO_AZURE_CLIENT_SECRET"):
        azure_app(AuthFlags(), {"HALO_AZURE_CLIENT_ID": "x"}, AuthConfig())
    assert azure_app(AuthFlags(), {"HALO_AZURE_CLIENT_ID": "x", "HALO_AZURE_CLIENT_SECRET": "y"},
                     AuthConfig()).redirect_uri == "https://localhost"


def test_a_skewed_clock_cannot_make_every_request_renew_the_token() -> None:
    now = utc_now()
    skewed = CachedSession("config", None, "t", "c", now, now - timedelta(hours=1))  # "expired" on arrival
    assert skewed.is_fresh(now + timedelta(seconds=30))  # used as is: the API decides (401 → one renewal)
    assert not skewed.is_fresh(now + timedelta(minutes=2))  # at most one proactive renewal a minute
