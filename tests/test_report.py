"""`halo report` end to end: the demo's report opened from disk in headless Chromium with the
network off (no console error, no request, every chart drawn, a picture that is not blank), the
player switch and the compare view; the sections over marts a warehouse lacks; bad input."""

from __future__ import annotations

import html as html_lib
import re
import time
from pathlib import Path

import duckdb
import pytest

from ingest.report.build import ReportRequest, build_report
from ingest.report.sections import SECTIONS

try:  # tests/ on sys.path (no tests/__init__.py)
    from support.browser import browser, colour_share, open_report
    from support.ingest_harness import halo_cli
    from support.report_warehouse import build_small_warehouse
    from support.warehouse_lock import hold
except ModuleNotFoundError:
    from tests.support.browser import browser, colour_share, open_report
    from tests.support.ingest_harness import halo_cli
    from tests.support.report_warehouse import build_small_warehouse
    from tests.support.warehouse_lock import hold

pytestmark = pytest.mark.dbt
DEMO_PLAYERS = {"p2533274900000042": "Demo Spartan", "p2533274911112233": "Nimbus Crow",
                "p2535400000004821": "Quill#4821"}
# Sections over the marts main builds: on the demo each must show, never "not available".
BUILT_ON_DEMO = {"overview", "performance", "trends", "weekday-hour", "sessions", "nemesis", "kill-matrix",
                 "medals", "completeness"}
NEW_MART_SECTIONS = {  # section -> a relation it reads that an older warehouse lacks
    "expectation": "main.fct_player_match_expectations", "csr": "main.fct_player_csr",
    "maps-modes": "main.fct_player_map_mode_rankings", "streaks": "main.fct_player_streaks",
    "citations": "main.fct_player_citations", "impact": "main.fct_match_friend_impact",
    "teammates": "main.fct_player_teammates",
}


def sections_shown(html: str) -> dict[str, dict[str, str | None]]:
    """panel -> section -> None when shown, else its "not available yet" reason."""
    found: dict[str, dict[str, str | None]] = {}
    for panel, body in re.findall(r'<section class="panel" id="(p\d+)".*?>(.*?)\n</section>', html, re.S):
        found[panel] = {}
        for key, rest in re.findall(r'data-section="([a-z-]+)">(.*?)</section>', body, re.S):
            reason = re.search(r'<p class="not-available">Not available yet: (.*?)</p>', rest, re.S)
            found[panel][key] = reason.group(1) if reason else None
    return found


def test_halo_demo_writes_the_report_and_says_where(demo_warehouse) -> None:
    assert demo_warehouse.report.is_file()
    assert f"report: {demo_warehouse.report} (" in demo_warehouse.output
    assert demo_warehouse.report.resolve().as_uri() in demo_warehouse.output
    shown = sections_shown(demo_warehouse.report.read_text(encoding="utf-8"))
    assert set(shown) == set(DEMO_PLAYERS)
    for panel, sections in shown.items():
        assert list(sections) == [m.KEY for m in SECTIONS], panel
        assert {k for k, reason in sections.items() if reason is None} >= BUILT_ON_DEMO, panel


def test_the_demo_report_in_headless_chromium_offline(demo_warehouse, tmp_path: Path) -> None:
    small = build_report(ReportRequest(build_small_warehouse(tmp_path / "small.duckdb"), tmp_path / "small.html"))
    with browser() as chromium:
        demo = open_report(chromium, demo_warehouse.report)
        # The sections over the new marts (citations, CSR, streaks...), drawn from hand-made rows.
        new_marts = open_report(chromium, small.path)
    for view in (demo, new_marts):
        assert view.console_errors == []
        assert view.failed_requests == [] and view.other_requests == []
    assert [p.key for p in demo.panels] == [*DEMO_PLAYERS, "compare"]
    html = demo_warehouse.report.read_text(encoding="utf-8")
    assert sum(len(p.charts) for p in demo.panels) == html.count('class="chart"') > 0
    for view in (demo, new_marts):
        for panel in view.panels:
            assert all(marks > 0 for marks in panel.charts.values()), (panel.key, panel.charts)
        colours, not_background = colour_share(view.screenshot)
        assert colours > 50 and not_background > 0.02, (colours, not_background)
    assert len(new_marts.panels[0].charts) == small.charts == 9
    for key, name in DEMO_PLAYERS.items():
        text = demo.text[key]
        assert text.startswith(name) and "Career" in text and "Nemesis and victims" in text
    compare = demo.text["compare"]
    # The compare view opens on the first two players: their matches, then what they did together.
    assert "Demo Spartan\tNimbus Crow" in compare
    assert re.search(r"matches\t60\t32", compare), compare


