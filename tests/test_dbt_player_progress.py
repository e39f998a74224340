"""The progress marts on the demo warehouse: citations, the friends' impact board and streaks,
checked against values this file works out itself in plain Python (docs/domain/player_progress.md):
citations and streaks from the raw stats payloads (landing.match_stats) and the seed CSV, the
impact board from the decoded film kills and deaths (fct_film_events and fct_killer_victim_pairs,
checked against the films by test_dbt_film.py) with the outcomes of the raw payloads. Never by
re-running the marts' SQL.

One module-scoped warehouse: the demo career ingested through the fake API, friends declared,
one `dbt build`. The tests then run in file order: values, completeness, what `halo status` and
the demo print, a second build writing nothing, seed edits on a copy of the dbt project (a row
added, its levels changed, what it counts changed, the row removed: each rewrites that citation
only, then incremental equals a full refresh), and untracking a player.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from fake_halo import DEFAULT_TOKEN, Career, CareerSpec, FakeHaloApi, running
from ingest.cli.status_cmd import print_status
from ingest.store.progress import progress_counts, progress_lines
from ingest.store.tracking import find_tracked, untrack, update_friends
from ingest.store.warehouse import connect, open_warehouse
from ingest.vocabulary import xuid_of_player_id

try:  # tests/ on sys.path (no tests/__init__.py)
    from support.dbt_harness import DbtRun, query, run_dbt
    from support.ingest_harness import ingest_once
except ModuleNotFoundError:  # tests/ is a package: the project root is on sys.path
    from tests.support.dbt_harness import DbtRun, query, run_dbt
    from tests.support.ingest_harness import ingest_once

pytestmark = pytest.mark.dbt

ROOT = Path(__file__).resolve().parents[1]
MAIN, NIMBUS, QUILL = "2533274900000042", "2533274911112233", "2535400000004821"
FRIENDS = {MAIN: {NIMBUS, QUILL}, NIMBUS: {MAIN}, QUILL: {MAIN}}
# The progress marts, with the columns that identify a row (the evaluations are not a mart).
TABLES = {
    "intermediate.prep_player_citation_evaluations": ("player_xuid", "match_id", "citation_id"),
    "main.fct_match_citations": ("player_xuid", "match_id", "citation_id"),
    "main.fct_player_citations": ("player_xuid", "citation_id"),
    "main.fct_match_friend_impact": ("player_xuid", "match_id", "xuid"),
    "main.fct_session_friend_impact": ("session_id", "xuid"),
    "main.fct_player_streaks": ("player_xuid", "first_match_id"),
    "main.fct_player_streak_summary": ("player_xuid", "scope", "playlist_asset_id", "streak_kind"),
}
PROGRESS_UNIT_TESTS = (
    "prep_player_citation_evaluations_values_by_kind",
    "prep_player_citation_evaluations_only_what_changed",
    "fct_player_citations_levels_and_last_session",
    "fct_match_friend_impact_moments_and_ties",
    "fct_session_friend_impact_mvp_and_weak_link_ties",
    "fct_player_streaks_boundaries",
    "fct_player_streaks_late_match_splits_a_streak",
    "fct_player_streak_summary_overall_and_playlists",
)
# The completeness view and everything above it (every player mart), and only the player tests
# and the completeness test.
SELECT = [
    "--select",
    "+fct_match_completeness,resource_type:model", "+fct_match_completeness,resource_type:seed",
    "path:models/player", "path:tests/dbt/assert_player_*", "assert_every_gap_explained",
    "--indirect-selection", "empty",
]
# Later builds: the same models and seeds, no tests (the first build ran them; what a build
# writes does not depend on its tests).
MODELS_ONLY = [
    "--select",
    "+fct_match_completeness,resource_type:model", "+fct_match_completeness,resource_type:seed",
    "path:models/player",
    "--exclude-resource-type", "test", "unit_test",
]
PROGRESS_MODELS = [table.split(".")[1] for table in TABLES]
# The citation models alone (a seed edit reaches nothing else) and their two tests.
CITATIONS = [
    "--select",
    "citation_definitions", "citation_definitions+,resource_type:model",
    "path:tests/dbt/assert_player_citation*",
    "--indirect-selection", "empty", "--exclude-resource-type", "unit_test",
]
# A stat citation's column -> where the payload keeps it (PlayerTeamStats[].Stats.<block>.<key>).
STAT_PATHS = {
    "kills": ("CoreStats", "Kills"), "assists": ("CoreStats", "Assists"),
    "headshot_kills": ("CoreStats", "HeadshotKills"), "melee_kills": ("CoreStats", "MeleeKills"),
    "grenade_kills": ("CoreStats", "GrenadeKills"),
    "power_weapon_kills": ("CoreStats", "PowerWeaponKills"),
    "damage_dealt": ("CoreStats", "DamageDealt"), "shots_hit": ("CoreStats", "ShotsHit"),
    "callout_assists": ("CoreStats", "CalloutAssists"), "emp_assists": ("CoreStats", "EmpAssists"),
    "driver_assists": ("CoreStats", "DriverAssists"),
    "vehicle_destroys": ("CoreStats", "VehicleDestroys"), "hijacks": ("CoreStats", "Hijacks"),
    "rounds_won": ("CoreStats", "RoundsWon"),
    "ctf_flag_grabs": ("CaptureTheFlagStats", "FlagGrabs"),
    "oddball_skull_grabs": ("OddballStats", "SkullGrabs"),
    "zones_stronghold_captures": ("ZonesStats", "StrongholdCaptures"),
    "elimination_eliminations": ("EliminationStats", "Eliminations"),
    "elimination_allies_revived": ("EliminationStats", "AlliesRevived"),
    "infection_spartans_infected": ("InfectionStats", "SpartansInfected"),
    "infection_infected_killed": ("InfectionStats", "InfectedKilled"),
    "stockpile_power_seeds_deposited": ("StockpileStats", "PowerSeedsDeposited"),
    "extraction_successful_extractions": ("ExtractionStats", "SuccessfulExtractions"),
    "pve_kills": ("PveStats", "Kills"), "pve_grunt_kills": ("PveStats", "GruntKills"),
    "pve_elite_kills": ("PveStats", "EliteKills"), "pve_brute_kills": ("PveStats", "BruteKills"),
    "pve_boss_kills": ("PveStats", "BossKills"),
}


# -- the warehouse ---------------------------------------------------------------------------


@dataclass
class Warehouse:
    root: Path
    db: Path
    first: DbtRun
    builds: int = 1
    project: Path | None = None  # a copy of the dbt project, once a test edits its seed

    def build(self, *args: str) -> DbtRun:
        self.builds += 1
        run = run_dbt(self.root, self.db, "build", *args, target=f"target_{self.builds}",
                      project=self.project)
        bad = run.not_ok(any_warning=True)
        assert run.returncode == 0 and not bad, (bad, run.output[-3000:])
        return run

    def seed_rows(self) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self._seed_path().read_text())))

    def write_seed(self, rows: list[dict[str, str]]) -> None:
        if self.project is None:  # the checkout stays untouched: edit a copy of the project
            self.project = self.root / "project"
            for folder in ("models", "macros", "seeds", "tests/dbt", "docs"):
                shutil.copytree(ROOT / folder, self.project / folder)
            for name in ("dbt_project.yml", "profiles.yml"):
                shutil.copy(ROOT / name, self.project / name)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        self._seed_path().write_text(out.getvalue())

    def _seed_path(self) -> Path:
        return (self.project or ROOT) / "seeds" / "citation_definitions.csv"


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    root = tmp_path_factory.mktemp("dbt_progress")
    db = root / "halo.duckdb"
    api = FakeHaloApi(Career(CareerSpec.demo()), token=DEFAULT_TOKEN)
    with running(api) as server:
        outcome = ingest_once(server, db, [MAIN, NIMBUS, QUILL])
    assert outcome.code == 0, outcome.err[-2000:]
    con = open_warehouse(db)
    try:
        for xuid, friends in FRIENDS.items():
            update_friends(con, find_tracked(con, xuid), add=sorted(friends), remove=[], clear=True)
    finally:
        con.close()
    return Warehouse(root, db, run_dbt(root, db, "build", *SELECT, target="target_1"))


# -- independent expectations ----------------------------------------------------------------


@dataclass
class Played:
    """A tracked player's match, straight from the stats payload."""

    match_id: str
    start: datetime
    outcome: int
    playlist: str | None
    entries: list[dict[str, Any]]  # the player's PlayerTeamStats[].Stats
    outcomes: dict[str, int] = field(default_factory=dict)  # every human of the match


