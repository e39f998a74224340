"""BENCHMARKS.md from bench/results/*.json.

Only the text between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` markers is generated; the
prose around the markers is kept as written. A section whose results file is missing says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import growth
from bench.common import ROOT, read_result

BENCHMARKS = ROOT / "BENCHMARKS.md"
STEPS = (
    ("full_build", "`dbt build --full-refresh`"),
    ("full_run", "`dbt run --full-refresh`"),
    ("incremental_run", "`dbt run`, +25 matches"),
    ("incremental_build", "`dbt build`, +25 matches (no unit tests)"),
)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _missing(name: str, how: str) -> str:
    return f"_No results yet (`bench/results/{name}.json`): run `{how}`._"


def _machine(data: dict[str, Any]) -> str:
    m = data.get("machine") or {}
    load = data.get("load_avg_before")
    parts = [f"{m.get('cpus', '?')} CPUs", f"Python {m.get('python', '?')}", f"DuckDB {m.get('duckdb', '?')}"]
    if load is not None:
        parts.append(f"load average before: {load}")
    return f"_Measured {m.get('when', '?')}; " + ", ".join(parts) + "._"


# -- sections --------------------------------------------------------------------------------------
def ingest_section() -> str:
    data = read_result("ingest_throughput")
    if not data:
        return _missing("ingest_throughput", "make bench")
    rows = [
        [r["scenario"], r["players"], r["matches_landed"], r["profiles"], r["wall_s"], r["matches_per_s"],
         r["limit_matches_per_s"], f"{r['of_limit']:.0%}", r["throttled_429"], f"{r['vs_old_pipeline']}×",
         r["bottleneck_host"]]
        for r in data["runs"]
    ]
    out = [_machine(data), "", _table(
        ["run", "tracked players", "matches", "profiles", "wall s", "matches/s", "limit matches/s",
         "of limit", "429s", "vs old (0.14/s)", "bottleneck host"], rows)]
    hosts = ("halostats", "skill", "discovery-infiniteugc", "blobs-infiniteugc", "profile")
    per_match = [[r["scenario"], *(f"{r['per_match'].get(h, 0):.3f}" for h in hosts)] for r in data["runs"]]
    out += ["", "Requests per landed match, by host (429s excluded; the budget is 5 req/s per host, 1 req/s "
            "for profile):", "", _table(["run", "halostats", "skill", "discovery-infiniteugc",
                                         "blobs-infiniteugc", "profile"], per_match)]
    return "\n".join(out)


def pacing_section() -> str:
    data = read_result("pacing_precision")
    if not data:
        return _missing("pacing_precision", "make bench")
    rows = [[p["pacer"], p["sends"], f"{p['of_nominal']:.1%}", p["refused_by_bucket"], p["min_gap_ms"],
             p["gaps_under_90pct_interval"]] for p in data["pacers"]]
    return "\n".join([_machine(data), "", f"{data['callers']} callers, {data['rate']:.0f} req/s, "
                      f"{data['seconds']:.0f} s with event-loop stalls; server bucket burst {data['burst']}:", "",
                      _table(["pacer", "sends", "of nominal rate", "refused by the bucket (429s)",
                              "min gap ms", "gaps < 0.9 interval"], rows)])


def landing_section() -> str:
    data = read_result("landing_write")
    if not data:
        return _missing("landing_write", "make bench")
    rows = []
    for w in data["writers"]:
        for phase in ("insert", "upsert"):
            p = w[phase]
            rows.append([w["writer"], phase, w["payloads"], w["payload_mb"], p["seconds"], p["payloads_per_s"],
                         p["mb_per_s"], p["flush_ms_median"], p["flush_ms_p95"], p["flush_ms_max"]])
    return "\n".join([_machine(data), "", f"{data['matches']} matches' payloads, batches of 50 rows:", "",
                      _table(["writer", "phase", "payloads", "MB", "s", "payloads/s", "MB/s",
                              "flush ms (median)", "p95", "max"], rows)])


def _step_cell(step: dict[str, Any] | None) -> str:
    if not step:
        return "–"
    flag = "" if step["returncode"] == 0 else " ✗"
    return f"{step['wall_s']}{flag}"


def dbt_section() -> str:
    data = read_result("dbt_build")
    if not data:
        return _missing("dbt_build", "make bench")
    points = data["points"]
    header = ["step", *(f"{p['matches']:,} matches" for p in points)]
    pairs = list(zip(points, points[1:], strict=False))
    header += [f"× {b['matches'] // 1000}k / {a['matches'] // 1000}k" for a, b in pairs]
    rows = [
        [label, *(_step_cell(p.get(step)) for p in points), *(_growth(a.get(step), b.get(step)) for a, b in pairs)]
        for step, label in STEPS
    ]
    blank = [""] * len(pairs)
    rows.append(["peak RSS MB (max of the steps)", *(
        max((p[s]["peak_rss_mb"] for s, _ in STEPS if s in p), default="–") for p in points), *blank])
    rows.append(["landing DB MB", *(p["db_mb_landing"] for p in points), *blank])
    rows.append(["films (highlight chunks)", *(p["films"] for p in points), *blank])
    out = [_machine(data), "", "Wall seconds of the whole dbt process (start-up included); ✗ = non-zero exit "
           "(see the JSON); the last columns are the growth factors between sizes (a regression shows "
           "there first).", "", _table(header, rows)]
    excluded = {tuple(p.get("exclude") or ()) for p in points}
    if any(excluded):
        out += ["", "Built with `--exclude " + " ".join(sorted({e for ex in excluded for e in ex})) + "`."]
    detail = []
    for p in points:
        for step, label in STEPS:
            s = p.get(step)
            if s:
                kinds = s.get("seconds_by_kind", {})
                detail.append([f"{p['matches']:,}", label, s["dbt_elapsed_s"], kinds.get("model", 0),
                               kinds.get("test", 0), kinds.get("unit_test", 0), s["peak_rss_mb"],
                               ", ".join(f"{k} {v}" for k, v in s["statuses"].items())])
    out += ["", "Per step: dbt's own elapsed time and the summed node times by kind (2 threads, so sums exceed "
            "the elapsed time):", "", _table(["matches", "step", "dbt elapsed s", "models s", "tests s",
                                              "unit tests s", "peak RSS MB", "statuses"], detail)]
    biggest = points[-1]
    for step in ("full_build", "incremental_build"):
        s = biggest.get(step)
        if s:
            top = [[_node_name(m["node"]), m["seconds"]] for m in s["models"][:8]]
            out += ["", f"Slowest models, {label_of(step)} at {biggest['matches']:,} matches:", "",
                    _table(["model", "s"], top)]
            tests = [[_node_name(t["node"]), t["seconds"]] for t in s.get("slowest_tests", [])[:5]]
            if tests:
                out += ["", "Slowest tests:", "", _table(["test", "s"], tests)]
    return "\n".join(out)


def _growth(small: dict[str, Any] | None, big: dict[str, Any] | None) -> str:
    if not small or not big or small["returncode"] or big["returncode"]:
        return "–"
    return f"{big['wall_s'] / small['wall_s']:.1f}"


def _node_name(unique_id: str) -> str:
    """A node's name; generic tests end in a hash, so their descriptive part is shown instead."""
    parts = unique_id.split(".")
    last = parts[-1]
    name = parts[-2] if len(parts) > 3 and re.fullmatch(r"[0-9a-f]{10}", last) else last
    return name if len(name) <= 80 else name[:77] + "…"


