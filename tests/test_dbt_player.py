"""The player marts on the demo warehouse: fct_player_match_sessions, fct_sessions and
fct_performance_scores checked against values this file works out itself, in plain Python, from
the raw payloads in landing.* (never read back from the models or from analytics/).

One module-scoped warehouse: the demo career ingested through the fake API, friends declared the
way a user would (gamertags in any case, xuids, one typo), one `dbt build`. The tests then run in
file order: values, the idempotent second build, a friend edit, untracking a player.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fake_halo import DEFAULT_TOKEN, Career, CareerSpec, FakeHaloApi, running
from ingest.store.tracking import find_tracked, untrack, update_friends
from ingest.store.warehouse import open_warehouse

try:  # tests/ on sys.path (no tests/__init__.py)
    from support.dbt_harness import DbtRun, query, run_dbt
    from support.ingest_harness import ingest_once
except ModuleNotFoundError:  # tests/ is a package: the project root is on sys.path
    from tests.support.dbt_harness import DbtRun, query, run_dbt
    from tests.support.ingest_harness import ingest_once

pytestmark = pytest.mark.dbt

MAIN, NIMBUS, QUILL = "2533274900000042", "2533274911112233", "2535400000004821"
TRACKED = (MAIN, NIMBUS, QUILL)
# As a user would type them: Quill's current gamertag in another case, a xuid, a typo.
DECLARED = {
    MAIN: ["nimbus crow", QUILL],
    NIMBUS: [MAIN],
    QUILL: ["DEMO SPARTAN", "NoSuchSpartan"],
}
RESOLVED = {MAIN: {NIMBUS, QUILL}, NIMBUS: {MAIN}, QUILL: {MAIN}}
GAP = timedelta(minutes=120)
WEIGHTS = {"kpm": 0.22, "dpm_deaths": 0.18, "kda": 0.15, "pspm": 0.12, "apm": 0.10,
           "dpm_damage": 0.10, "accuracy": 0.08, "rank_perf": 0.05}
PLAYER_UNIT_TESTS = ("fct_sessions_aggregates", "prep_player_declared_friends_resolution",
                     "prep_player_match_inputs_teammates_and_minutes_basis")
# The player marts with everything upstream, but only the player tests: the upstream models'
# own tests belong to test_dbt_models.py (and halve the build time).
SELECT = [
    "--select",
    "+path:models/player,resource_type:model", "+path:models/player,resource_type:seed",
    "path:models/player", "path:tests/dbt/assert_player_*",
    "--indirect-selection", "empty",
]


# -- the warehouse ---------------------------------------------------------------------------


@dataclass
class Warehouse:
    root: Path
    db: Path
    first: DbtRun
    builds: int = 1

    def build(self) -> DbtRun:
        self.builds += 1
        return dbt_build(self.root, self.db, self.builds)


def dbt_build(root: Path, db: Path, n: int) -> DbtRun:
    return run_dbt(root, db, "build", *SELECT, target=f"target_{n}")


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    root = tmp_path_factory.mktemp("dbt_player")
    db = root / "halo.duckdb"
    api = FakeHaloApi(Career(CareerSpec.demo()), token=DEFAULT_TOKEN)
    with running(api) as server:
        outcome = ingest_once(server, db, list(TRACKED))
    assert outcome.code == 0, outcome.err[-2000:]
    con = open_warehouse(db)
    try:
        for xuid, friends in DECLARED.items():
            update_friends(con, find_tracked(con, xuid), add=friends, remove=[], clear=True)
    finally:
        con.close()
    return Warehouse(root, db, dbt_build(root, db, 1))


# -- independent expectations from the raw payloads -------------------------------------------

_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$", re.I)


def seconds(text: str | None) -> float | None:
    if not text:
        return None
    days, hours, minutes, secs = _DURATION.match(text).groups()
    return (float(days or 0) * 86400 + float(hours or 0) * 3600 + float(minutes or 0) * 60
            + float(secs or 0))


def xuid_of(player_id: str) -> str | None:
    found = re.fullmatch(r"xuid\((\d{16})\)", player_id)
    return found.group(1) if found else None


@dataclass
class Played:
    """One tracked player's match, straight from the stats and skill payloads."""

    match_id: str
    start: datetime
    end: datetime
    teammates: frozenset[str]
    outcome: int
    kills: int
    deaths: int
    assists: int
    shots_fired: int
    shots_hit: int
    personal_score: int
    damage: int
    rank: int
    minutes_basis: float
    team_mmr: float | None
    enemy_mmr: float | None


