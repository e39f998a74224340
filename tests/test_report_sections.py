"""The report's sections on a small hand-made warehouse (tests/support/report_warehouse.py): each
figure checked against values worked out by hand from its rows, the new marts' sections included
(written against the columns their issues name), and the "not available yet" path for the marts
this warehouse lacks. No dbt, no browser: the rendering is checked in test_report.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from ingest.report.blocks import Chart, Fmt, Section, Table, Tiles
from ingest.report.build import ReportRequest, build_report, relations_read
from ingest.report.context import Context, Player
from ingest.report.page import format_value
from ingest.report.reader import Reader
from ingest.report.sections import SECTIONS, build_section, queries_of

try:  # tests/ on sys.path (no tests/__init__.py)
    from support.report_warehouse import ALPHA, BRAVO, build_small_warehouse
except ModuleNotFoundError:
    from tests.support.report_warehouse import ALPHA, BRAVO, build_small_warehouse

BY_KEY = {module.KEY: module for module in SECTIONS}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_warehouse(tmp_path_factory.mktemp("small") / "small.duckdb")


def reader_for(db: Path, zone: str = "UTC") -> Iterator[Reader]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        yield Reader(con, ZoneInfo(zone), zone)
    finally:
        con.close()


@pytest.fixture
def reader(small: Path) -> Iterator[Reader]:
    yield from reader_for(small)


def section(reader: Reader, key: str) -> Section:
    return build_section(BY_KEY[key], Context(reader, Player(ALPHA, "Alpha One", (BRAVO,))))


def tiles(sec: Section) -> dict[str, tuple[str, str]]:
    """label -> (value as the page writes it, note)."""
    found = {}
    for block in sec.blocks:
        if isinstance(block, Tiles):
            found |= {t.label: (format_value(t.value, t.fmt), t.note) for t in block.tiles}
    return found


def first(sec: Section, kind: type) -> object:
    return next(b for b in sec.blocks if isinstance(b, kind))


def test_overview_figures_and_the_new_marts_tiles(reader: Reader) -> None:
    sec = section(reader, "overview")
    assert sec.unavailable is None
    shown = tiles(sec)
    # 4 matches of 600 s; 34 kills / 23 deaths; 3 wins of 4; 170 hits of 400 shots.
    assert shown["matches"][0] == "4"
    assert shown["hours played"][0] == "0.7"
    assert shown["K/D"] == ("1.48", "34 kills · 23 deaths")
    assert shown["win rate"] == ("75.0%", "3 wins")
    assert shown["accuracy"][0] == "42.5%"
    assert shown["last match"][0] == "2025-01-08 21:00"
    assert shown["current streak"] == ("2 wins", "since 2025-01-06 20:30")
    # Arena's latest CSR is 1190 (m4); Doubles is in placement, without a CSR yet.
    assert shown["CSR · Ranked Arena"] == ("1,190", "Platinum 6")
    assert shown["CSR · Ranked Doubles"] == ("—", "placement · 4 matches to go")


def test_csr_history_takes_each_days_last_value_and_the_bands_it_crosses(reader: Reader) -> None:
    chart = first(section(reader, "csr"), Chart)
    points = [(r["day"][:10], r["playlist"], r["csr"], r["matches"]) for r in chart.values if r["kind"] == "csr"]
    assert points == [("2025-01-06", "Ranked Arena", 1210, 2), ("2025-01-08", "Ranked Arena", 1190, 1)]
    # 1190..1210 with 50 around it: Platinum up to 1200, Diamond from there.
    assert [(b["tier"], b["low"], b["high"]) for b in chart.values if b["kind"] == "band"] == [
        ("Platinum", 1140, 1200), ("Diamond", 1200, 1260)]


def test_streaks(reader: Reader) -> None:
    sec = section(reader, "streaks")
    assert tiles(sec) == {"current streak": ("2 wins", "since 2025-01-06 20:30"),
                          "longest win streak": ("2", "2 win streaks"),
                          "longest loss streak": ("2", "2 loss streaks")}
    chart = first(sec, Chart)
    assert [(r["n"], r["streak_kind"], r["length"]) for r in chart.values] == [
        (1, "loss", 2), (2, "win", 1), (3, "loss", 1), (4, "win", 2)]


def test_sessions_with_their_mvps_ties_listed(reader: Reader) -> None:
    table = first(section(reader, "sessions"), Table)
    assert [(r["session_id"], r["match_count"], r["mvp"]) for r in table.rows] == [
        ("s2", 1, "Alpha One, Bravo Two"), ("s1", 3, "Bravo Two")]
    assert format_value(table.rows[1]["duration_seconds"], Fmt.DURATION) == "45m"
    assert format_value(7500.0, Fmt.DURATION) == "2h 05m"


def test_citations_gains_first_and_the_top_level(reader: Reader) -> None:
    sec = section(reader, "citations")
    assert tiles(sec) == {"citations started": ("3", "of 4"), "levels reached": ("3", ""),
                          "last session": ("+8", "across 2 citations")}
    table = first(sec, Table)
    assert [(r["citation"], r["next"], r["progress_pct"], r["gain"]) for r in table.rows] == [
        ("Headshot Kills", "100", 80.0, "+5"), ("Perfection", "50", 7.5, "+3"),
        ("Killjoy", "10", 0.0, ""), ("Flag Captures", "top level", 100.0, "")]


def test_friends_impact_board_and_the_last_sessions_mvp(reader: Reader) -> None:
    sec = section(reader, "impact")
    assert tiles(sec) == {"MVP of the last session": ("Alpha One, Bravo Two", ""), "weak link": ("—", "")}
    cells = sorted((r["person"], r["match"][-4:].strip(" ·"), r["impact_points"]) for r in first(sec, Chart).values)
    assert cells == [("Alpha One", "m1", 1), ("Alpha One", "m2", -1), ("Alpha One", "m4", 3),
                     ("Bravo Two", "m1", 2), ("Bravo Two", "m2", 1)]


def test_against_expectation(reader: Reader) -> None:
    shown = tiles(section(reader, "expectation"))
    assert shown["outperformed"] == ("50.0%", "2 of 4 matches")
    assert shown["met"][0] == shown["underperformed"][0] == "25.0%"
    assert shown["kills − expected, mean"][0] == "+0.5"  # (3 − 4 + 1 + 2) / 4
    assert shown["deaths − expected, mean"][0] == "−0.2"  # (−2 + 2 + 0 − 1) / 4 = −0.25
    assert shown["usually played like"] == ("Diamond", "3 of 4 matches")


def test_maps_and_modes(reader: Reader) -> None:
    sec = section(reader, "maps-modes")
    charts = [b for b in sec.blocks if isinstance(b, Chart)]
    # Each row once, on the side it is nearer the top of; the only mode is both best and worst.
    assert [[(r["label"], r["rank_kind"], r["wilson_lower"], r["wilson_upper"]) for r in c.values] for c in charts] == [
        [("Aquarius", "best", 0.4677, 0.9111), ("Streets", "worst", 0.1078, 0.6032)],
        [("Slayer", "best", 0.3866, 0.7812)]]


def test_teammates_win_rates_with_and_without(reader: Reader) -> None:
    mates, foes = [b for b in section(reader, "teammates").blocks if isinstance(b, Table)]
    # With Bravo: 2 wins of 3; without: Alpha's 3 wins − 2 over 4 − 3 matches = 1 of 1.
    assert [(r["person"], r["matches_together"], round(r["win_rate_with"], 4), r["win_rate_without"])
            for r in mates.rows] == [("Bravo Two", 3, 0.6667, 1.0)]
    assert [(r["person"], r["matches_against"], r["win_rate_against"]) for r in foes.rows] == [
        ("Charlie Three", 2, 1.0)]


def test_trends_per_day(reader: Reader) -> None:
    kd, accuracy = [b for b in section(reader, "trends").blocks if isinstance(b, Chart)]
    assert [(r["bucket"][:10], r["matches"], round(r["kd_ratio"], 4)) for r in kd.values] == [
        ("2025-01-06", 3, round(26 / 19, 4)), ("2025-01-08", 1, 2.0)]
    assert [round(r["accuracy"], 2) for r in accuracy.values] == [43.33, 40.0]


@pytest.mark.parametrize(("zone", "expected"), [
    ("UTC", {("Mon", 20): (3, 0.6667), ("Wed", 21): (1, None)}),
    # Paris is UTC+1 in January: the same matches an hour later.
    ("Europe/Paris", {("Mon", 21): (3, 0.6667), ("Wed", 22): (1, None)}),
])
def test_weekday_hour_in_the_reports_zone_with_thin_cells_masked(small: Path, zone: str, expected: dict) -> None:
    for reader in reader_for(small, zone):
        cells = first(section(reader, "weekday-hour"), Chart).values
        assert {(c["weekday"], c["hour"]): (c["matches"], c["win_rate"] and round(c["win_rate"], 4))
                for c in cells} == expected


@pytest.mark.parametrize(("key", "missing"), [
    ("performance", "main.fct_performance_scores"), ("nemesis", "main.fct_player_antagonists"),
    ("kill-matrix", "main.fct_killer_victim_pairs"), ("medals", "main.fct_medals"),
])
def test_a_missing_mart_is_named_not_failed(reader: Reader, key: str, missing: str) -> None:
    sec = section(reader, key)
    assert sec.blocks == []
    assert sec.unavailable.startswith(f"{missing} is not in this warehouse")


def test_a_mart_of_another_version_is_unavailable_with_the_column_it_lacks(tmp_path: Path) -> None:
    db = build_small_warehouse(tmp_path / "older.duckdb")
    con = duckdb.connect(str(db))
    con.execute("alter table main.fct_player_citations rename column last_session_gain to gain_since_last")
    con.close()
    for reader in reader_for(db):
        sec = section(reader, "citations")
    assert sec.unavailable is not None and "last_session_gain" in sec.unavailable


def test_the_whole_report_from_the_small_warehouse(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "r" / "report.html"
    result = build_report(ReportRequest(small, out, (), "UTC"))
    html = out.read_text(encoding="utf-8")
    assert result.players == 1 and result.sections == len(SECTIONS)
    unavailable = re.findall(r'data-section="([a-z-]+)">\s*<h3>[^<]*</h3>\s*<p class="not-available">', html)
    assert sorted(unavailable) == ["completeness", "kill-matrix", "medals", "nemesis", "performance"]
    assert result.unavailable == 5
    assert "Alpha One, Bravo Two" in html and "Charlie Three" in html
    assert html.count('class="chart"') == result.charts


def test_every_relation_a_section_reads_is_schema_qualified() -> None:
    # The exposure test compares these with dbt; a bare name would escape that comparison.
    read = relations_read()
    assert {"main.fct_match_players", "main.fct_player_citations", "reference.citation_definitions",
            "main.fct_match_completeness"} <= read
    for module in SECTIONS:
        for name in re.findall(r"\b(?:from|join)\s+([a-z_][a-z0-9_.]*)", " ".join(
                q.sql for q in queries_of(module))):
            assert "." in name or name in {"pairs", "crew", "opponents", "members", "scored", "marked", "ranked",
                                           "recent", "last_session", "mine", "people", "last"}, (module.KEY, name)


def test_names_from_the_warehouse_cannot_inject_markup(tmp_path: Path) -> None:
    db = build_small_warehouse(tmp_path / "names.duckdb")
    con = duckdb.connect(str(db))
    con.execute("update main.dim_players set gamertag = '<img src=x onerror=alert(1)>' where xuid <> ?", [ALPHA])
    con.execute("update main.dim_players set gamertag = 'Alpha</script><b>' where xuid = ?", [ALPHA])
    con.close()
    out = tmp_path / "names.html"
    build_report(ReportRequest(db, out))
    html = out.read_text(encoding="utf-8")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html  # tables, tiles
    assert "<h2>Alpha&lt;/script&gt;&lt;b&gt;</h2>" in html
    assert html.count("</script>") == html.count("<script") == 3  # the JSON escapes its "<"
    assert "Alpha\\u003c/script>\\u003cb>" in html  # the impact board's rows