def career(db: Path) -> dict[str, list[Played]]:
    """Per tracked player, their matches sorted by (start, match_id)."""
    tracked = {r["xuid"] for r in query(db, "select xuid from landing.tracked_players")}
    out: dict[str, list[Played]] = defaultdict(list)
    for row in query(db, "select match_id, payload::varchar as payload from landing.match_stats"):
        payload = json.loads(row["payload"])
        info = payload["MatchInfo"]
        humans = {xuid_of_player_id(p["PlayerId"]): p for p in payload["Players"]
                  if xuid_of_player_id(p["PlayerId"])}
        for xuid, player in humans.items():
            if xuid in tracked:
                out[xuid].append(Played(
                    match_id=row["match_id"], start=datetime.fromisoformat(info["StartTime"]),
                    outcome=player["Outcome"], playlist=(info.get("Playlist") or {}).get("AssetId"),
                    entries=[e["Stats"] for e in player["PlayerTeamStats"]],
                    outcomes={x: p["Outcome"] for x, p in humans.items()},
                ))
    for rows in out.values():
        rows.sort(key=lambda p: (p.start, p.match_id))
    return out


def citation_value(played: Played, definition: dict[str, str]) -> int:
    kind = definition["kind"]
    if kind == "stat":
        block, key = STAT_PATHS[definition["stat_column"]]
        return sum((stats.get(block) or {}).get(key) or 0 for stats in played.entries)
    name_id = int(definition["medal_name_id"] if kind == "medal" else definition["personal_score_name_id"])
    awards = "Medals" if kind == "medal" else "PersonalScores"
    return sum(a["Count"] for stats in played.entries for a in stats["CoreStats"].get(awards) or []
               if a["NameId"] == name_id)