def career(db: Path) -> dict[str, list[Played]]:
    """Per tracked player, their matches sorted by (start, match_id)."""
    stats = {r["match_id"]: json.loads(r["payload"]) for r in query(
        db, "select match_id, payload::varchar as payload from landing.match_stats")}
    skill = {r["match_id"]: json.loads(r["payload"]) for r in query(
        db, "select match_id, payload::varchar as payload from landing.match_skill")}
    tracked = {r["xuid"] for r in query(db, "select xuid from landing.tracked_players")}
    out: dict[str, list[Played]] = defaultdict(list)
    for match_id, payload in stats.items():
        info = payload["MatchInfo"]
        start = datetime.fromisoformat(info["StartTime"])
        end = (datetime.fromisoformat(info["EndTime"]) if info.get("EndTime")
               else start + timedelta(seconds=seconds(info["Duration"])))
        humans = [(xuid_of(p["PlayerId"]), p) for p in payload["Players"]]
        for xuid, player in humans:
            if xuid not in tracked:
                continue
            core = [e["Stats"]["CoreStats"] for e in player["PlayerTeamStats"]]

            def total(key: str, core: list[dict] = core) -> int:
                return sum(c[key] for c in core)

            played = seconds(player["ParticipationInfo"].get("TimePlayed"))
            team_mmr, enemy_mmr = mmr(skill.get(match_id), xuid, player["LastTeamId"])
            out[xuid].append(Played(
                match_id=match_id, start=start, end=end,
                teammates=frozenset(x for x, p in humans if x and x != xuid
                                    and p["LastTeamId"] == player["LastTeamId"]),
                outcome=player["Outcome"], kills=total("Kills"), deaths=total("Deaths"),
                assists=total("Assists"), shots_fired=total("ShotsFired"),
                shots_hit=total("ShotsHit"), personal_score=total("PersonalScore"),
                damage=total("DamageDealt"), rank=player["Rank"],
                minutes_basis=played if played and played > 0 else seconds(info["Duration"]),
                team_mmr=team_mmr, enemy_mmr=enemy_mmr,
            ))
    for rows in out.values():
        rows.sort(key=lambda p: (p.start, p.match_id))
    return out


def mmr(payload: dict | None, xuid: str, stats_team: int) -> tuple[float | None, float | None]:
    """docs/domain/matches.md: my TeamMmr; the enemy = the first other key of TeamMmrs."""
    for entry in (payload or {}).get("Value") or []:
        if entry.get("Id") == f"xuid({xuid})" and entry.get("ResultCode") == 0:
            result = entry["Result"]
            team = result.get("TeamId", stats_team)
            others = [v for k, v in (result.get("TeamMmrs") or {}).items() if k != str(team)]
            return result.get("TeamMmr"), others[0] if others else None
    return None, None


def expected_sessions(player: str, rows: list[Played], friends: set[str]
                      ) -> list[tuple[str, str | None]]:
    """(session_id, break_reason) per row, by the rules of docs/domain/player.md in friends mode."""
    out: list[tuple[str, str | None]] = []
    previous: Played | None = None
    previous_friends: set[str] = set()
    session = ""
    for row in rows:
        current = set(row.teammates) & friends
        if previous is None:
            reason: str | None = "first"
        elif row.start - previous.start > GAP:
            reason = "gap"
        elif current - previous_friends:
            reason = "friends_joined"
        elif not current and previous_friends:
            reason = "went_solo"
        else:
            reason = None
        if reason:
            session = f"{player}:{row.match_id}"
        out.append((session, reason))
        previous, previous_friends = row, current
    return out


