"""Landing write rate: realistic payloads through ``LandingWriter`` into a fresh DuckDB file.

The rows are the fake API's renderings of a synthetic career (``bench.synth.render_match``), added
in the order the ingester adds them (history items, then per match: stats, skill, film manifest and
highlight chunk or the film's 404 attempt), with the writer's real batching (50 rows or 2 s, one
transaction per batch). Measured: payloads/s and MB/s over the whole stream, and the time of each
flush (a flush runs on the ingester's event loop: while it runs, no request is sent), then the
same stream replayed over the landed rows (the upsert path).

Compared: the writer as shipped, and ``ExecutemanyWriter`` (the former flush: one ``executemany``
per table), kept here so the comparison stays reproducible.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import machine, write_result
from bench.synth import film_matches, newest_first, render_match
from fake_halo import Career, CareerSpec, FakeHaloApi
from ingest.store.registry import LANDING_TABLES
from ingest.store.schema import ensure_landing_schema
from ingest.store.warehouse import connect
from ingest.store.writer import LandingWriter

MATCHES = 600
PLAYERS = 2


class ExecutemanyWriter(LandingWriter):
    """The flush before the Arrow bulk insert: one parameterised executemany per table."""

    def write_table(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        spec = LANDING_TABLES[table]
        placeholders = ", ".join("?" for _ in spec.written_columns)
        self.con.executemany(
            f"insert into landing.{table} ({', '.join(spec.written_column_names)}) values ({placeholders})"
            f"{spec.upsert_clause()}",
            rows,
        )


class TimedFlushes:
    """Wraps a writer's flush to record how long each one blocks the caller."""

    def __init__(self, writer: LandingWriter) -> None:
        self.samples: list[float] = []
        inner = writer.flush

        def timed() -> int:
            started = time.perf_counter()
            count = inner()
            if count:
                self.samples.append(time.perf_counter() - started)
            return count

        writer.flush = timed  # type: ignore[method-assign]


def stream(matches: int) -> list[tuple[str, tuple[Any, ...]]]:
    """(writer method, args) in ingest order, for ``matches`` newest matches of a career."""
    api = FakeHaloApi(Career(CareerSpec.scale(PLAYERS, matches, 11)))
    films = film_matches(api.career, None)
    tracked = frozenset(int(p.xuid) for p in api.career.spec.players)
    now = datetime.now(UTC)
    calls: list[tuple[str, tuple[Any, ...]]] = []
    metas = newest_first(api.career)
    rendered = [render_match(api, m, films=films, tracked=tracked, fetched_at=now) for m in metas]
    for rows in rendered:  # listing first, as the ingester does
        calls += [("history_item", (r[0], r[1], r[2])) for r in rows["match_history"]]
    for rows in rendered:
        calls += [("match_stats", (r[0], r[1])) for r in rows["match_stats"]]
        calls += [("match_skill", (r[0], r[1], r[3])) for r in rows["match_skill"]]
        calls += [("film_manifest", (r[0], r[1])) for r in rows["film_manifests"]]
        calls += [("film_chunk", (r[0], r[1], r[2], r[3], r[4])) for r in rows["film_chunks"]]
        calls += [("attempt_404", (r[0], r[1])) for r in rows["fetch_attempts"]]
    return calls


def payload_bytes(args: tuple[Any, ...]) -> int:
    return sum(len(a) for a in args if isinstance(a, str | bytes) and len(a) > 40)


def replay(writer: LandingWriter, calls: list[tuple[str, tuple[Any, ...]]]) -> None:
    for method, args in calls:
        if method == "attempt_404":
            writer.attempt(args[0], args[1], outcome="not_found", http_status=404, terminal=True,
                           error="HTTP 404: no film", run_id="bench")
        else:
            getattr(writer, method)(*args)
    writer.flush()


def measure(kind: type[LandingWriter], calls: list[tuple[str, tuple[Any, ...]]]) -> dict[str, Any]:
    volume = sum(payload_bytes(args) for _, args in calls)
    out: dict[str, Any] = {"writer": kind.__name__, "payloads": len(calls), "payload_mb": round(volume / 1e6, 1)}
    with tempfile.TemporaryDirectory(prefix="halo-bench-landing-") as tmp:
        con = connect(Path(tmp) / "bench.duckdb")
        try:
            ensure_landing_schema(con)
            for phase in ("insert", "upsert"):
                writer = kind(con)
                flushes = TimedFlushes(writer)
                started = time.perf_counter()
                replay(writer, calls)
                elapsed = time.perf_counter() - started
                out[phase] = {
                    "seconds": round(elapsed, 2),
                    "payloads_per_s": round(len(calls) / elapsed),
                    "mb_per_s": round(volume / 1e6 / elapsed, 1),
                    "flushes": len(flushes.samples),
                    "flush_ms_median": round(statistics.median(flushes.samples) * 1000, 1),
                    "flush_ms_p95": round(sorted(flushes.samples)[int(0.95 * len(flushes.samples))] * 1000, 1),
                    "flush_ms_max": round(max(flushes.samples) * 1000, 1),
                }
            out["rows"] = {t: con.execute(f"select count(*) from landing.{t}").fetchall()[0][0]
                           for t in ("match_history", "match_stats", "match_skill", "film_manifests",
                                     "film_chunks", "fetch_attempts")}
        finally:
            con.close()
    return out


def iterate(calls: list[tuple[str, tuple[Any, ...]]]) -> Iterator[dict[str, Any]]:
    for kind in (ExecutemanyWriter, LandingWriter):
        yield measure(kind, calls)


def run(matches: int = MATCHES) -> dict[str, Any]:
    started = time.perf_counter()
    calls = stream(matches)
    render_s = time.perf_counter() - started
    results = list(iterate(calls))
    return {"machine": machine(), "matches": matches, "render_s": round(render_s, 1), "writers": results}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--matches", type=int, default=MATCHES)
    args = parser.parse_args(argv)
    result = run(args.matches)
    for writer in result["writers"]:
        print(writer, file=sys.stderr)
    write_result("landing_write", result)


if __name__ == "__main__":
    main(sys.argv[1:])