def expected_match_citations(db: Path, definitions: list[dict[str, str]]) -> dict[tuple, int]:
    return {
        (player, p.match_id, d["citation_id"]): value
        for player, rows in career(db).items() for p in rows for d in definitions
        if (value := citation_value(p, d)) > 0
    }


def latest_sessions(db: Path) -> dict[str, set[str]]:
    """Per player, the match ids of the session holding their latest match."""
    rows = query(db, "select player_xuid, match_id, session_id from main.fct_player_match_sessions "
                     "order by start_time, match_id")
    last = {r["player_xuid"]: r["session_id"] for r in rows}
    return {p: {r["match_id"] for r in rows if r["session_id"] == sid} for p, sid in last.items()}


def expected_progress(db: Path, definitions: list[dict[str, str]]) -> dict[tuple, dict[str, Any]]:
    values = expected_match_citations(db, definitions)
    latest = latest_sessions(db)
    out = {}
    for player in career(db):
        for d in definitions:
            mine = {m: v for (p, m, c), v in values.items() if p == player and c == d["citation_id"]}
            total = sum(mine.values())
            targets = [int(t) for t in d["levels"].split("|")]
            above = [t for t in targets if t > total]
            out[(player, d["citation_id"])] = {
                "total": total, "level": sum(t <= total for t in targets),
                "level_count": len(targets), "next_target": above[0] if above else None,
                "progress_pct": round(100 * total / above[0], 1) if above else 100.0,
                "match_count": len(mine),
                "last_session_gain": sum(v for m, v in mine.items() if m in latest[player]),
            }
    return out


def filmed_matches(db: Path) -> set[str]:
    return {r["match_id"] for r in query(db, "select match_id from landing.film_chunks")}


