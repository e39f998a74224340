"""The long fault soak: three tracked players, every fault kind at random, kills, builds, and in
the end the warehouse a fault-free run builds, with every extra request accounted for.

One soak, seeded (the same seed replays the same plan):

1. **Reference**: a fault-free ingest of the career; its requests are the minimum (one answer per
   payload, listing pages, profile batches). Its seeds and models build (no tests: they run on
   the same models elsewhere in the suite) in the background while the soak goes on.
2. **Soak**: the same career behind a fake API injecting every fault kind of RELIABILITY.md's
   fault matrix at random (~10% of requests: 429 with and without Retry-After, a per-host rate
   limit, 500/502/503, slow responses beyond the client timeout, dropped connections, truncated
   and invalid JSON, truncated film chunks, one match whose stats always fail, 404s for listed
   matches, 401s mid-run). Ingest runs (child processes) are interrupted after a seeded number of
   served requests: ten by SIGKILL and one by SIGTERM; the models build incrementally on the
   partial warehouse after some of them. Then runs go on, faults still on, until one completes.
3. **Final**: faults off, one ``--retry-failed`` run (the 404s were terminal) and ``dbt build``,
   which must pass; the marts and seeds must equal the reference's row by row
   (``python -m tests.support.warehouse_compare``, landing times aside).

Accounting: every request of the soak beyond the reference's is explained, exactly
(``extra_requests == explained_requests``). A request answered with an injected fault is
explained by it. A payload (stats, skill, film manifest or chunk, asset version, medal metadata)
answered more than once (served whole, or a 404 the career itself gives, e.g. a match without a
film) is explained only if each earlier answer came during a run that was interrupted (killed,
or stopped by a 401) before it could commit it, or was a terminal answer asked again by the final
``--retry-failed`` run. What remains is each run's set-up: the first history pages listed again,
clearance and the players' profiles resolved again. The payloads answered must be exactly the
reference's.

``python -m bench.fault_soak`` runs the long variant (``make bench``); tests/test_fault_soak.py
runs a short one in ``make test``.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from bench.common import PYTHON, ROOT, machine, write_result
from fake_halo import (
    DEFAULT_TOKEN,
    Career,
    CareerSpec,
    FakeHaloApi,
    FaultConfig,
    FaultRule,
    RateLimit,
    running,
)
from fake_halo.api import RequestRecord
from ingest.api.client import HttpSettings
from ingest.sync.ingest_request import IngestRequest, run_ingest
from ingest.transform.dbt_runner import run_dbt

# Payload endpoints: one whole response per key is the minimum.
KEYED = ("stats", "skill", "film_manifest", "film_chunk", "asset", "medals")
CLIENT_TIMEOUT_S = 4.0


@dataclass(frozen=True)
class SoakPlan:
    matches: int = 1000
    players: int = 3
    film_share: float = 0.2
    fault_rate: float = 0.10  # of all requests, spread over the fault kinds
    kills: int = 10
    terms: int = 1
    builds_after: tuple[int, ...] = (3, 6, 9)  # dbt build after these interruptions (1-based)
    latency_ms: float = 1.0
    max_runs: int = 80
    seed: int = 2026

    def career(self) -> CareerSpec:
        spec = CareerSpec.scale(self.players, self.matches, seed=self.seed % 97)
        return CareerSpec(**{**asdict(spec), "players": spec.players, "film_share": self.film_share})


def fault_mix(plan: SoakPlan, always_failing: str) -> FaultConfig:
    """Every fault kind of the fault matrix, each on its own share of ``plan.fault_rate``."""
    p = plan.fault_rate / 10
    rules = (
        FaultRule("status", status=401, endpoint="skill", probability=0.004),
        FaultRule("status", status=500, endpoint="stats", path_regex=always_failing),
        FaultRule("status", status=404, endpoint="stats", probability=p / 4),
        FaultRule("status", status=429, retry_after=1, probability=p / 4, times=400),
        FaultRule("status", status=429, probability=p),
        FaultRule("status", status=500, probability=p * 0.7),
        FaultRule("status", status=502, probability=p * 0.7),
        FaultRule("status", status=503, probability=p * 0.6),
        FaultRule("slow", delay_s=CLIENT_TIMEOUT_S + 0.5, probability=p, times=60),
        FaultRule("drop", probability=p * 1.5),
        FaultRule("truncated_json", probability=p * 1.5),
        FaultRule("invalid_json", probability=p),
        FaultRule("truncated_json", endpoint="film_chunk", probability=0.1),
    )
    return FaultConfig(latency_ms=plan.latency_ms, rate_limit=RateLimit(60, burst=8, retry_after=False,
                       hosts=("halostats",)), rules=rules, seed=plan.seed)


# -- one ingest run (the child process the soak kills) ---------------------------------------------


def ingest_request(base_url: str, db: Path, players: list[str], *, retry_failed: bool) -> IngestRequest:
    return IngestRequest(
        players=players, match_type="all", max_matches=None, spartan_token=DEFAULT_TOKEN, clearance=None,
        base_url=base_url, film=True, profiles="all", retry_failed=retry_failed, rate=500.0,
        profile_rate=500.0, concurrency=16, db_path=db, progress=False,
        # Retries in milliseconds: the faults are the real ones, the waits are not.
        http=HttpSettings(backoff_base_s=0.01, backoff_max_s=0.05, timeout_s=CLIENT_TIMEOUT_S,
                          consecutive_failure_limit=200),
    )


def child(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fault_soak child")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--player", action="append", default=[])
    parser.add_argument("--retry-failed", action="store_true")
    args = parser.parse_args(argv)
    from ingest.errors import HaloError

    request = ingest_request(args.base_url, args.db, args.player, retry_failed=args.retry_failed)
    console = Console(file=io.StringIO())
    try:
        return run_ingest(request, console, Console(stderr=True, width=200))
    except HaloError as exc:  # a 401 mid-run: one line, its exit code (as `halo ingest` does)
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


# -- the soak ----------------------------------------------------------------------------------------


@dataclass
class Run:
    started: float
    ended: float = 0.0
    fate: str = "running"  # completed | sigkill | sigterm | stopped (exit 3) | failed
    code: int | None = None

    @property
    def interrupted(self) -> bool:
        return self.fate in ("sigkill", "sigterm", "stopped")


@dataclass
class SoakReport:
    plan: dict[str, Any]
    matches: int
    films: int
    runs: list[dict[str, Any]] = field(default_factory=list)
    builds_between: int = 0
    reference_requests: dict[str, int] = field(default_factory=dict)
    soak_requests: dict[str, int] = field(default_factory=dict)
    faulted_requests: dict[str, int] = field(default_factory=dict)
    refetched_after_interrupt: int = 0
    retried_terminal: int = 0
    unexplained_refetches: list[str] = field(default_factory=list)
    payloads_missing: list[str] = field(default_factory=list)
    payloads_extra: list[str] = field(default_factory=list)
    relisted_pages: int = 0
    repeated_run_setup: int = 0
    warehouse_compare: str = ""
    identical: bool = False
    final_build_ok: bool = False
    wall_s: float = 0.0

    @property
    def kills(self) -> int:
        return sum(1 for r in self.runs if r["fate"] == "sigkill")

    @property
    def terms(self) -> int:
        return sum(1 for r in self.runs if r["fate"] == "sigterm")

    @property
    def extra_requests(self) -> int:
        return sum(self.soak_requests.values()) - sum(self.reference_requests.values())

    @property
    def explained_requests(self) -> int:
        return (sum(self.faulted_requests.values()) + self.refetched_after_interrupt + self.retried_terminal
                + self.relisted_pages + self.repeated_run_setup)

    def summary(self) -> dict[str, Any]:
        return {
            **asdict(self), "kills": self.kills, "terms": self.terms,
            "extra_requests": self.extra_requests, "explained_requests": self.explained_requests,
            "fault_kinds": sorted(self.faulted_requests),
        }


def _key(record: RequestRecord) -> str:
    return f"{record.endpoint} {record.host}{record.path}"


def _spawn(base_url: str, db: Path, players: list[str], retry_failed: bool = False) -> subprocess.Popen[str]:
    args = [str(PYTHON if PYTHON.exists() else sys.executable), "-m", "bench.fault_soak", "child",
            "--base-url", base_url, "--db", str(db), *[a for p in players for a in ("--player", p)]]
    if retry_failed:
        args.append("--retry-failed")
    return subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # noqa: S603


def _build(db: Path, work: Path, name: str, command: str) -> bool:
    """``build``: everything but unit tests; ``models``: the seeds and models, no tests; ``core``:
    the core marts and what they read (staging, seeds), no tests."""
    args = {
        "build": ["build", "--exclude-resource-type", "unit_test"],
        "models": ["build", "--resource-type", "seed", "--resource-type", "model"],
        "core": ["build", "--resource-type", "seed", "--resource-type", "model", "--select", "+core"],
    }[command]
    result = run_dbt(args, db,
                     target_path=work / f"target_{name}", log_path=work / "logs")
    return result.returncode == 0


def run_soak(plan: SoakPlan, work: Path, log: Any = print) -> SoakReport:
    started = time.monotonic()
    work.mkdir(parents=True, exist_ok=True)
    spec = plan.career()
    players = [p.xuid for p in spec.players]
    career = Career(spec)
    history = {m.match_id: m for p in players for m in career.history(int(p))}
    report = SoakReport(asdict(plan), matches=len(history), films=sum(1 for m in history.values() if m.film))

    reference = work / "fault_free.duckdb"
    with running(FakeHaloApi(Career(spec), faults=FaultConfig(latency_ms=plan.latency_ms))) as server:
        request = ingest_request(server.base_url, reference, players, retry_failed=False)
        assert run_ingest(request, Console(file=io.StringIO()), Console(file=io.StringIO())) == 0
        reference_log = server.api.log.records()
    log(f"reference: {len(reference_log)} requests for {report.matches} matches ({report.films} films)")
    # The reference's models build while the soak runs (dbt is a child process; the soak's runs
    # spend much of their time waiting on faults). Its tests run elsewhere in the suite.
    reference_built: dict[str, bool] = {}
    builder = threading.Thread(target=lambda: reference_built.update(ok=_build(reference, work, "reference", "models")))
    builder.start()
    report.reference_requests = dict(Counter(r.endpoint for r in reference_log))

    soaked = work / "soaked.duckdb"
    rng = random.Random(plan.seed)
    always_failing = sorted(history)[rng.randrange(len(history))]
    interruptions = [signal.SIGKILL] * plan.kills
    for _ in range(plan.terms):
        interruptions.insert(rng.randrange(len(interruptions) + 1), signal.SIGTERM)
    runs: list[Run] = []
    # An interruption comes after a random number of served requests, drawn so that all of them
    # fall while there is still work to do (a run with nothing left to fetch ends by itself).
    upper = max(12, len(reference_log) // (len(interruptions) + 3))
    with running(FakeHaloApi(Career(spec), faults=fault_mix(plan, always_failing))) as server:
        done = 0
        while done < len(interruptions) or not runs or runs[-1].fate != "completed":
            assert len(runs) < plan.max_runs, f"{len(runs)} runs and still {len(interruptions) - done} interruptions to go"
            if runs and runs[-1].fate == "completed":
                upper = max(6, upper // 2)  # the run finished first: interrupt sooner
            target = rng.randint(3, upper) if done < len(interruptions) else None
            first_run = not runs
            proc = _spawn(server.base_url, soaked, players if first_run else [])
            run = Run(time.time())
            runs.append(run)
            seen = server.api.log.count()
            while proc.poll() is None and (target is None or server.api.log.count() - seen < target):
                time.sleep(0.005)
            if proc.poll() is None:
                proc.send_signal(interruptions[done])
                run.fate = "sigkill" if interruptions[done] == signal.SIGKILL else "sigterm"
                done += 1
            _, err = proc.communicate(timeout=120)
            run.ended, run.code = time.time(), proc.returncode
            if run.fate == "running":
                run.fate = {0: "completed", 3: "stopped"}.get(proc.returncode, "failed")
            assert run.fate != "failed", f"run {len(runs)} failed (exit {proc.returncode}): {err[-2000:]}"
            assert run.fate != "sigterm" or run.code in (130, -signal.SIGTERM), (run.code, err[-2000:])
            log(f"run {len(runs)}: {run.fate} (exit {run.code}) after {run.ended - run.started:.1f} s")
            if run.fate in ("sigkill", "sigterm") and done in plan.builds_after and soaked.exists():
                # A partial warehouse: the staging models and core marts (the incremental heart)
                # build on what landed so far; its gaps would fail the completeness tests, which
                # the final build runs, after the later runs filled them.
                assert _build(soaked, work, f"between_{done}", "core"), f"the models failed after interruption {done}"
                report.builds_between += 1
        server.set_faults(FaultConfig(latency_ms=plan.latency_ms))
        final = Run(time.time())
        proc = _spawn(server.base_url, soaked, [], retry_failed=True)
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-2000:]
        final.ended, final.fate, final.code = time.time(), "completed", 0
        runs.append(final)
        soak_log = server.api.log.records()
    report.runs = [asdict(r) for r in runs]
    report.final_build_ok = _build(soaked, work, "final", "build")
    builder.join(timeout=900)
    assert reference_built.get("ok"), "the reference's models failed"
    _account(report, reference_log, soak_log, runs)
    compare = subprocess.run(  # noqa: S603 - our own comparison tool, fixed arguments
        [str(PYTHON if PYTHON.exists() else sys.executable), "-m", "tests.support.warehouse_compare",
         str(reference), str(soaked)], cwd=ROOT, capture_output=True, text=True, check=False,
    )
    report.warehouse_compare = compare.stdout.strip().splitlines()[-1] if compare.stdout.strip() else compare.stderr
    report.identical = compare.returncode == 0
    report.wall_s = round(time.monotonic() - started, 1)
    return report


def _account(report: SoakReport, reference: list[RequestRecord], soak: list[RequestRecord], runs: list[Run]) -> None:
    """Split the soak's requests beyond the reference's into their explanations (see the module
    docstring); what fits none is listed in ``unexplained_refetches``."""
    report.soak_requests = dict(Counter(r.endpoint for r in soak))
    report.faulted_requests = dict(Counter(r.fault.split(":")[0] for r in soak if r.fault is not None))
    answered = [r for r in soak if r.fault is None]
    # Per-run requests: each run lists the first history pages, asks for clearance and resolves
    # its players' profiles again.
    per_run = Counter(r.endpoint for r in answered if r.endpoint not in KEYED)
    reference_per_run = Counter(r.endpoint for r in reference if r.endpoint not in KEYED)
    report.relisted_pages = per_run["history"] - reference_per_run["history"]
    report.repeated_run_setup = sum(per_run.values()) - sum(reference_per_run.values()) - report.relisted_pages
    # Keyed payloads: the reference answered each once; every further answer needs a reason.
    reference_keys = Counter(_key(r) for r in reference if r.endpoint in KEYED)
    copies: dict[str, list[RequestRecord]] = defaultdict(list)
    for record in answered:
        if record.endpoint in KEYED:
            copies[_key(record)].append(record)
    report.payloads_missing = sorted(set(reference_keys) - set(copies))
    report.payloads_extra = sorted(set(copies) - set(reference_keys))
    report.unexplained_refetches += [k for k, n in reference_keys.items() if n != 1]
    interrupted = [(r.started, r.ended) for r in runs if r.interrupted]
    retry_run = runs[-1]
    for key, answers in copies.items():
        answers.sort(key=lambda r: r.time)
        for earlier, later in zip(answers, answers[1:], strict=False):
            if any(start <= earlier.time <= end for start, end in interrupted):
                report.refetched_after_interrupt += 1  # lost with its run before its commit
            elif earlier.status != 200 and retry_run.started <= later.time:
                report.retried_terminal += 1  # a terminal answer, asked again by --retry-failed
            else:
                report.unexplained_refetches.append(key)


def run() -> dict[str, Any]:
    """``make bench``: the long soak (1,000 matches)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="fault_soak_") as tmp:
        report = run_soak(SoakPlan(), Path(tmp))
    return {"machine": machine(), **report.summary()}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["child"]:
        sys.exit(child(argv[1:]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--matches", type=int, default=SoakPlan.matches)
    parser.add_argument("--seed", type=int, default=SoakPlan.seed)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "results" / "fault_soak.tmp")
    args = parser.parse_args(argv)
    report = run_soak(SoakPlan(matches=args.matches, seed=args.seed), args.work)
    write_result("fault_soak", {"machine": machine(), **report.summary()})
    print(json.dumps({k: v for k, v in report.summary().items() if k != "runs"}, indent=2, default=str))


if __name__ == "__main__":
    main()