def metric_values(p: Played) -> dict[str, float | None]:
    minutes = p.minutes_basis / 60 if p.minutes_basis and p.minutes_basis > 0 else 10.0
    rank_perf = None
    if p.team_mmr is not None and p.enemy_mmr is not None:
        rank_perf = 4.5 - ((p.team_mmr - p.enemy_mmr) / 100) * 0.5 - p.rank
    return {
        "kpm": p.kills / minutes, "dpm_deaths": p.deaths / minutes,
        "kda": p.kills + p.assists / 3 - p.deaths, "pspm": p.personal_score / minutes,
        "apm": p.assists / minutes, "dpm_damage": p.damage / minutes,
        "accuracy": p.shots_hit * 100 / p.shots_fired if p.shots_fired else None,
        "rank_perf": rank_perf,
    }


def expected_scores(rows: list[Played], min_history: int = 10) -> dict[str, dict[str, Any]]:
    """Plain O(n²) v4-relative: percentile against strictly earlier matches, ties in favour."""
    out = {}
    for row in rows:
        history = [metric_values(h) for h in rows if h.start < row.start]
        mine = metric_values(row)
        pcts: dict[str, float | None] = dict.fromkeys(WEIGHTS)
        if len(history) >= min_history:
            for name in WEIGHTS:
                series = [h[name] for h in history if h[name] is not None]
                v = mine[name]
                if v is None or not series:
                    continue
                if len(series) == 1:
                    pcts[name] = 50.0
                elif name == "dpm_deaths":
                    pcts[name] = 100.0 * sum(s >= v for s in series) / len(series)
                else:
                    pcts[name] = 100.0 * sum(s <= v for s in series) / len(series)
        used = [n for n in WEIGHTS if pcts[n] is not None]
        score = (round(sum(WEIGHTS[n] * pcts[n] for n in used) / sum(WEIGHTS[n] for n in used), 1)
                 if used else None)
        out[row.match_id] = {"history_count": len(history), "performance_score": score,
                             **{f"pct_{n}": p for n, p in pcts.items()}}
    return out


def session_rows(db: Path, player: str) -> list[dict[str, Any]]:
    return query(db, "select * from main.fct_player_match_sessions where player_xuid = ? "
                     "order by start_time, match_id", [player])


def written_by(db: Path, table: str, invocation_id: str) -> int:
    return query(db, f"select count(*) as n from main.{table} where dbt_invocation_id = ?",
                 [invocation_id])[0]["n"]


# -- first build -------------------------------------------------------------------------------


def test_build_passes_with_the_player_unit_tests_and_a_friend_warning(wh: Warehouse) -> None:
    bad = wh.first.not_ok(any_warning=True)
    assert wh.first.returncode == 0 and not bad, (bad, wh.first.output[-3000:])
    for name in PLAYER_UNIT_TESTS:
        assert wh.first.status_of(name) == "pass"
    unresolved = wh.first.result_of("assert_player_friends_resolved")
    assert (unresolved["status"], unresolved["failures"]) == ("warn", 1)
    assert query(wh.db, "select player_xuid, friend_entry from intermediate.prep_player_declared_friends "
                        "where friend_xuid is null") == [
        {"player_xuid": QUILL, "friend_entry": "NoSuchSpartan"}]


def test_every_tracked_match_has_one_row_in_each_per_match_model(wh: Warehouse) -> None:
    expected = {(x, p.match_id) for x, rows in career(wh.db).items() for p in rows}
    assert len(expected) == 60 + 32 + 27
    for table in ("fct_player_match_sessions", "fct_performance_scores"):
        got = query(wh.db, f"select player_xuid, match_id from main.{table}")
        assert {(r["player_xuid"], r["match_id"]) for r in got} == expected
        assert len(got) == len(expected)


