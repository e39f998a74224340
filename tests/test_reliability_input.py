"""Bad input on the command line or in the environment: one line naming the problem, a non-zero
exit, nothing written. And the token never shows up anywhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.ingest_harness import DEMO_MAIN, REPO, halo_cli, query

from fake_halo import (
    Career,
    CareerSpec,
    FakeHaloApi,
    FaultConfig,
    FaultRule,
    RunningServer,
    running,
)

TOKEN = "demo-spartan-token"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running(FakeHaloApi(Career(CareerSpec.demo()))) as handle:
        yield handle


def base_env(server: RunningServer, tmp_path: Path) -> dict[str, str]:
    return {
        "HALO_API_BASE_URL": server.base_url,
        "HALO_SPARTAN_TOKEN": TOKEN,
        "HALO_DB": str(tmp_path / "w" / "halo.duckdb"),
        "HALO_AUTH_CONFIG": str(tmp_path / "no-auth.json"),  # never the developer's own config
        "HALO_REFRESH_TOKEN": "",
    }


BAD_INPUTS = [
    # (description, extra args, env changes, exit code, message fragment)
    ("unknown gamertag", ["--player", "Nobody Here"], {}, 2, "unknown player: no Xbox profile for gamertag 'Nobody Here'"),
    ("malformed xuid", ["--player", "25332749000000"], {}, 2, "malformed xuid '25332749000000': an xuid is exactly 16 digits"),
    ("xuid() with letters", ["--player", "xuid(25332749OOOOOO42)"], {}, 2, "malformed xuid"),
    ("gamertag with a slash", ["--player", "bad/name"], {}, 2, "is neither a gamertag"),
    ("empty player", ["--player", "  "], {}, 2, "--player is empty"),
    ("empty token", ["--player", DEMO_MAIN], {"HALO_SPARTAN_TOKEN": ""}, 2, "no credentials"),
    ("garbage token", ["--player", DEMO_MAIN], {"HALO_SPARTAN_TOKEN": "not a token at all"}, 2, "does not look like a token"),
    ("header name only", ["--player", DEMO_MAIN], {"HALO_SPARTAN_TOKEN": "x-343-authorization-spartan:"}, 2, "does not look like a token (empty"),
    ("wrong token", ["--player", DEMO_MAIN], {"HALO_SPARTAN_TOKEN": "v4=WrongTokenValue123"}, 3, "token expired or invalid: profile answered 401"),
    ("--max-matches 0", ["--player", DEMO_MAIN, "--max-matches", "0"], {}, 2, "--max-matches must be a positive number, not 0"),
    ("--max-matches negative", ["--player", DEMO_MAIN, "--max-matches", "-5"], {}, 2, "--max-matches must be a positive number, not -5"),
    ("unknown match type", ["--player", DEMO_MAIN, "--match-type", "ranked"], {}, 2, "--match-type must be one of"),
    ("malformed base URL", ["--player", DEMO_MAIN], {"HALO_API_BASE_URL": "127.0.0.1:9"}, 2, "HALO_API_BASE_URL is not a valid http(s) URL"),
    ("base URL with a bad port", ["--player", DEMO_MAIN], {"HALO_API_BASE_URL": "http://127.0.0.1:99999"}, 2, "HALO_API_BASE_URL has an invalid port"),
    ("unwritable HALO_DB", ["--player", DEMO_MAIN], {"HALO_DB": "/proc/1/halo/halo.duckdb"}, 2, "cannot create the warehouse at /proc/1/halo/halo.duckdb"),
    ("HALO_DB is a directory", ["--player", DEMO_MAIN], {"HALO_DB": "/tmp"}, 2, "HALO_DB points at a directory"),
    ("HALO_DB named like a schema", ["--player", DEMO_MAIN], {"HALO_DB": "REF/reference.duckdb"}, 2, "may not be called reference.duckdb"),
    ("nobody tracked yet", [], {}, 2, "no tracked players yet"),
]


@pytest.mark.parametrize(("what", "args", "changes", "code", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input(server: RunningServer, tmp_path: Path, what: str, args: list[str], changes: dict[str, str], code: int, message: str) -> None:
    env = base_env(server, tmp_path) | {k: v.replace("REF", str(tmp_path)) for k, v in changes.items()}
    result = halo_cli(["ingest", *args], env)
    assert result.code == code, (what, result.err)
    assert result.err.startswith("error: ") and result.err.count("\n") == 1, result.err
    assert message in result.err
    assert "Traceback" not in result.err + result.out
    assert not (tmp_path / "w").exists()  # nothing written
    assert not list(tmp_path.glob("**/*.duckdb"))


def test_a_token_pasted_with_its_header_name_works(server: RunningServer, tmp_path: Path) -> None:
    env = base_env(server, tmp_path) | {"HALO_SPARTAN_TOKEN": f"x-343-authorization-spartan: {TOKEN}"}
    result = halo_cli(["ingest", "--player", DEMO_MAIN, "--max-matches", "5", "--rate", "200", "--profiles", "none"], env)
    assert result.code == 0, result.err
    assert query(Path(env["HALO_DB"]), "select count(*) from landing.match_stats") == [(5,)]


def test_the_token_never_appears_anywhere(server: RunningServer, tmp_path: Path) -> None:
    secret = "v4=SecretSpartanToken-0123456789abcdef"
    server.api.token = secret
    try:
        env = base_env(server, tmp_path) | {"HALO_SPARTAN_TOKEN": secret, "HALO_DB": str(tmp_path / "halo.duckdb")}
        outputs = []
        # A good run, a run that fails mid-way on a 401, and status.
        outputs.append(halo_cli(["ingest", "--player", DEMO_MAIN, "--rate", "200", "--max-matches", "10"], env))
        server.set_faults(FaultConfig(rules=(FaultRule("status", status=401, endpoint="history"),)))
        outputs.append(halo_cli(["ingest", "--player", DEMO_MAIN, "--rate", "200"], env))
        server.set_faults(FaultConfig())
        outputs.append(halo_cli(["status"], env))
        assert outputs[1].code == 3
        text = "".join(o.out + o.err for o in outputs)
        assert secret not in text and "SecretSpartanToken" not in text
        raw = (tmp_path / "halo.duckdb").read_bytes()
        assert b"SecretSpartanToken" not in raw
        for path in tmp_path.rglob("*"):
            if path.is_file():
                assert b"SecretSpartanToken" not in path.read_bytes(), path
        # Nothing in the repository either (logs, target/).
        for folder in ("logs", "target"):
            for path in (REPO / folder).rglob("*") if (REPO / folder).exists() else []:
                if path.is_file() and path.stat().st_size < 50_000_000:
                    assert b"SecretSpartanToken" not in path.read_bytes(), path
    finally:
        server.api.token = TOKEN
