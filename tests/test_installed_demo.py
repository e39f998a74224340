"""`halo demo` from a non-editable install, run from a directory that is not the checkout.

The project is built and installed (``pip install --no-deps --no-build-isolation``, no index) into a
fresh virtualenv. That venv reaches the dependencies already installed in this one through a
``.pth`` line naming this venv's site-packages as a plain path: nothing is downloaded, and this
venv's editable-install finder (a ``.pth`` of its own) is not loaded, so ``ingest`` can only come
from the new install. The demo then builds the warehouse from the dbt project packaged in the wheel.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections import Counter
from pathlib import Path

import duckdb
import pytest
import yaml

from fake_halo import Career, CareerSpec, payloads
from fake_halo.skill import SkillRenderer

pytestmark = pytest.mark.dbt

ROOT = Path(__file__).resolve().parents[1]
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "warehouse", "target", "logs", "build", "dist", "*.egg-info", "__pycache__",
    ".pytest_cache", ".ruff_cache", "dbt_packages", "*.duckdb", "*.wal",
)


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False,  # noqa: S603
                          timeout=900)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("installed")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)  # noqa: S603
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                    tmp, dict(os.environ)).stdout.strip())
    (site / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HALO_", "DBT_", "PYTHON", "VIRTUAL_ENV"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    install = run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                   "--no-index", str(source)], tmp, env)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    return {"tmp": tmp, "venv": venv, "python": python, "site": site, "env": env}  # type: ignore[dict-item]


def test_the_wheel_carries_the_dbt_project_and_the_recorded_data(installed: dict) -> None:
    packaged = installed["site"] / "ingest" / "transform" / "dbt_project"
    project = yaml.safe_load((ROOT / "dbt_project.yml").read_text(encoding="utf-8"))
    named = {p for key, paths in project.items() if key.endswith("-paths") and key != "target-path"
             for p in paths if (ROOT / p).exists()}
    assert {"models", "macros", "seeds", "tests/dbt"} <= named
    for relative in [*named, "dbt_project.yml", "profiles.yml"]:
        assert (packaged / relative).exists(), relative
    assert sorted(p.name for p in (packaged / "models").rglob("*.sql")) == sorted(
        p.name for p in (ROOT / "models").rglob("*.sql"))
    data = installed["site"] / "fake_halo" / "data"
    assert (data / "NOTICE.md").is_file() and (data / "LICENSE-SPNKr").is_file()
    assert sorted(p.name for p in (data / "film").iterdir()) == sorted(
        p.name for p in (ROOT / "fake_halo/data/film").iterdir())
    where = run([str(installed["python"]), "-c", "import ingest, analytics, fake_halo; "
                 "print(ingest.__file__, analytics.__file__, fake_halo.__file__)"],
                installed["tmp"], installed["env"])
    assert where.returncode == 0, where.stderr
    assert all(path.startswith(str(installed["site"])) for path in where.stdout.split()), where.stdout


def test_halo_demo_builds_the_warehouse_from_anywhere(installed: dict) -> None:
    elsewhere = installed["tmp"] / "elsewhere"
    elsewhere.mkdir()
    db = installed["tmp"] / "out" / "demo.duckdb"
    demo = run([str(installed["venv"] / "bin" / "halo"), "demo", "--db", str(db)], elsewhere, installed["env"])
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert re.search(r"dbt build in [\d.]+ s: .*model:success", demo.stdout), demo.stdout
    assert not re.search(r"\b(error|fail)\b", demo.stdout.split("dbt build", 1)[1].splitlines()[0])
    # dbt's target/ went beside the warehouse, not into the installed package or the cwd.
    results = json.loads((db.parent / ".demo-dbt" / "target" / "run_results.json").read_text())
    # (The report's exposure is a node that runs nothing: dbt says no-op.)
    assert {r["status"] for r in results["results"]} <= {"success", "pass", "warn", "no-op"}
    assert not (installed["site"] / "ingest" / "transform" / "dbt_project" / "target").exists()
    assert list(elsewhere.iterdir()) == []

    # Worked out from the demo career itself, not from the warehouse.
    career = Career(CareerSpec.demo())
    matches = {m.match_id: m for p in career.spec.players for m in career.history(int(p.xuid))}
    players = sum(len(payloads.match_stats(career, m)["Players"]) for m in matches.values())
    con = duckdb.connect(str(db), read_only=True)
    try:
        count = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        assert count("select count(*) from main.dim_matches") == len(matches)
        assert count("select count(*) from main.fct_match_players") == players
        for mart in ("fct_medals", "fct_film_events", "fct_killer_victim_pairs", "fct_sessions",
                     "fct_performance_scores", "dim_players"):
            assert count(f"select count(*) from main.{mart}") > 0, mart
    finally:
        con.close()

    # The competitive headlines, from the career too: Demo Spartan's CSR after their latest ranked
    # match, and the human they shared a team with most often.
    main = int(career.spec.players[0].xuid)
    history = career.history(main)  # newest first
    latest_ranked = next(m for m in history if career.template(m).ranked)
    csr = SkillRenderer(career).csr(latest_ranked, main).post
    together: Counter[int] = Counter()
    for meta in history:
        mine = career.slot(meta, main).team_id
        together.update(x for x in set(meta.humans) - {main} if career.slot(meta, x).team_id == mine)
    mate, n = max(together.items(), key=lambda kv: (kv[1], kv[0]))  # ties: the larger xuid, as SQL
    lines = {line.split(": ", 1)[0]: line for line in demo.stdout.splitlines() if ": " in line}
    assert f"Demo Spartan {csr} " in lines["current CSR"], lines["current CSR"]
    assert "Demo Spartan " in lines["best map"]
    assert f"Demo Spartan with {career.player(mate).gamertag} ({n} matches" in lines["most frequent teammate"]
