"""`halo auth login` and `halo auth status`, run as the real executable against the fake on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from test_auth_support import AuthWorld, auth_world, leaks_in_output, mode_of, one_line_error

from ingest.api.auth.store import AuthStore, utc_now


@pytest.fixture
def world(tmp_path: Path) -> Iterator[AuthWorld]:
    with auth_world(tmp_path) as w:
        yield w


def test_login_prints_the_authorize_url_and_takes_a_pasted_code(world: AuthWorld) -> None:
    # The user's half, by hand: open the printed address, copy the code from where it lands.
    env = world.env(**world.app_env())
    first = world.halo("auth", "login", "--no-verify", env=env, stdin="")  # stdin closed: no code
    assert "error: no code given" in first.err and first.code == 2
    url = next(line.strip() for line in first.out.splitlines() if "oauth20_authorize.srf" in line)
    assert url.startswith(f"{world.server.base_url}/login.live.com/oauth20_authorize.srf?")
    query = parse_qs(urlsplit(url).query)
    assert query["scope"] == ["Xboxlive.signin Xboxlive.offline_access"]
    assert query["client_id"] == [world.service.client_id] and query["redirect_uri"] == ["https://localhost"]
    landed = httpx.get(url, follow_redirects=False, timeout=5).headers["location"]
    code = parse_qs(urlsplit(landed).query)["code"][0]

    run = world.halo("auth", "login", env=env, stdin=code + "\n")
    assert run.code == 0, run.err
    assert "refresh token stored in" in run.out and "signed in to Halo as Demo Spartan" in run.out
    assert code not in run.out + run.err
    config = AuthStore(world.config).load()
    assert config.refresh is not None and config.refresh.refresh_token in world.service.valid_refresh_tokens()
    assert (config.client_id, config.client_secret) == (world.service.client_id, world.service.client_secret)
    assert config.session is not None and config.session.gamertag == "Demo Spartan"
    assert mode_of(world.config) == 0o600 and mode_of(world.config.parent) == 0o700
    assert world.service.grants == {"code@live": 1}


def test_login_accepts_the_whole_redirect_url(world: AuthWorld) -> None:
    code = world.service.issue_code()
    run = world.halo("auth", "login", "--code", f"https://localhost/?code={code}&state=abc",
                     "--client-id", world.service.client_id, env=world.env(
                         HALO_AZURE_CLIENT_SECRET=world.service.client_secret))
    assert run.code == 0, run.err
    assert AuthStore(world.config).load().client_id == world.service.client_id


def test_login_falls_back_to_the_v2_endpoint_on_invalid_client(world: AuthWorld) -> None:
    world.service.live_rejects_client = True
    run = world.login()
    assert "v2 consumer endpoint" in run.out
    assert world.service.grants == {"code@v2": 1}
    assert world.server.count(endpoint="oauth_token") == 1  # refused with invalid_client
    config = AuthStore(world.config).load()
    assert config.refresh is not None and config.refresh.token_endpoint == "v2"


@pytest.mark.parametrize(
    ("paste", "says"),
    [("https://localhost/?error=access_denied&error_description=The+user+has+denied+access",
      "the sign-in was not completed: access_denied"),
     ("https://localhost/?state=1", "no code= parameter")],
)
def test_a_bad_paste_is_one_line(world: AuthWorld, paste: str, says: str) -> None:
    line = one_line_error(world.halo("auth", "login", "--code", paste, env=world.env(**world.app_env())))
    assert says in line
    assert not world.config.exists()


def test_a_spent_code_is_one_line(world: AuthWorld) -> None:
    code = world.service.issue_code()
    env = world.env(**world.app_env())
    assert world.halo("auth", "login", "--code", code, env=env).code == 0
    line = one_line_error(world.halo("auth", "login", "--code", code, env=env))
    assert "authorization code was refused (invalid_grant)" in line and code not in line


def test_login_without_an_azure_app_is_one_line(world: AuthWorld) -> None:
    line = one_line_error(world.halo("auth", "login", "--code", "abcdefgh"))
    assert "HALO_AZURE_CLIENT_ID and HALO_AZURE_CLIENT_SECRET" in line


def test_status_says_which_mode_and_never_prints_a_secret(world: AuthWorld) -> None:
    none = world.halo("auth", "status")
    assert none.code == 0 and "mode: not signed in" in none.out

    world.login()
    stored = world.halo("auth", "status")
    assert "mode: refresh token (from the config file" in stored.out
    assert "(mode 0600)" in stored.out
    assert "client secret: set (from config file)" in stored.out
    assert "never rotated" in stored.out
    assert "cached Spartan token: valid until" in stored.out and "3 h 5" in stored.out
    assert "signed in as Demo Spartan" in stored.out

    # After a rotation, status says when.
    world.service.rotate_refresh_tokens = True
    AuthStore(world.config).update(lambda c: setattr(c, "session", None))
    assert world.ingest("Demo Spartan").code == 0
    rotated = world.halo("auth", "status")
    assert "last rotated 20" in rotated.out

    # A cached token near its end is reported as such.
    store = AuthStore(world.config)
    config = store.load()
    assert config.session is not None
    config.session.obtained_at = utc_now() - timedelta(hours=3, minutes=56)
    config.session.expires_at = utc_now() + timedelta(minutes=4)
    store.save(config)
    assert "the next run renews it first" in world.halo("auth", "status").out

    env_refresh = world.halo("auth", "status", env=world.env(
        HALO_REFRESH_TOKEN=world.service.issue_refresh_token(), **world.app_env()))
    assert "mode: refresh token (from HALO_REFRESH_TOKEN)" in env_refresh.out
    assert "client secret: set (from HALO_AZURE_CLIENT_SECRET)" in env_refresh.out
    assert "none for these credentials" in env_refresh.out

    pasted = world.halo("auth", "status", env=world.env(HALO_SPARTAN_TOKEN="pasted-spartan-token-value"))
    assert "mode: pasted Spartan token (from HALO_SPARTAN_TOKEN)" in pasted.out
    assert "unset HALO_SPARTAN_TOKEN to use it" in pasted.out

    secrets = [*world.secrets(), "pasted-spartan-token-value"]
    assert leaks_in_output(world.runs, secrets) == []
    assert json.loads(world.config.read_text())["refresh"]["rotated_at"]


def test_the_pasted_token_mode_still_works_with_a_config_present(world: AuthWorld) -> None:
    world.login()
    run = world.ingest("Demo Spartan", env=world.env(HALO_SPARTAN_TOKEN=world.api.token))
    assert run.code == 0, run.err
    assert world.server.count(endpoint="spartan_token") == 1  # only login's; the run used the pasted one
