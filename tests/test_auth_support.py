"""Shared helpers for the sign-in tests (this module holds no tests).

Everything runs over real HTTP on loopback: a ``FakeHaloApi`` serving the demo career with the fake
sign-in chain installed, and the real ``halo`` executable in a subprocess (so exit codes, stdout and
stderr are exactly what a user or a scheduler sees).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from fake_halo import Career, CareerSpec, FakeHaloApi, RunningServer, running
from fake_halo.auth_routes import FakeAuthService

REPO = Path(__file__).resolve().parents[1]
HALO = str(Path(sys.executable).with_name("halo"))
FAST = ["--rate", "200", "--profile-rate", "200", "--concurrency", "16", "--no-progress"]
DEMO_MAIN = "2533274900000042"  # "Demo Spartan", the signed-in user of the demo career


@dataclass
class Run:
    args: list[str]
    code: int
    out: str
    err: str


@dataclass
class AuthWorld:
    """One fake API with sign-in, a private config path and warehouse, and every output seen."""

    server: RunningServer
    service: FakeAuthService
    tmp: Path
    runs: list[Run] = field(default_factory=list)

    @property
    def api(self) -> FakeHaloApi:
        return self.server.api

    @property
    def config(self) -> Path:
        return self.tmp / "home" / ".config" / "halo-warehouse" / "auth.json"

    @property
    def db(self) -> Path:
        return self.tmp / "warehouse" / "halo.duckdb"

    def env(self, **extra: str | None) -> dict[str, str]:
        """A clean environment: no credentials but those a test passes in ``extra``."""
        env = {
            k: v for k, v in os.environ.items()
            if not k.startswith(("HALO_", "SPNKR_")) and k not in ("HOME", "XDG_CONFIG_HOME")
        }
        env.update({
            "HOME": str(self.tmp / "home"),
            "HALO_API_BASE_URL": self.server.base_url,
            "HALO_AUTH_CONFIG": str(self.config),
            "HALO_DB": str(self.db),
        })
        for key, value in extra.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def app_env(self) -> dict[str, str]:
        return {"HALO_AZURE_CLIENT_ID": self.service.client_id,
                "HALO_AZURE_CLIENT_SECRET": self.service.client_secret}

    def halo(self, *args: str, env: dict[str, str] | None = None, stdin: str | None = None,
             timeout: float = 120) -> Run:
        completed = subprocess.run(  # our own CLI, fixed arguments
            [HALO, *args], cwd=REPO, env=env if env is not None else self.env(),
            input=stdin, capture_output=True, text=True, timeout=timeout, check=False,
        )
        run = Run(list(args), completed.returncode, completed.stdout, completed.stderr)
        self.runs.append(run)
        return run

    def login(self, **extra: str) -> Run:
        """`halo auth login --code <redirect URL>` with the Azure app from the environment."""
        code = self.service.issue_code()
        run = self.halo("auth", "login", "--code", f"https://localhost/?code={code}",
                        env=self.env(**self.app_env(), **extra))
        assert run.code == 0, run.err
        return run

    def ingest(self, *players: str, env: dict[str, str] | None = None) -> Run:
        args = ["ingest", *[a for p in players for a in ("--player", p)], *FAST]
        return self.halo(*args, env=env)

    def secrets(self) -> list[str]:
        """Every secret value this world has handed out or been given."""
        return [*self.service.issued, self.service.client_secret, self.api.clearance_id]


@contextmanager
def auth_world(tmp: Path, **service_options: object) -> Iterator[AuthWorld]:
    api = FakeHaloApi(Career(CareerSpec.demo()))
    service = FakeAuthService(**service_options).install(api)  # type: ignore[arg-type]
    with running(api) as server:
        yield AuthWorld(server, service, tmp)


def one_line_error(run: Run) -> str:
    """The run failed with exactly one ``error: ...`` line and no traceback."""
    assert run.code != 0, run.out
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert len(lines) == 1, run.err
    assert lines[0].startswith("error: "), run.err
    assert "Traceback" not in run.err + run.out
    return lines[0]


def mode_of(path: Path) -> int:
    return path.stat().st_mode & 0o777


def files_under(root: Path) -> Iterator[Path]:
    return (p for p in root.rglob("*") if p.is_file())


def leaks_in_files(paths: Iterable[Path], secrets: list[str]) -> list[str]:
    found = []
    for path in paths:
        data = path.read_bytes()
        found += [f"{path}: {s[:12]}…" for s in secrets if s.encode() in data]
    return found


def leaks_in_warehouse(db: Path, secrets: list[str]) -> list[str]:
    """Every text (and blob) value of every table, searched for every secret."""
    con = duckdb.connect(str(db), read_only=True)
    found = []
    try:
        # Stored tables only: views are computed from them (and recomputing each is slow).
        columns = con.execute(
            "select c.table_schema, c.table_name, c.column_name, c.data_type "
            "from information_schema.columns c join information_schema.tables t "
            "using (table_catalog, table_schema, table_name) "
            "where t.table_type = 'BASE TABLE' and c.table_schema not in ('information_schema', 'pg_catalog')"
        ).fetchall()
        # One query per column: which of the secrets occur anywhere in it (as text).
        probes = ", ".join(f'bool_or(contains(v, ${i + 1}))' for i in range(len(secrets)))
        for schema, table, column, _type in columns:
            row = con.execute(
                f'select {probes} from (select cast("{column}" as varchar) as v from "{schema}"."{table}")',
                secrets,
            ).fetchone()
            found += [f"{schema}.{table}.{column}: {s[:12]}…" for s, hit in zip(secrets, row, strict=True) if hit]
    finally:
        con.close()
    return found


def leaks_in_output(runs: Iterable[Run], secrets: list[str]) -> list[str]:
    return [f"halo {' '.join(r.args[:2])}: {s[:12]}…" for r in runs for s in secrets
            if s in r.out or s in r.err]