def test_sections_say_why_they_are_not_available(demo_copy: Path, tmp_path: Path) -> None:
    """A warehouse built by an older version: the new marts, and here the score, are missing."""
    con = duckdb.connect(str(demo_copy))
    for relation in [*NEW_MART_SECTIONS.values(), "main.fct_performance_scores"]:
        con.execute(f"drop table if exists {relation}")
    con.close()
    out = tmp_path / "older.html"
    build_report(ReportRequest(demo_copy, out, ("Demo Spartan",)))
    [sections] = sections_shown(out.read_text(encoding="utf-8")).values()
    for key, relation in [*NEW_MART_SECTIONS.items(), ("performance", "main.fct_performance_scores")]:
        assert relation in sections[key] and "not in this warehouse" in sections[key], (key, sections[key])
    assert {k for k, reason in sections.items() if reason is None} == BUILT_ON_DEMO - {"performance"}


def test_a_warehouse_never_built_reports_its_completeness_only(demo_copy: Path, tmp_path: Path) -> None:
    con = duckdb.connect(str(demo_copy))
    for schema in ("main", "intermediate", "staging", "reference"):
        for (name, kind) in con.execute(
                "select table_name, table_type from information_schema.tables where table_schema = ?",
                [schema]).fetchall():
            con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} {schema}.{name}")
    con.close()
    out = tmp_path / "fresh.html"
    result = build_report(ReportRequest(demo_copy, out))
    shown = sections_shown(out.read_text(encoding="utf-8"))
    assert result.players == 3 and result.charts == 0
    for sections in shown.values():
        assert [k for k, reason in sections.items() if reason is None] == ["completeness"]


def test_player_choice_and_time_zone(demo_warehouse, tmp_path: Path) -> None:
    out = tmp_path / "two.html"
    result = halo_cli(["report", "--db", str(demo_warehouse.db), "--out", str(out), "--player", "nimbus crow",
                       "-p", "2535400000004821", "--tz", "Europe/Paris"], {})
    assert result.code == 0, result.err
    assert re.fullmatch(rf"report: {re.escape(str(out))} \(2 players, \d+ charts, [\d.]+ MB(; \d+ sections not "
                        r"available yet)?\) in [\d.]+ s\n", result.out), result.out
    html = out.read_text(encoding="utf-8")
    assert list(sections_shown(html)) == ["p2533274911112233", "p2535400000004821"]
    assert "times in Europe/Paris" in html and "(Europe/Paris)" in html


def test_bad_input_is_one_line_and_writes_nothing(demo_warehouse, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    db = str(demo_warehouse.db)
    cases = [
        (["--player", "Nobody Here"], 2, "'Nobody Here' is not tracked yet"),
        (["--player", "bad/name"], 2, "is neither a gamertag"),
        (["--tz", "Mars/Olympus"], 2, "--tz 'Mars/Olympus' is not a time zone name"),
        (["--db", str(tmp_path / "none.duckdb")], 2, f"no warehouse at {tmp_path / 'none.duckdb'} yet"),
        (["--out", str(tmp_path)], 2, f"--out {tmp_path} is a directory"),
        (["--out", "/proc/1/report.html"], 2, "cannot write the report to /proc/1/report.html"),
    ]
    for args, code, message in cases:
        result = halo_cli(["report", "--db", db, "--out", str(out), *args], {})
        assert result.code == code, (args, result.out, result.err)
        assert result.err.count("\n") == 1 and result.err.startswith("error: ") and message in result.err, result.err
        assert "Traceback" not in result.out + result.err
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_a_locked_warehouse_is_one_line_and_the_old_report_stays(demo_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("the previous report")
    holder = hold(demo_copy, "rw", 600)
    try:
        started = time.monotonic()
        result = halo_cli(["report", "--db", str(demo_copy), "--out", str(out)], {})
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert result.code == 5
    assert result.err.count("\n") == 1 and result.err.startswith(f"error: another process holds the warehouse {demo_copy}")
    assert 4 <= waited < 60  # a bounded wait for the lock, then one line
    assert out.read_text() == "the previous report" and sorted(p.name for p in tmp_path.iterdir()) == ["copy", "report.html"]


def test_completeness_shows_the_figures_of_halo_status(demo_warehouse) -> None:
    from ingest.store.completeness import DATA_TYPES, status_rows
    from ingest.store.warehouse import open_warehouse

    con = open_warehouse(demo_warehouse.db, read_only=True)
    try:
        expected = [(DATA_TYPES.get(r.data_type, r.data_type), str(r.listed), str(r.complete), str(r.to_fetch))
                    for r in status_rows(con, ["2533274911112233"])]
    finally:
        con.close()
    html = demo_warehouse.report.read_text(encoding="utf-8")
    section = re.search(r'id="p2533274911112233-completeness".*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr><td>(.*?)</td><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
                      r"<td class=\"num\">(\d+)</td>", section)
    assert [(html_lib.unescape(name), *figures) for name, *figures in rows] == expected
    assert len(expected) >= 8