def test_sessions_follow_the_rules_from_the_raw_payloads(wh: Warehouse) -> None:
    for player, rows in career(wh.db).items():
        want = expected_sessions(player, rows, RESOLVED[player])
        got = session_rows(wh.db, player)
        assert [r["match_id"] for r in got] == [p.match_id for p in rows]
        assert [(r["session_id"], r["break_reason"]) for r in got] == want, player
        assert all(r["friends_mode"] == "declared" for r in got)
        assert all(set(r["friend_xuids"]) == RESOLVED[player] for r in got)
        assert [set(r["friends_present"]) for r in got] == [
            set(p.teammates) & RESOLVED[player] for p in rows]


def test_exactly_120_minutes_is_not_a_break_and_121_is(wh: Warehouse) -> None:
    rows = career(wh.db)[MAIN]
    gaps = {round((b.start - a.start).total_seconds() / 60, 6): b.match_id
            for a, b in zip(rows, rows[1:], strict=False)}
    assert 120 in gaps and 121 in gaps  # the demo career forces both
    flags = {r["match_id"]: r for r in session_rows(wh.db, MAIN)}
    assert flags[gaps[120]]["is_session_start"] is False
    assert flags[gaps[121]]["is_session_start"] is True
    assert flags[gaps[121]]["break_reason"] == "gap"


def test_scores_are_null_for_the_first_ten_matches_only(wh: Warehouse) -> None:
    for player, rows in career(wh.db).items():
        assert len({p.start for p in rows}) == len(rows)  # no equal start times in the demo
        got = query(wh.db, "select performance_score from main.fct_performance_scores "
                           "where player_xuid = ? order by start_time", [player])
        nulls = [r["performance_score"] is None for r in got]
        assert nulls == [True] * 10 + [False] * (len(rows) - 10), player


def test_scores_equal_a_plain_recomputation_from_the_payloads(wh: Warehouse) -> None:
    compared = 0
    for player, rows in career(wh.db).items():
        want = expected_scores(rows)
        got = query(wh.db, "select * from main.fct_performance_scores where player_xuid = ?",
                    [player])
        for row in got:
            expected = want[row["match_id"]]
            assert row["history_count"] == expected["history_count"]
            assert row["performance_score"] == expected["performance_score"], row["match_id"]
            for name in WEIGHTS:
                assert row[f"pct_{name}"] == pytest.approx(expected[f"pct_{name}"], abs=1e-9)
            compared += row["performance_score"] is not None
    assert compared == (60 - 10) + (32 - 10) + (27 - 10)
    # The skill payloads made it in: some scores use all 8 metrics.
    assert query(wh.db, "select count(*) as n from main.fct_performance_scores "
                        "where pct_rank_perf is not null")[0]["n"] > 50