def label_of(step: str) -> str:
    return dict(STEPS)[step]


def growth_section() -> str:
    data = read_result("dbt_build")
    if not data:
        return _missing("dbt_build", "make bench")
    points = data["points"]
    header = ["", *(f"{p['matches']:,}" for p in points)]
    rows: list[list[Any]] = []
    for step, label in growth.PLOTTED:
        rows.append([f"{label}: wall s", *(_step_cell(p.get(step)) for p in points)])
        rows.append([f"{label}: s per 1,000 matches", *(
            "–" if v is None else v for v in growth.per_thousand(points, step))])
        rows.append([f"{label}: peak RSS MB", *(
            p[step]["peak_rss_mb"] if step in p else "–" for p in points)])
    rows.append(["landing DB MB", *(p["db_mb_landing"] for p in points)])
    plot = growth.write_plot(points)
    out = [_machine(data), "", _table(header, rows)]
    if plot is not None:
        out += ["", f"![time and peak memory against warehouse size]({plot.relative_to(ROOT).as_posix()})"]
    return "\n".join(out)


def _sync_floor(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The last sync-vs-floor point that ran to its summary, from the dbt_sync results."""
    points = [p for p in (data or {}).get("points", []) if "summary" in p]
    return points[-1] if points else None


def sync_floor_section() -> str:
    data = read_result("dbt_sync")
    point = _sync_floor(data)
    if point is None:
        return _missing("dbt_sync", "make bench")
    s = point["summary"]
    nodes = ", ".join(f"{n} {k}s" for k, n in s["sync_nodes_by_kind"].items())
    secs = ", ".join(f"{k} {v} s" for k, v in s["sync_node_seconds_by_kind"].items())
    rows = [
        ["floor: `dbt run --select " + data.get("floor_model", "stg_halo__tracked_players") + "`",
         s["floor_wall_s"]],
        ["sync: 25 new matches land, then `halo build`'s `dbt build`", s["sync_wall_s"]],
        ["sync / floor", s["sync_over_floor"]],
        ["sync: dbt's own elapsed s", s["sync_dbt_elapsed_s"]],
        ["sync: nodes", nodes],
        ["sync: summed node s by kind", secs],
        ["sync: peak RSS MB", s["sync_peak_rss_mb"]],
    ]
    return "\n".join([_machine(data), "", f"On a {point['matches']:,}-match warehouse built in full, "
                      f"medians of {data['repeats']} runs, each on a fresh copy:", "",
                      _table(["", "wall s"], rows)])


def film_decode_section() -> str:
    data = read_result("film_decode")
    if not data:
        return _missing("film_decode", ".venv/bin/python bench/film_decode.py")
    s = data["summary"]
    return _table(
        ["chunks", "events", "fast ms/chunk", "reference ms/chunk", "inflate ms/chunk", "fast chunks/s", "speed-up"],
        [[s["chunks"], s["events"], s["fast_ms_per_chunk"], s["reference_ms_per_chunk"], s["inflate_ms_per_chunk"],
          s["fast_chunks_per_s"], f"{s['speedup']}×"]],
    )


def film_ratio_section() -> str:
    data = read_result("film_ratio")
    if not data:
        return _missing("film_ratio", ".venv/bin/python -m bench.film_model --ratio")
    rows = []
    for run in data["runs"]:
        for index, r in enumerate(run["repeats"], 1):
            rows.append([f"{run['films']:,}", index, r["decoder_ms_per_chunk"], r["end_to_end_ms_per_chunk"],
                         f"{r['ratio']}×", r["decoder_cpu_ms_per_chunk"], r["end_to_end_cpu_ms_per_chunk"],
                         f"{r['cpu_ratio']}×", r["load_avg_1m_before"]])
        m = run["median"]
        rows.append([f"{run['films']:,}", "**median**", m["decoder_ms_per_chunk"], m["end_to_end_ms_per_chunk"],
                     f"**{m['ratio']}×**", m["decoder_cpu_ms_per_chunk"], m["end_to_end_cpu_ms_per_chunk"],
                     f"**{m['cpu_ratio']}×**", ""])
    return _machine(data) + "\n\n" + _table(
        ["films", "repeat", "decoder wall ms/chunk", "end to end wall ms/chunk", "wall ratio",
         "decoder CPU ms/chunk", "end to end CPU ms/chunk", "CPU ratio", "load average before"], rows)


def performance_score_section() -> str:
    data = read_result("performance_score")
    if not data:
        return _missing("performance_score", ".venv/bin/python bench/performance_score.py")
    scale = data.get("scale_point", {})
    return _table(
        ["matches", "full s (best)", f"last {data['targets']} only s (best)", "Fenwick (Python) s",
         f"{scale.get('matches', '?'):,} matches, Polars s"],
        [[f"{data['matches']:,}", round(data["full_seconds"]["best"], 3), round(data["targets_seconds"]["best"], 3),
          round(data["fenwick_python_percentiles_seconds"]["best"], 3),
          round(scale.get("polars_ungated_seconds", float("nan")), 2)]],
    )


def report_build_section() -> str:
    data = read_result("report_build")
    if not data:
        return _missing("report_build", ".venv/bin/python -m bench.report_build")
    demo, scale = data["demo"], data["scale"]
    runs = (("demo (3 players, 75 matches), first run: Vega runtime bundled", demo["cold"]),
            ("demo, every later run", demo["warm"]), (f"{scale['matches']:,} matches, 8 tracked players", scale))
    rows = [[label, r["wall_s"], r.get("report_s", "?"), r["peak_rss_mb"], r["size_mb"]] for label, r in runs]
    loads = f"load average before: {data.get('load_avg_before')} (demo), {scale.get('load_avg_before')} (10k)"
    return "\n".join([_machine({**data, "load_avg_before": None}) + " " + loads + ".", "",
                      _table(["`halo report` on", "wall s (whole process)", "s in the report itself", "peak RSS MB",
                              "file MB"], rows)])


def _dbt_step(matches: int, step: str) -> dict[str, Any] | None:
    data = read_result("dbt_build") or {"points": []}
    for point in data["points"]:
        if point["matches"] == matches:
            return point.get(step)
    return None


# Share of the API limit each standard ingest run must reach (a sync of every tracked player: 90%).
INGEST_GOALS = {"1 player": 0.95, "2 friends": 0.9}


def goals_section() -> str:
    rows: list[list[Any]] = []
    ingest = read_result("ingest_throughput")
    if ingest:
        for r in ingest["runs"]:
            wanted = INGEST_GOALS.get(r["scenario"]) or (0.9 if r.get("sync_on_warehouse_of") else None)
            if wanted is None:
                continue
            ok = r["of_limit"] >= wanted and r["throttled_429"] == 0
            rows.append([f"ingest, {r['scenario']}: ≥ {wanted:.0%} of the API limit, 0 × 429",
                         f"{r['of_limit']:.0%} ({r['matches_per_s']} of {r['limit_matches_per_s']} "
                         f"matches/s), {r['throttled_429']} × 429", "yes" if ok else "**no**"])
            if not r.get("sync_on_warehouse_of"):
                rows.append([f"ingest, {r['scenario']}: ≥ 30× the old pipeline (0.14 matches/s)",
                             f"{r['vs_old_pipeline']}×", "yes" if r["vs_old_pipeline"] >= 30 else "**no**"])
    landing = read_result("landing_write")
    if landing:
        shipped = next(w for w in landing["writers"] if w["writer"] == "LandingWriter")
        rows.append(["landing writes never the bottleneck (an ingest lands ~20 payloads/s)",
                     f"{shipped['insert']['payloads_per_s']} payloads/s "
                     f"({shipped['upsert']['payloads_per_s']}/s replayed)",
                     "yes" if shipped["upsert"]["payloads_per_s"] > 200 else "**no**"])
    sync = _sync_floor(read_result("dbt_sync"))
    if sync:
        s = sync["summary"]
        rows.append([f"sync `dbt build` (+25 matches at {sync['matches'] // 1000}k) ≤ 2× dbt's floor",
                     f"{s['sync_over_floor']}× ({s['sync_wall_s']} s vs {s['floor_wall_s']} s)",
                     "yes" if s["sync_over_floor"] <= 2 and not any(s["sync_returncodes"]) else "**no**"])
    for matches, step, label, limit in (
            (10_000, "incremental_build", "`dbt build` +25 matches at 10k ≤ 10 s (a sync: no unit tests)", 10.0),
            (10_000, "incremental_run", "`dbt run` +25 matches at 10k ≤ 10 s", 10.0),
            (10_000, "full_build", "full refresh (`dbt build --full-refresh`) of 10k ≤ 30 s", 30.0),
            (100_000, "full_build", "full refresh of 100k ≤ 4 min", 240.0)):
        found = _dbt_step(matches, step)
        if found:
            ok = found["wall_s"] <= limit and found["returncode"] == 0
            rows.append([label, f"{found['wall_s']} s" + ("" if found["returncode"] == 0 else " (exit ≠ 0)"),
                         "yes" if ok else "**no**"])
    ratio = read_result("film_ratio")
    if ratio:
        for run in ratio["runs"]:
            m = run["median"]
            rows.append([f"films end to end ≤ 2× the decoder alone ({run['films']:,} films, median)",
                         f"{m['ratio']}× wall ({m['end_to_end_ms_per_chunk']} vs {m['decoder_ms_per_chunk']} "
                         f"ms/chunk), {m['cpu_ratio']}× CPU", "yes" if m["ratio"] <= 2 else "**no**"])
    data = read_result("dbt_build")
    if data:
        for point in data["points"]:
            for step in ("full_build", "incremental_build"):
                if step in point:
                    peak = point[step]["peak_rss_mb"]
                    what = "full refresh" if step == "full_build" else "sync build"
                    rows.append([f"dbt peak memory ≤ 2 GB, {what} at {point['matches']:,} matches", f"{peak} MB",
                                 "yes" if peak <= 2048 else "**no**"])
    report_data = read_result("report_build")
    if report_data:
        demo, scale = report_data["demo"]["warm"], report_data["scale"]
        rows.append(["`halo report`, demo ≤ 3 s", f"{demo['wall_s']} s", "yes" if demo["wall_s"] <= 3 else "**no**"])
        rows.append(["`halo report`, 10k matches ≤ 10 s and ≤ 5 MB", f"{scale['wall_s']} s, {scale['size_mb']} MB",
                     "yes" if scale["wall_s"] <= 10 and scale["size_mb"] <= 5 else "**no**"])
    if not rows:
        return "_No results yet: run `make bench`._"
    return _table(["goal", "measured", "met"], rows)


SECTIONS: dict[str, Callable[[], str]] = {
    "goals": goals_section,
    "ingest": ingest_section,
    "pacing": pacing_section,
    "landing": landing_section,
    "dbt": dbt_section,
    "growth": growth_section,
    "sync_floor": sync_floor_section,
    "film_decode": film_decode_section,
    "film_ratio": film_ratio_section,
    "performance_score": performance_score_section,
    "report_build": report_build_section,
}


def render(text: str) -> str:
    for name, build in SECTIONS.items():
        pattern = re.compile(rf"(<!-- bench:{name} -->\n)(?:.*?\n)?(<!-- /bench:{name} -->)", re.S)
        if not pattern.search(text):
            text += f"\n<!-- bench:{name} -->\n<!-- /bench:{name} -->\n"
        body = build()
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main(path: Path = BENCHMARKS) -> None:
    current = path.read_text() if path.exists() else "# Benchmarks\n"
    path.write_text(render(current))


if __name__ == "__main__":
    main()