def expected_impact(db: Path) -> dict[tuple, tuple[bool, bool, bool, int]]:
    """(player, match, xuid) -> (first_blood, clutch_finisher, last_casualty, points)."""
    kills: dict[str, list[tuple]] = defaultdict(list)
    for r in query(db, "select match_id, time_ms, kill_seq, killer_xuid, is_suicide, is_team_kill "
                       "from main.fct_killer_victim_pairs"):
        if not r["is_suicide"] and r["is_team_kill"] is not True:
            kills[r["match_id"]].append((r["time_ms"], r["kill_seq"], r["killer_xuid"]))
    deaths: dict[str, list[tuple]] = defaultdict(list)
    for r in query(db, "select match_id, time_ms, event_seq, xuid from main.fct_film_events "
                       "where event_type = 'death' and time_ms is not null"):
        deaths[r["match_id"]].append((r["time_ms"], r["event_seq"], r["xuid"]))
    films = filmed_matches(db)
    out = {}
    for player, rows in career(db).items():
        for p in rows:
            if p.match_id not in films:
                continue
            ordered_kills, ordered_deaths = sorted(kills[p.match_id]), sorted(deaths[p.match_id])
            for xuid in {player} | (FRIENDS[player] & set(p.outcomes)):
                first = bool(ordered_kills) and ordered_kills[0][2] == xuid
                clutch = bool(ordered_kills) and ordered_kills[-1][2] == xuid and p.outcomes[xuid] == 2
                last = bool(ordered_deaths) and ordered_deaths[-1][2] == xuid and p.outcomes[xuid] == 3
                out[(player, p.match_id, xuid)] = (first, clutch, last, first + 2 * clutch - last)
    return out


def expected_streaks(rows: list[Played]) -> list[tuple[str, str, str, int, bool]]:
    """(kind, first_match_id, last_match_id, length, is_current), in order."""
    streaks: list[list] = []
    previous = None
    for p in rows:
        kind = {2: "win", 3: "loss"}.get(p.outcome)
        if kind is not None and kind == previous:
            streaks[-1][2], streaks[-1][3] = p.match_id, streaks[-1][3] + 1
        elif kind is not None:
            streaks.append([kind, p.match_id, p.match_id, 1, False])
        previous = kind
    if streaks and rows and streaks[-1][2] == rows[-1].match_id:
        streaks[-1][4] = True
    return [tuple(s) for s in streaks]


def written(db: Path, run: DbtRun) -> dict[str, set[tuple]]:
    out = {}
    for table, keys in TABLES.items():
        rows = query(db, f"select {', '.join(keys)} from {table} where dbt_invocation_id = ?",
                     [run.invocation_id])
        out[table] = {tuple(r.values()) for r in rows}
    return out


# -- first build -------------------------------------------------------------------------------


def test_build_passes_with_the_progress_unit_tests(wh: Warehouse) -> None:
    bad = wh.first.not_ok(any_warning=True)
    assert wh.first.returncode == 0 and not bad, (bad, wh.first.output[-3000:])
    for name in PROGRESS_UNIT_TESTS:
        assert wh.first.status_of(name) == "pass", name
    for name in ("assert_player_citation_definitions_consistent", "assert_player_citations_evaluated",
                 "assert_player_friend_impact_complete", "assert_every_gap_explained"):
        assert wh.first.status_of(name) == "pass", name
    sets = query(wh.db, "select player_xuid, friends_mode, friend_xuids from main.fct_player_friend_sets")
    assert {r["player_xuid"]: (r["friends_mode"], set(r["friend_xuids"])) for r in sets} == {
        p: ("declared", f) for p, f in FRIENDS.items()}


def test_default_citations_name_real_medals_awards_and_stats(wh: Warehouse) -> None:
    definitions = wh.seed_rows()
    assert len(definitions) >= 48 and len({d["citation_id"] for d in definitions}) == len(definitions)
    metadata = json.loads((ROOT / "fake_halo/data/responses/get_medal_metadata.json").read_text())
    medals = {m["nameId"]: m["name"]["value"] for m in metadata["medals"]}
    awards = {int(r["personal_score_name_id"]) for r in csv.DictReader(
        (ROOT / "seeds/personal_score_names.csv").open())}
    kinds = defaultdict(int)
    for d in definitions:
        kinds[d["kind"]] += 1
        fields = {k: d[k] for k in ("medal_name_id", "personal_score_name_id", "stat_column") if d[k]}
        if d["kind"] == "medal":
            assert list(fields) == ["medal_name_id"] and medals[int(d["medal_name_id"])] == d["display_name"]
        elif d["kind"] == "award":
            assert list(fields) == ["personal_score_name_id"]
            assert int(d["personal_score_name_id"]) in awards
        else:
            assert list(fields) == ["stat_column"] and d["stat_column"] in STAT_PATHS
        targets = [int(t) for t in d["levels"].split("|")]
        assert targets[0] > 0 and targets == sorted(set(targets)), d["citation_id"]
    assert min(kinds.values()) >= 10  # every kind is well represented


