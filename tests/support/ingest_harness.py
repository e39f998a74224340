"""Running the real ingester against the fake API on loopback, in-process or as a subprocess."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
from rich.console import Console

from fake_halo import DEFAULT_TOKEN, RunningServer
from ingest.api.client import HttpSettings
from ingest.sync.ingest_request import IngestRequest, run_ingest

DEMO_MAIN = "2533274900000042"  # "Demo Spartan"
DEMO_FRIEND = "2533274911112233"  # "Nimbus Crow"
REPO = Path(__file__).resolve().parents[2]


@dataclass
class IngestOutcome:
    code: int
    out: str
    err: str


def fast_http() -> HttpSettings:
    """Retries in milliseconds instead of seconds: the faults are the same, the waits are not."""
    return HttpSettings(backoff_base_s=0.01, backoff_max_s=0.05, timeout_s=5.0, seed=1)


def ingest_once(
    server: RunningServer,
    db_path: Path,
    players: list[str] | None = None,
    *,
    token: str = DEFAULT_TOKEN,
    http: HttpSettings | None = None,
    **overrides: object,
) -> IngestOutcome:
    request = IngestRequest(
        players=players if players is not None else [DEMO_MAIN],
        match_type="all", max_matches=None, spartan_token=token, clearance=None,
        base_url=server.base_url, film=True, profiles="all", retry_failed=False,
        rate=200.0, profile_rate=200.0, concurrency=16, db_path=db_path, progress=False,
        http=http or fast_http(),
    )
    request = replace(request, **overrides)  # type: ignore[arg-type]
    out, err = io.StringIO(), io.StringIO()
    code = run_ingest(
        request, Console(file=out, width=200, soft_wrap=True), Console(file=err, width=200, soft_wrap=True)
    )
    return IngestOutcome(code, out.getvalue(), err.getvalue())


def halo_subprocess(
    args: list[str], server: RunningServer, db_path: Path, *, wrapper: Sequence[str] = (), **popen: object
) -> subprocess.Popen[str]:
    """``halo <args>`` in a child process (run through ``wrapper``, e.g. ``faketime -f -1d``)."""
    env = {
        **os.environ,
        "HALO_API_BASE_URL": server.base_url,
        "HALO_SPARTAN_TOKEN": DEFAULT_TOKEN,
        "HALO_DB": str(db_path),
    }
    return subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
        [*wrapper, sys.executable, "-m", "ingest", *args],
        cwd=REPO, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen,
    )


def query(db_path: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def scalar(db_path: Path, sql: str, params: list[object] | None = None) -> object:
    return query(db_path, sql, params)[0][0]


def halo_cli(args: list[str], env: dict[str, str]) -> IngestOutcome:
    """Invoke the real ``halo`` command in-process (typer's runner), as a user would."""
    from typer.testing import CliRunner

    from ingest.cli.app import app

    runner = CliRunner()
    result = runner.invoke(app, args, env=env, catch_exceptions=False)
    return IngestOutcome(result.exit_code, result.stdout, result.stderr)
