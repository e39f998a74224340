"""The token chain against the fake sign-in endpoints on loopback: caching, renewal, rotation, refusals."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from test_auth_support import AuthWorld, auth_world, mode_of, one_line_error

from ingest.api.auth.prepare import refresh_source
from ingest.api.auth.select import AuthFlags, select
from ingest.api.auth.source import RefreshTokenSource
from ingest.api.auth.store import AuthConfig, AuthStore, RefreshRecord, lineage_of, utc_now
from ingest.errors import AuthError

CHAIN = ("oauth_token", "xbox_user", "xsts", "spartan_token", "clearance")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[AuthWorld]:
    with auth_world(tmp_path, accept_static_token=False) as w:
        yield w


def store_login(world: AuthWorld, refresh_token: str | None = None, endpoint: str = "live") -> str:
    """A config as `halo auth login` leaves it (without running it)."""
    token = refresh_token or world.service.issue_refresh_token()
    AuthStore(world.config).save(AuthConfig(
        client_id=world.service.client_id, client_secret=world.service.client_secret,
        redirect_uri="https://localhost",
        refresh=RefreshRecord("config", token, endpoint, saved_at=utc_now()),
    ))
    return token


def source_for(world: AuthWorld, **env: str) -> RefreshTokenSource:
    environment = world.env(**env)
    return refresh_source(select(AuthFlags(), environment), AuthFlags(), environment, world.server.base_url)


def chain_counts(world: AuthWorld) -> dict[str, int]:
    return {name: world.server.count(endpoint=name) for name in CHAIN}


def accepted(world: AuthWorld, headers: dict[str, str]) -> bool:
    response = httpx.get(f"{world.server.base_url}/profile/users/me", headers=headers, timeout=5)
    return response.status_code == 200


def test_full_chain_from_a_stored_refresh_token_then_the_cache(world: AuthWorld) -> None:
    store_login(world)
    source = source_for(world)
    session = asyncio.run(source.prepare())
    assert chain_counts(world) == dict.fromkeys(CHAIN, 1)
    assert world.service.grants == {"refresh@live": 1}
    assert (session.gamertag, session.xuid) == ("Demo Spartan", "2533274900000042")
    assert timedelta(hours=3, minutes=59) < session.expires_at - utc_now() <= timedelta(hours=4)
    headers = asyncio.run(source.headers())
    assert headers["343-clearance"] == world.api.clearance_id
    assert accepted(world, headers)
    cached = AuthStore(world.config).load().session
    assert cached is not None and cached.spartan_token == session.spartan_token
    assert mode_of(world.config) == 0o600

    # The next run reuses the cached token: not one sign-in request.
    again = asyncio.run(source_for(world).prepare())
    assert again.spartan_token == session.spartan_token
    assert chain_counts(world) == dict.fromkeys(CHAIN, 1)


def test_the_cache_belongs_to_one_refresh_token_and_one_api_base(world: AuthWorld) -> None:
    store_login(world)
    asyncio.run(source_for(world).prepare())
    other = world.service.issue_refresh_token()
    asyncio.run(source_for(world, HALO_REFRESH_TOKEN=other, **world.app_env()).prepare())
    assert world.server.count(endpoint="spartan_token") == 2  # another token: another sign-in


def test_a_token_near_expiry_is_renewed_before_use(world: AuthWorld) -> None:
    store_login(world)
    source = source_for(world)
    session = asyncio.run(source.prepare())
    # As if obtained 3 h 55 min ago: 5 minutes left, under the 10-minute margin.
    now = utc_now()
    source.session = replace(session, obtained_at=now - timedelta(hours=3, minutes=55),
                             expires_at=now + timedelta(minutes=5))

    async def many_requests() -> list[dict[str, str]]:
        return await asyncio.gather(*(source.headers() for _ in range(20)))

    headers = asyncio.run(many_requests())
    assert world.server.count(endpoint="spartan_token") == 2  # one renewal for 20 concurrent callers
    assert len({h["x-343-authorization-spartan"] for h in headers}) == 1
    assert headers[0]["x-343-authorization-spartan"] != session.spartan_token
    assert accepted(world, headers[0])


def test_a_stale_cached_token_is_not_reused_by_the_next_run(world: AuthWorld) -> None:
    store_login(world)
    session = asyncio.run(source_for(world).prepare())
    store = AuthStore(world.config)
    now = utc_now()
    store.update(lambda c: setattr(c, "session", replace(
        session, obtained_at=now - timedelta(hours=3, minutes=52), expires_at=now + timedelta(minutes=8))))
    fresh = asyncio.run(source_for(world).prepare())
    assert fresh.spartan_token != session.spartan_token
    assert world.server.count(endpoint="spartan_token") == 2


def test_a_refused_token_is_renewed_once_by_refresh(world: AuthWorld) -> None:
    store_login(world)
    source = source_for(world)
    first = asyncio.run(source.prepare())
    world.service.revoke_spartan_tokens()
    assert not accepted(world, {"x-343-authorization-spartan": first.spartan_token})
    assert asyncio.run(source.refresh()) is True
    assert accepted(world, asyncio.run(source.headers()))


def test_concurrent_refreshes_of_one_refused_token_run_the_chain_once(world: AuthWorld) -> None:
    # One client per host: when a token expires, requests on several hosts see 401 together.
    store_login(world)
    source = source_for(world)
    first = asyncio.run(source.prepare())
    world.service.revoke_spartan_tokens()

    async def refresh_together(count: int) -> list[object]:
        return await asyncio.gather(*(source.refresh() for _ in range(count)), return_exceptions=True)

    assert asyncio.run(refresh_together(6)) == [True] * 6
    assert world.server.count(endpoint="spartan_token") == 2  # prepare, then one renewal
    renewed = asyncio.run(source.headers())
    assert renewed["x-343-authorization-spartan"] != first.spartan_token and accepted(world, renewed)

    # The refresh token is revoked too: one refused renewal, and every caller (now and later)
    # gets its message without asking the service again.
    world.service.revoke_spartan_tokens()
    world.service.revoke_refresh_tokens()
    outcomes = asyncio.run(refresh_together(6))
    assert all(isinstance(o, AuthError) and "refresh token was refused" in str(o) for o in outcomes)
    with pytest.raises(AuthError, match="halo auth login"):
        asyncio.run(source.refresh())
    assert world.server.count(endpoint="oauth_token") == 3  # prepare, the renewal, the refusal


def test_a_rotated_refresh_token_is_persisted(world: AuthWorld) -> None:
    world.service.rotate_refresh_tokens = True
    original = store_login(world)
    source = source_for(world)
    asyncio.run(source.prepare())
    config = AuthStore(world.config).load()
    assert config.refresh is not None
    assert config.refresh.refresh_token != original
    assert world.service.valid_refresh_tokens() == {config.refresh.refresh_token}
    assert config.refresh.rotated_at is not None and source.rotations == 1
    assert mode_of(world.config) == 0o600 and mode_of(world.config.parent) == 0o700

    asyncio.run(source.refresh())  # mid-run renewal: rotated again, persisted again
    second = AuthStore(world.config).load().refresh
    assert second is not None and world.service.valid_refresh_tokens() == {second.refresh_token}

    # The old token is dead at the service; the next run only works because the new one was kept.
    AuthStore(world.config).update(lambda c: setattr(c, "session", None))
    asyncio.run(source_for(world).prepare())
    assert world.server.count(endpoint="spartan_token") == 3


def test_a_rotated_environment_token_is_kept_as_its_successor(world: AuthWorld) -> None:
    world.service.rotate_refresh_tokens = True
    given = world.service.issue_refresh_token()
    env = {"HALO_REFRESH_TOKEN": given, **world.app_env()}
    asyncio.run(source_for(world, **env).prepare())
    config = AuthStore(world.config).load()
    assert config.refresh is None  # nothing pretends a login happened
    assert config.supplied is not None and config.supplied.lineage == lineage_of(given)
    assert given not in world.config.read_text()  # identified by hash, never stored
    successor = config.supplied.refresh_token
    assert world.service.valid_refresh_tokens() == {successor}
    # Same environment again (cache dropped): the successor is used, the dead original is not.
    AuthStore(world.config).update(lambda c: setattr(c, "session", None))
    asyncio.run(source_for(world, **env).prepare())
    assert world.service.grants == {"refresh@live": 2}


def test_the_v2_endpoint_is_remembered_after_a_fallback(world: AuthWorld) -> None:
    world.service.live_rejects_client = True
    store_login(world)
    asyncio.run(source_for(world).prepare())
    assert world.service.grants == {"refresh@v2": 1}
    assert world.server.count(endpoint="oauth_token") == 1  # the refusal that caused the fallback
    config = AuthStore(world.config).load()
    assert config.refresh is not None and config.refresh.token_endpoint == "v2"
    AuthStore(world.config).update(lambda c: setattr(c, "session", None))
    asyncio.run(source_for(world).prepare())
    assert world.service.grants == {"refresh@v2": 2}
    assert world.server.count(endpoint="oauth_token") == 1  # straight to v2 this time


def test_a_revoked_refresh_token_is_one_clear_error(world: AuthWorld) -> None:
    store_login(world)
    world.service.revoke_refresh_tokens()
    with pytest.raises(AuthError, match=r"stored refresh token was refused \(invalid_grant.*halo auth login"):
        asyncio.run(source_for(world).prepare())


def test_a_revoked_refresh_token_ends_the_ingest_before_anything_is_written(world: AuthWorld) -> None:
    store_login(world)
    world.service.revoke_refresh_tokens()
    line = one_line_error(world.ingest("Demo Spartan"))
    assert "invalid_grant" in line and "run `halo auth login` again" in line
    assert world.runs[-1].code == 3
    assert not world.db.exists()
    assert world.server.count(endpoint="history") == 0

    env = world.env(HALO_REFRESH_TOKEN="fake-refresh-long-gone", **world.app_env())
    line = one_line_error(world.ingest("Demo Spartan", env=env))
    assert "from HALO_REFRESH_TOKEN was refused" in line and "update HALO_REFRESH_TOKEN" in line
    assert "fake-refresh-long-gone" not in line
    assert not world.db.exists()


def test_a_wrong_client_secret_is_one_clear_error(world: AuthWorld) -> None:
    store_login(world)
    env = world.env(HALO_AZURE_CLIENT_SECRET="not-the-secret")
    line = one_line_error(world.ingest("Demo Spartan", env=env))
    assert "invalid_client" in line and "not-the-secret" not in line
    assert world.server.count(endpoint="oauth_token") == 1
    assert world.server.count(endpoint="oauth_token_v2") == 1  # the fallback was tried too


def test_an_xsts_refusal_names_the_fix(world: AuthWorld) -> None:
    store_login(world)
    world.service.xsts_xerr = 2148916233
    line = one_line_error(world.ingest("Demo Spartan"))
    assert "XErr 2148916233" in line and "no Xbox profile" in line


def test_no_credentials_at_all_is_one_clear_error(world: AuthWorld) -> None:
    line = one_line_error(world.ingest("Demo Spartan"))
    assert "halo auth login" in line and "HALO_SPARTAN_TOKEN" in line
    assert world.runs[-1].code == 2 and not world.db.exists()


def test_the_config_file_holds_what_the_format_says(world: AuthWorld) -> None:
    store_login(world)
    asyncio.run(source_for(world).prepare())
    data = json.loads(world.config.read_text())
    assert set(data) == {"format", "client_id", "client_secret", "redirect_uri", "refresh", "supplied", "session"}
    assert set(data["session"]) == {"lineage", "api_base", "spartan_token", "clearance", "obtained_at",
                                    "expires_at", "xuid", "gamertag"}
    assert data["session"]["api_base"] == world.server.base_url