def test_match_citations_from_the_raw_payloads(wh: Warehouse) -> None:
    definitions = wh.seed_rows()
    want = expected_match_citations(wh.db, definitions)
    got = {(r["player_xuid"], r["match_id"], r["citation_id"]): r["value"]
           for r in query(wh.db, "select * from main.fct_match_citations")}
    assert got == want
    assert len(want) > 1000 and len({c for _, _, c in want}) > 30
    # Every player x match x citation evaluated, zeros included.
    evaluations = query(wh.db, "select count(*) as n, count(*) filter (where value = 0) as zeros "
                               "from intermediate.prep_player_citation_evaluations")[0]
    matches = sum(len(rows) for rows in career(wh.db).values())
    assert matches == 60 + 32 + 27
    assert evaluations["n"] == matches * len(definitions)
    assert evaluations["zeros"] == evaluations["n"] - len(want)


def test_player_citations_progress_and_last_session(wh: Warehouse) -> None:
    want = expected_progress(wh.db, wh.seed_rows())
    got = {(r["player_xuid"], r["citation_id"]): r
           for r in query(wh.db, "select * from main.fct_player_citations")}
    assert set(got) == set(want)
    for key, expected in want.items():
        row = got[key]
        for column, value in expected.items():
            if column == "progress_pct":
                assert row[column] == pytest.approx(value, abs=0.05 + 1e-9), key
            else:
                assert row[column] == value, (key, column)
    assert any(e["level"] > 0 for e in want.values()) and any(e["last_session_gain"] for e in want.values())


def test_friend_impact_from_the_film_kills_and_deaths(wh: Warehouse) -> None:
    assert query(wh.db, "select count(*) as n from main.fct_film_decodes where not is_decoded") == [{"n": 0}]
    want = expected_impact(wh.db)
    got = {(r["player_xuid"], r["match_id"], r["xuid"]): (
               r["first_blood"], r["clutch_finisher"], r["last_casualty"], r["impact_points"])
           for r in query(wh.db, "select * from main.fct_match_friend_impact")}
    assert got == want
    assert len({(p, m) for p, m, _ in want}) == 21 + 13 + 11  # tracked matches with a film
    for flag in range(3):
        assert any(v[flag] for v in want.values())


def test_session_board_mvp_and_weak_link(wh: Warehouse) -> None:
    impact = expected_impact(wh.db)
    session_of = {(r["player_xuid"], r["match_id"]): r["session_id"] for r in query(
        wh.db, "select player_xuid, match_id, session_id from main.fct_player_match_sessions")}
    points: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (player, match_id, xuid), (_, _, _, p) in impact.items():
        points[session_of[(player, match_id)]][xuid] += p
    want = {}
    for sid, people in points.items():
        best, worst = max(people.values()), min(people.values())
        for xuid, total in people.items():
            want[(sid, xuid)] = (total, best > worst and total == best, best > worst and total == worst)
    got = {(r["session_id"], r["xuid"]): (r["impact_points"], r["is_mvp"], r["is_weak_link"])
           for r in query(wh.db, "select * from main.fct_session_friend_impact")}
    assert got == want
    assert any(v[1] for v in want.values()) and any(v[2] for v in want.values())


def test_streaks_from_the_raw_outcomes(wh: Warehouse) -> None:
    for player, rows in career(wh.db).items():
        got = query(wh.db, "select streak_kind, first_match_id, last_match_id, length, is_current "
                           "from main.fct_player_streaks where player_xuid = ? order by start_time",
                    [player])
        assert [tuple(r.values()) for r in got] == expected_streaks(rows), player


def test_streak_summary_overall_and_per_playlist(wh: Warehouse) -> None:
    checked = 0
    for player, rows in career(wh.db).items():
        scopes = {("overall", None): rows}
        for playlist in {p.playlist for p in rows if p.playlist}:
            scopes[("playlist", playlist)] = [p for p in rows if p.playlist == playlist]
        got = {(r["scope"], r["playlist_asset_id"], r["streak_kind"]): r for r in query(
            wh.db, "select * from main.fct_player_streak_summary where player_xuid = ?", [player])}
        assert len(got) == 2 * len(scopes)
        for (scope, playlist), members in scopes.items():
            streaks = expected_streaks(members)
            for kind in ("win", "loss"):
                mine = [s for s in streaks if s[0] == kind]
                longest = max(mine, key=lambda s: (s[3], [p.match_id for p in members].index(s[1])),
                              default=None)
                current = next((s for s in mine if s[4]), None)
                row = got[(scope, playlist, kind)]
                assert row["match_count"] == len(members)
                assert row["longest_length"] == (longest[3] if longest else 0)
                assert row["longest_first_match_id"] == (longest[1] if longest else None)
                assert row["current_length"] == (current[3] if current else 0)
                checked += 1
    assert checked >= 12


