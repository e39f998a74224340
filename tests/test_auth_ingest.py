"""Real `halo ingest` runs signed in with a refresh token: renewal mid-run, proactive renewal, no leaks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from test_auth_support import (
    AuthWorld,
    auth_world,
    files_under,
    leaks_in_files,
    leaks_in_output,
    leaks_in_warehouse,
    mode_of,
    one_line_error,
)

from fake_halo import CareerSpec, FaultConfig, FaultRule
from fake_halo.auth_routes import ROUTES as AUTH_ROUTES
from ingest.api.auth.store import AuthStore, utc_now

DEMO_PLAYERS = [p.gamertag for p in CareerSpec.demo().players]
REFUSAL_DELAY_S = 2.0
AUTH_ENDPOINTS = {endpoint for _, _, endpoint, _, _ in AUTH_ROUTES}  # the sign-in chain's, not the API's


@pytest.fixture
def world(tmp_path: Path) -> Iterator[AuthWorld]:
    with auth_world(tmp_path, accept_static_token=False) as w:
        yield w


def landed(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def unauthorized(world: AuthWorld) -> int:
    return sum(1 for r in world.server.requests if r.status == 401)


def test_a_token_expiring_mid_run_is_renewed_once_and_the_ingest_completes(world: AuthWorld) -> None:
    world.login()
    world.service.revoke_spartan_tokens()  # the token login cached is dead: the run starts on a 401
    world.service.expire_next_spartan_after(120)  # ...and the one it gets dies after 120 requests
    run = world.ingest(*DEMO_PLAYERS)
    assert run.code == 0, run.err
    # login's token, the renewal after the first 401, the renewal mid-run.
    assert world.server.count(endpoint="spartan_token") == 3
    assert unauthorized(world) >= 2
    every_match = len(world.api.career.matches)
    assert landed(world.db, "select count(*) from landing.match_stats") == every_match
    assert landed(world.db, "select count(distinct match_id) from landing.match_history") == every_match
    assert "0 match(es) still missing a payload" in run.out


def test_a_token_near_its_end_is_renewed_before_the_run_uses_it(world: AuthWorld) -> None:
    world.login()
    store = AuthStore(world.config)
    config = store.load()
    assert config.session is not None
    now = utc_now()
    # Still accepted by the service, but only 5 minutes left by its expiry.
    config.session.obtained_at = now - timedelta(hours=3, minutes=55)
    config.session.expires_at = now + timedelta(minutes=5)
    store.save(config)
    run = world.ingest("Demo Spartan")
    assert run.code == 0, run.err
    assert world.server.count(endpoint="spartan_token") == 2  # login's and the proactive renewal
    assert unauthorized(world) == 0  # renewed before use, not after a refusal


def test_a_fresh_cached_token_means_no_sign_in_at_all(world: AuthWorld) -> None:
    world.login()
    before = {name: world.server.count(endpoint=name) for name in ("oauth_token", "xsts", "spartan_token")}
    run = world.ingest("Demo Spartan")
    assert run.code == 0, run.err
    assert {name: world.server.count(endpoint=name) for name in before} == before
    assert unauthorized(world) == 0


def test_the_environment_alone_is_enough(world: AuthWorld) -> None:
    """The scheduled-workflow case: refresh token and Azure app from secrets, no login ever ran."""
    env = world.env(HALO_REFRESH_TOKEN=world.service.issue_refresh_token(), **world.app_env())
    run = world.ingest("Demo Spartan", env=env)
    assert run.code == 0, run.err
    assert mode_of(world.config) == 0o600  # the cache, nothing else
    assert json.loads(world.config.read_text())["refresh"] is None


def test_after_every_kind_of_run_secrets_are_only_in_the_0600_config(world: AuthWorld) -> None:
    world.service.rotate_refresh_tokens = True
    world.login()
    world.service.revoke_spartan_tokens()
    world.service.expire_next_spartan_after(80)
    assert world.ingest(*DEMO_PLAYERS).code == 0
    assert world.halo("auth", "status").code == 0
    assert world.ingest().code == 0  # every tracked player, cached token
    env_run = world.env(HALO_REFRESH_TOKEN=world.service.issue_refresh_token(), **world.app_env())
    assert world.ingest("Demo Spartan", env=env_run).code == 0
    world.service.revoke_refresh_tokens()
    world.service.revoke_spartan_tokens()
    one_line_error(world.ingest("Demo Spartan"))
    one_line_error(world.halo("auth", "login", "--code", "https://localhost/?code=spent-code-value",
                              env=world.env(**world.app_env())))

    secrets = world.secrets()
    assert len(secrets) > 20
    assert leaks_in_output(world.runs, secrets) == []
    assert leaks_in_warehouse(world.db, secrets) == []
    written = [p for p in files_under(world.tmp) if p != world.config]
    assert world.db in written
    assert leaks_in_files(written, secrets) == []
    # The config holds the live ones, privately.
    assert mode_of(world.config) == 0o600 and mode_of(world.config.parent) == 0o700
    config = json.loads(world.config.read_text())
    assert config["client_secret"] == world.service.client_secret
    assert config["session"]["spartan_token"] in world.service.issued


def test_a_renewal_refused_mid_run_stops_with_one_line_and_keeps_what_landed(world: AuthWorld) -> None:
    world.service.expire_next_spartan_after(100)  # the token login caches lasts 100 requests
    world.login()
    world.service.revoke_refresh_tokens()  # ...and the refresh token is revoked meanwhile
    # The refusal takes a while to come: every worker meets the dead token (401) and waits behind
    # the one renewal, which is then refused. The run must end, not wait for ever.
    world.server.set_faults(FaultConfig(rules=(FaultRule("slow", endpoint="oauth_token", delay_s=REFUSAL_DELAY_S),)))
    run = world.ingest("Demo Spartan")
    line = one_line_error(run)
    assert run.code == 3 and "refresh token was refused" in line and "halo auth login" in line
    assert world.server.count(endpoint="oauth_token") == 2  # login, then the refused renewal
    assert landed(world.db, "select count(*) from landing.match_history") > 0  # kept
    # Many were waiting: requests that met the dead token before the refusal came.
    [renewal] = [r for r in world.server.requests if r.endpoint == "oauth_token"][-1:]
    refused_at = renewal.time + REFUSAL_DELAY_S
    waiting = [r for r in world.server.requests if r.status == 401 and r.time < refused_at]
    assert len(waiting) >= 8
    # After the refusal a stopped run starts nothing new: at most what each of its tasks (16 match
    # workers, 2 asset workers, the profile worker, the listing, the medal metadata) had under way.
    after = [r for r in world.server.requests if r.time > refused_at and r.endpoint not in AUTH_ENDPOINTS]
    assert len(after) <= 16 + 2 + 1 + 1 + 1