def test_session_totals_from_the_payloads(wh: Warehouse) -> None:
    rows = career(wh.db)[MAIN]
    scores = expected_scores(rows)
    sessions: dict[str, list[Played]] = defaultdict(list)
    for (sid, _), p in zip(expected_sessions(MAIN, rows, RESOLVED[MAIN]), rows, strict=True):
        sessions[sid].append(p)
    got = {r["session_id"]: r for r in query(
        wh.db, "select * from main.fct_sessions where player_xuid = ?", [MAIN])}
    assert set(got) == set(sessions)
    for sid, members in sessions.items():
        row = got[sid]
        kills, deaths = sum(p.kills for p in members), sum(p.deaths for p in members)
        fired, hit = sum(p.shots_fired for p in members), sum(p.shots_hit for p in members)
        scored = [s for p in members if (s := scores[p.match_id]["performance_score"]) is not None]
        end = max(p.end for p in members)
        duration = (end - members[0].start).total_seconds()
        assert row["start_time"] == members[0].start and row["end_time"] == end
        assert row["match_count"] == len(members)
        assert (row["kills"], row["deaths"]) == (kills, deaths)
        assert row["assists"] == sum(p.assists for p in members)
        assert row["kd_ratio"] == pytest.approx(kills / deaths if deaths else kills)
        assert row["wins"] == sum(p.outcome == 2 for p in members)
        assert row["win_rate"] == pytest.approx(row["wins"] / len(members))
        assert row["accuracy"] == (pytest.approx(100 * hit / fired) if fired else None)
        assert row["avg_performance_score"] == (
            pytest.approx(sum(scored) / len(scored)) if scored else None)
        assert row["scored_match_count"] == len(scored)
        assert set(row["friends_present"]) == set().union(
            *(set(p.teammates) & RESOLVED[MAIN] for p in members))
        assert row["duration_seconds"] == pytest.approx(duration)
        noun = "match" if len(members) == 1 else "matches"
        hours, minutes = int(duration // 3600), int(duration // 60) % 60
        assert row["session_label"] == f"{len(members)} {noun} · {hours}h{minutes:02d}"


# -- later builds ------------------------------------------------------------------------------


def test_second_build_writes_nothing(wh: Warehouse) -> None:
    before = {t: query(wh.db, f"select * exclude (dbt_invocation_id) from main.{t}")
              for t in ("fct_player_match_sessions", "fct_performance_scores", "fct_sessions")}
    build = wh.build()
    assert build.returncode == 0, build.output[-3000:]
    for table, rows in before.items():
        assert written_by(wh.db, table, build.invocation_id) == 0, table
        after = query(wh.db, f"select * exclude (dbt_invocation_id) from main.{table}")
        assert sorted(map(repr, after)) == sorted(map(repr, rows))


def test_a_new_friend_rewrites_only_that_players_changed_sessions(wh: Warehouse) -> None:
    """Nimbus also declares Quill: Nimbus's rows change (friend set), nobody else's; sessions
    where Quill joined Nimbus now split."""
    con = open_warehouse(wh.db)
    try:
        update_friends(con, find_tracked(con, NIMBUS), add=["Quill#4821"], remove=[], clear=False)
    finally:
        con.close()
    build = wh.build()
    assert build.returncode == 0, build.output[-3000:]
    written = query(wh.db, "select distinct player_xuid from main.fct_player_match_sessions "
                           "where dbt_invocation_id = ?", [build.invocation_id])
    assert written == [{"player_xuid": NIMBUS}]
    assert written_by(wh.db, "fct_player_match_sessions", build.invocation_id) == 32
    assert written_by(wh.db, "fct_performance_scores", build.invocation_id) == 0
    rows = career(wh.db)[NIMBUS]
    want = expected_sessions(NIMBUS, rows, {MAIN, QUILL})
    got = session_rows(wh.db, NIMBUS)
    assert [(r["session_id"], r["break_reason"]) for r in got] == want
    sessions = query(wh.db, "select session_id, dbt_invocation_id from main.fct_sessions "
                            "where player_xuid = ?", [NIMBUS])
    assert {r["session_id"] for r in sessions} == {sid for sid, _ in want}


def test_untracking_a_player_removes_their_rows(wh: Warehouse) -> None:
    con = open_warehouse(wh.db)
    try:
        untrack(con, find_tracked(con, QUILL))
    finally:
        con.close()
    build = wh.build()
    assert build.returncode == 0, build.output[-3000:]
    for table in ("fct_player_match_sessions", "fct_performance_scores", "fct_sessions"):
        players = {r["player_xuid"] for r in query(wh.db, f"select player_xuid from main.{table}")}
        assert players == {MAIN, NIMBUS}, table
    # The others were not rewritten: their inputs did not change.
    assert written_by(wh.db, "fct_player_match_sessions", build.invocation_id) == 0
    assert written_by(wh.db, "fct_performance_scores", build.invocation_id) == 0