# -- what people see -----------------------------------------------------------------------------


def test_completeness_counts_citations_impact_and_streaks(wh: Warehouse) -> None:
    films = filmed_matches(wh.db)
    for player, rows in career(wh.db).items():
        got = {(r["data_type"], r["status"]): r["n"] for r in query(
            wh.db, "select data_type, status, count(*) as n from main.fct_match_completeness "
                   "where player_xuid = ? and data_type in ('citations', 'friend_impact', 'streak') "
                   "group by all", [player])}
        filmed = sum(p.match_id in films for p in rows)
        in_no_streak = sum(p.outcome not in (2, 3) for p in rows)
        want = {("citations", "complete"): len(rows), ("friend_impact", "complete"): filmed,
                ("friend_impact", "not_applicable"): len(rows) - filmed,
                ("streak", "complete"): len(rows) - in_no_streak,
                ("streak", "not_applicable"): in_no_streak}
        assert got == {k: v for k, v in want.items() if v}, player


def test_status_and_demo_lines(wh: Warehouse) -> None:
    definitions = wh.seed_rows()
    progress = expected_progress(wh.db, definitions)
    histories = career(wh.db)
    con = connect(wh.db, read_only=True)
    try:
        counts = {c.player_xuid: c for c in progress_counts(con)}
        lines = progress_lines(con, MAIN)
    finally:
        con.close()
    for player, rows in histories.items():
        streaks = expected_streaks(rows)
        current = next((s for s in streaks if s[4]), None)
        c = counts[player]
        assert (c.citations, c.citations_levelled, c.streaks) == (
            len(definitions), sum(v["level"] > 0 for (p, _), v in progress.items() if p == player),
            len(streaks))
        assert c.impact_matches == sum(p.match_id in filmed_matches(wh.db) for p in rows)
        assert c.current_streak == (f"{'W' if current[0] == 'win' else 'L'}{current[3]}" if current else "none")
    under_way = sorted((-v["progress_pct"], -v["total"], c) for (p, c), v in progress.items()
                       if p == MAIN and v["next_target"] is not None and v["total"] > 0)
    top = next(d for d in definitions if d["citation_id"] == under_way[0][2])
    assert lines[0].startswith(f"top citation: {top['display_name']} level ")
    assert lines[1].startswith("last session's MVP: ")
    assert lines[2].startswith("current streak: ")
    out = io.StringIO()
    print_status(Console(file=out, width=200), wh.db, [])
    assert "→ citations evaluated" in out.getvalue() and "matches with impact" in out.getvalue()


# -- later builds ------------------------------------------------------------------------------


def test_second_build_writes_nothing(wh: Warehouse) -> None:
    run = wh.build(*MODELS_ONLY)
    assert written(wh.db, run) == {table: set() for table in TABLES}


def test_a_new_seed_row_backfills_its_citation_only(wh: Warehouse) -> None:
    """A snipe citation added to the seed: one build evaluates it over every match, no other
    citation's rows and no other mart is rewritten; the build after writes nothing."""
    rows = wh.seed_rows()
    added = {"citation_id": "my_snipes", "display_name": "Snipes", "category": "weapon",
             "kind": "medal", "medal_name_id": "4229934157", "personal_score_name_id": "",
             "stat_column": "", "levels": "1|5|20"}
    wh.write_seed([*rows, added])
    run = wh.build(*MODELS_ONLY)
    got = written(wh.db, run)
    player_matches = {(player, p.match_id) for player, ps in career(wh.db).items() for p in ps}
    assert got["intermediate.prep_player_citation_evaluations"] == {
        (p, m, "my_snipes") for p, m in player_matches}
    snipes = {k: v for k, v in expected_match_citations(wh.db, [added]).items()}
    assert snipes and got["main.fct_match_citations"] == set(snipes)
    assert got["main.fct_player_citations"] == {(p, "my_snipes") for p in FRIENDS}
    for table in TABLES:
        if "citation" not in table:
            assert got[table] == set(), table
    again = wh.build(*CITATIONS)
    assert written(wh.db, again) == {table: set() for table in TABLES}


def test_new_levels_rewrite_only_that_citations_progress(wh: Warehouse) -> None:
    rows = [dict(r, levels="2|4|8") if r["citation_id"] == "my_snipes" else r for r in wh.seed_rows()]
    wh.write_seed(rows)
    run = wh.build(*CITATIONS)
    got = written(wh.db, run)
    assert got["intermediate.prep_player_citation_evaluations"] == set()
    assert got["main.fct_match_citations"] == set()
    assert got["main.fct_player_citations"] == {(p, "my_snipes") for p in FRIENDS}
    want = expected_progress(wh.db, [r for r in rows if r["citation_id"] == "my_snipes"])
    for (player, _), expected in want.items():
        row = query(wh.db, "select level, next_target from main.fct_player_citations "
                           "where player_xuid = ? and citation_id = 'my_snipes'", [player])[0]
        assert (row["level"], row["next_target"]) == (expected["level"], expected["next_target"])


def test_counting_something_else_reevaluates_only_that_citation(wh: Warehouse) -> None:
    changed = {"kind": "stat", "medal_name_id": "", "stat_column": "headshot_kills"}
    rows = [dict(r, **changed) if r["citation_id"] == "my_snipes" else r for r in wh.seed_rows()]
    wh.write_seed(rows)
    run = wh.build(*CITATIONS)
    got = written(wh.db, run)
    player_matches = {(player, p.match_id) for player, ps in career(wh.db).items() for p in ps}
    assert got["intermediate.prep_player_citation_evaluations"] == {
        (p, m, "my_snipes") for p, m in player_matches}
    definition = next(r for r in rows if r["citation_id"] == "my_snipes")
    headshots = expected_match_citations(wh.db, [definition])
    assert got["main.fct_match_citations"] == set(headshots)
    stored = {(r["player_xuid"], r["match_id"], r["citation_id"]): r["value"] for r in query(
        wh.db, "select * from main.fct_match_citations where citation_id = 'my_snipes'")}
    assert stored == headshots  # no snipe count left behind


def test_removing_the_row_deletes_its_rows_and_equals_a_full_refresh(wh: Warehouse) -> None:
    wh.write_seed([r for r in wh.seed_rows() if r["citation_id"] != "my_snipes"])
    wh.build(*CITATIONS)
    for table in TABLES:
        if "citation" in table:
            left = query(wh.db, f"select count(*) as n from {table} where citation_id = 'my_snipes'")
            assert left == [{"n": 0}], table
    incremental = {t: snapshot(wh.db, t) for t in TABLES}
    copy = wh.root / "full.duckdb"
    shutil.copy(wh.db, copy)
    wal = wh.db.with_name(wh.db.name + ".wal")
    if wal.exists():
        shutil.copy(wal, copy.with_name(copy.name + ".wal"))
    full = run_dbt(wh.root, copy, "run", "--full-refresh", "--select", *PROGRESS_MODELS,
                   target="target_full", project=wh.project)
    assert full.returncode == 0, full.output[-3000:]
    for table in TABLES:
        assert snapshot(copy, table) == incremental[table], table


def test_untracking_a_player_removes_their_progress_rows(wh: Warehouse) -> None:
    con = open_warehouse(wh.db)
    try:
        untrack(con, find_tracked(con, QUILL))
    finally:
        con.close()
    run = wh.build(*MODELS_ONLY)
    for table in TABLES:
        players = {r["player_xuid"] for r in query(wh.db, f"select distinct player_xuid from {table}")}
        assert players == {MAIN, NIMBUS}, table
    # Nobody else's inputs changed: nothing rewritten.
    assert written(wh.db, run) == {table: set() for table in TABLES}


def snapshot(db: Path, table: str) -> list[str]:
    rows = query(db, f"select * exclude (dbt_invocation_id) from {table}")
    return sorted(repr(sorted(r.items())) for r in rows)
