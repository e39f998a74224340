"""The dbt project on the recorded fixtures: real `dbt build`s in a subprocess, values checked
against what this file computes itself from the raw JSON (never read back from the models).

One module-scoped warehouse (tests/support/fixture_warehouse.py) is built once; the tests run in
file order: value checks on the first build, then the idempotent second build, then changes
(a skill payload landing late, a drifted payload, an unexplained gap) each followed by one dbt
invocation. dbt-duckdb reports no rows_affected in run_results.json (adapter_response is just
{"_message": "OK"}), so "what a build wrote" is counted through each incremental mart's
dbt_invocation_id column against run_results.json's metadata.invocation_id, and contents are
compared whole.
"""

from __future__ import annotations

import copy
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

try:  # tests/ on sys.path (no tests/__init__.py)
    from support.dbt_harness import DbtRun, query, run_dbt
    from support.fixture_warehouse import (
        ASSET_MATCH_ID,
        SKILL_MATCH_ID,
        TRACKED_GAMERTAG,
        TRACKED_XUID,
        FixtureWarehouse,
        build_fixture_warehouse,
        compact,
        landing_writer,
    )
except ModuleNotFoundError:  # tests/ is a package: the project root is on sys.path
    from tests.support.dbt_harness import DbtRun, query, run_dbt
    from tests.support.fixture_warehouse import (
        ASSET_MATCH_ID,
        SKILL_MATCH_ID,
        TRACKED_GAMERTAG,
        TRACKED_XUID,
        FixtureWarehouse,
        build_fixture_warehouse,
        compact,
        landing_writer,
    )

pytestmark = pytest.mark.dbt

INCREMENTAL_MARTS = ("dim_matches", "fct_match_players", "fct_medals", "fct_personal_scores")
MARTS = (*INCREMENTAL_MARTS, "dim_players")
STOCKPILE_MATCH_ID = "9a350909-b2bb-448f-a30a-7b234a8b28ef"
DRIFT_MATCH_ID = "d0d0d0d0-0000-4000-8000-000000000001"
UNLISTED_MATCH_ID = "e0e0e0e0-0000-4000-8000-000000000002"


# -- reading the warehouse -----------------------------------------------------------------------


def snapshot(db_path: Path, table: str) -> list[tuple]:
    """The whole table, rows sorted, as comparable tuples."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute(f"select * from main.{table}").fetchall()
    finally:
        con.close()
    return sorted(tuple(map(repr, row)) for row in rows)


def rows_written(db_path: Path, run: DbtRun) -> dict[str, int]:
    return {
        table: query(db_path, f"select count(*) as n from main.{table} where dbt_invocation_id = ?",
                     [run.invocation_id])[0]["n"]
        for table in INCREMENTAL_MARTS
    }


# -- independent expectations from the raw JSON ---------------------------------------------------

_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$", re.IGNORECASE)


def duration_seconds(text: str) -> Decimal:
    days, hours, minutes, seconds = _DURATION.match(text).groups()
    return (
        Decimal(days or 0) * 86400 + Decimal(hours or 0) * 3600 + Decimal(minutes or 0) * 60 + Decimal(seconds or 0)
    )


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def player_totals(player: dict) -> dict[str, Any]:
    """Sums over every PlayerTeamStats entry, and the rates recomputed from them."""
    core = [entry["Stats"]["CoreStats"] for entry in player["PlayerTeamStats"]]
    total = {k: sum(c[k] for c in core) for k in (
        "Kills", "Deaths", "Assists", "ShotsFired", "ShotsHit", "DamageDealt", "DamageTaken", "Score", "PersonalScore"
    )}
    kills, deaths, assists = total["Kills"], total["Deaths"], total["Assists"]
    return {
        "kills": kills,
        "deaths": deaths,
        "assists": assists,
        "kda": kills + assists / 3 - deaths,
        "accuracy": total["ShotsHit"] * 100 / total["ShotsFired"] if total["ShotsFired"] else None,
        "shots_fired": total["ShotsFired"],
        "shots_hit": total["ShotsHit"],
        "damage_dealt": total["DamageDealt"],
        "damage_taken": total["DamageTaken"],
        "score": total["Score"],
        "personal_score": total["PersonalScore"],
    }


def award_totals(player: dict, key: str) -> dict[int, tuple[int, int]]:
    """NameId -> (summed Count, summed TotalPersonalScoreAwarded) over every entry."""
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for entry in player["PlayerTeamStats"]:
        for award in entry["Stats"]["CoreStats"].get(key) or []:
            sums[award["NameId"]][0] += award["Count"]
            sums[award["NameId"]][1] += award["TotalPersonalScoreAwarded"]
    return {name_id: (c, t) for name_id, (c, t) in sums.items()}


def enemy_mmr(result: dict, my_team: int | None) -> float | None:
    """docs/domain/matches.md: the first key of TeamMmrs, in payload order, other than my team."""
    for key, value in (result.get("TeamMmrs") or {}).items():
        if key != str(my_team):
            return value
    return None


# -- the module's warehouse ----------------------------------------------------------------------


@dataclass
class Warehouse:
    root: Path
    fixtures: FixtureWarehouse
    first: DbtRun

    @property
    def db(self) -> Path:
        return self.fixtures.path

    def dbt(self, *args: str) -> DbtRun:
        return run_dbt(self.root, self.db, *args)


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    root = tmp_path_factory.mktemp("dbt_models")
    fixtures = build_fixture_warehouse(root / "halo.duckdb")
    first = run_dbt(root, fixtures.path, "build")
    return Warehouse(root, fixtures, first)


# -- first build ---------------------------------------------------------------------------------


def test_first_build_passes_every_model_and_test(wh: Warehouse) -> None:
    run = wh.first
    assert run.returncode == 0, run.output[-4000:]
    statuses = run.statuses()
    # The recorded CSR season calendar is older than the recorded matches: the one warning.
    assert not run.not_ok(["assert_csr_matches_in_a_season"]), run.not_ok()
    assert run.result_of("assert_csr_matches_in_a_season")["failures"] == 1
    kinds = defaultdict(int)
    for uid in statuses:
        kinds[uid.split(".")[0]] += 1
    # Tests: one row_rules per model (two with warn-level rules) and the singular tests; the tables'
    # not_null/unique/check rules are enforced constraints, not nodes (docs/incremental.md).
    assert kinds["model"] >= 20 and kinds["test"] >= 60 and kinds["unit_test"] >= 5 and kinds["seed"] >= 15
    print(f"\ncold dbt build: {run.wall_s:.1f}s wall, {dict(kinds)}")


def test_every_mart_and_seed_column_is_documented(wh: Warehouse) -> None:
    """Every column of every mart (schema main) and seed (reference) in the built warehouse has a
    YAML description, and the YAML documents no column that does not exist."""
    manifest = json.loads((wh.root / f"target_{wh.db.stem}" / "manifest.json").read_text())
    nodes = [n for n in manifest["nodes"].values()
             if n["resource_type"] in ("model", "seed") and n["schema"] in ("main", "reference")]
    assert len(nodes) >= 30
    problems = {}
    for node in nodes:
        columns = [r["column_name"] for r in query(
            wh.db, "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                   "order by ordinal_position", [node["schema"], node["alias"] or node["name"]])]
        documented = {name: c["description"] for name, c in node["columns"].items()}
        undocumented = [c for c in columns if not documented.get(c, "").strip()]
        stale = sorted(set(documented) - set(columns))
        if not columns or undocumented or stale or not node["description"].strip():
            problems[node["name"]] = {"undocumented": undocumented, "stale": stale}
    assert problems == {}


def test_every_player_row_matches_the_raw_json(wh: Warehouse) -> None:
    rows = {
        (r["match_id"], r["player_id"]): r
        for r in query(wh.db, "select * from main.fct_match_players")
    }
    expected_keys = set()
    for match_id, stats in wh.fixtures.stats.items():
        for player in stats["Players"]:
            key = (match_id, player["PlayerId"])
            expected_keys.add(key)
            row, want = rows[key], player_totals(player)
            for column in ("kills", "deaths", "assists", "shots_fired", "shots_hit", "damage_dealt",
                           "damage_taken", "score", "personal_score"):
                assert row[column] == want[column], (key, column)
            assert row["kda"] == pytest.approx(want["kda"], rel=1e-12, abs=1e-12), key
            if want["accuracy"] is None:
                assert row["accuracy"] is None, key
            else:
                assert row["accuracy"] == pytest.approx(want["accuracy"], rel=1e-12), key
            assert row["team_id"] == player["LastTeamId"]
            assert row["outcome"] == player["Outcome"]
            assert row["rank"] == player["Rank"]
            assert row["is_bot"] == (player["PlayerType"] == 2)
            is_human = player["PlayerId"].startswith("xuid(")
            assert row["xuid"] == (player["PlayerId"][5:-1] if is_human else None)
            assert row["time_played_seconds"] == duration_seconds(player["ParticipationInfo"]["TimePlayed"])
            assert row["stats_fetched_at"] is not None
    assert set(rows) == expected_keys


def test_team_switch_is_summed_over_both_entries(wh: Warehouse) -> None:
    stats = wh.fixtures.stats[STOCKPILE_MATCH_ID]
    [player] = [p for p in stats["Players"] if len(p["PlayerTeamStats"]) == 2]
    entries = [e["Stats"] for e in player["PlayerTeamStats"]]
    [row] = query(wh.db, "select * from main.fct_match_players where match_id = ? and player_id = ?",
                  [STOCKPILE_MATCH_ID, player["PlayerId"]])
    kills = sum(e["CoreStats"]["Kills"] for e in entries)
    deaths = sum(e["CoreStats"]["Deaths"] for e in entries)
    assists = sum(e["CoreStats"]["Assists"] for e in entries)
    fired = sum(e["CoreStats"]["ShotsFired"] for e in entries)
    hit = sum(e["CoreStats"]["ShotsHit"] for e in entries)
    assert (row["kills"], row["deaths"], row["assists"]) == (kills, deaths, assists)
    assert row["kda"] == pytest.approx(kills + assists / 3 - deaths)
    assert row["accuracy"] == pytest.approx(hit / fired * 100)
    assert row["accuracy"] != entries[0]["CoreStats"]["Accuracy"]  # the first entry alone says 100.0
    assert row["team_entry_count"] == 2 and row["entry_team_ids"] == sorted(
        {e["TeamId"] for e in player["PlayerTeamStats"]}
    )
    assert row["team_id"] == player["LastTeamId"]
    assert row["stockpile_time_as_power_seed_driver_seconds"] == sum(
        duration_seconds(e["StockpileStats"]["TimeAsPowerSeedDriver"]) for e in entries
    )
    spawns = [e["CoreStats"]["Spawns"] for e in entries]
    lives = [duration_seconds(e["CoreStats"]["AverageLifeDuration"]) for e in entries]
    weighted = sum(life * n for life, n in zip(lives, spawns, strict=True)) / sum(spawns)
    assert row["avg_life_seconds"] == weighted.quantize(Decimal("0.0000001"))


def test_medals_and_personal_scores_match_the_raw_json(wh: Warehouse) -> None:
    names = {m["nameId"]: m["name"]["value"] for m in wh.fixtures.medal_metadata["medals"]}
    medals = {
        (r["match_id"], r["player_id"], r["medal_name_id"]): r
        for r in query(wh.db, "select * from main.fct_medals")
    }
    scores = {
        (r["match_id"], r["player_id"], r["personal_score_name_id"]): r
        for r in query(wh.db, "select * from main.fct_personal_scores")
    }
    want_medals, want_scores = {}, {}
    for match_id, stats in wh.fixtures.stats.items():
        for player in stats["Players"]:
            for name_id, (count, _) in award_totals(player, "Medals").items():
                if count > 0:
                    want_medals[(match_id, player["PlayerId"], name_id)] = count
            for name_id, (count, total) in award_totals(player, "PersonalScores").items():
                want_scores[(match_id, player["PlayerId"], name_id)] = (count, total)
    assert {k: r["medal_count"] for k, r in medals.items()} == want_medals
    assert {k: (r["award_count"], r["total_score"]) for k, r in scores.items()} == want_scores
    for key, row in medals.items():
        assert row["medal_name"] == names.get(key[2])
    # The stockpile human earned medals in the first of their two entries only: still counted.
    stockpile = {k for k in want_medals if k[0] == STOCKPILE_MATCH_ID and k[1] == f"xuid({TRACKED_XUID})"}
    assert stockpile and stockpile <= set(medals)


def test_skill_fixture_resolves_team_and_enemy_mmr(wh: Warehouse) -> None:
    skill = wh.fixtures.skill[SKILL_MATCH_ID]
    [answer] = skill["Value"]
    result = answer["Result"]
    [row] = query(wh.db, "select * from main.fct_match_players where match_id = ? and xuid = ?",
                  [SKILL_MATCH_ID, TRACKED_XUID])
    assert row["skill_result_code"] == answer["ResultCode"] == 0
    assert row["team_mmr"] == result["TeamMmr"]
    assert row["enemy_mmr"] == enemy_mmr(result, result["TeamId"]) == result["TeamMmrs"]["1"]
    assert row["kills_expected"] == result["StatPerformances"]["Kills"]["Expected"]
    assert row["kills_stddev"] == result["StatPerformances"]["Kills"]["StdDev"]
    assert row["deaths_expected"] == result["StatPerformances"]["Deaths"]["Expected"]
    assert row["deaths_stddev"] == result["StatPerformances"]["Deaths"]["StdDev"]
    assert row["csr_pre"] == result["RankRecap"]["PreMatchCsr"]["Value"]
    assert row["csr_post"] == result["RankRecap"]["PostMatchCsr"]["Value"]
    assert row["csr_pre_tier"] == result["RankRecap"]["PreMatchCsr"]["Tier"]
    assert row["onyx_counterfactual_kills"] == result["Counterfactuals"]["TierCounterfactuals"]["Onyx"]["Kills"]
    others = query(wh.db, "select count(*) as n from main.fct_match_players where team_mmr is not null "
                          "and not (match_id = ? and xuid = ?)", [SKILL_MATCH_ID, TRACKED_XUID])
    assert others[0]["n"] == 0  # only the answered player of the only skill payload has skill columns


def test_skill_fixture_gives_a_ranked_csr_row_without_a_season(wh: Warehouse) -> None:
    recap = wh.fixtures.skill[SKILL_MATCH_ID]["Value"][0]["Result"]["RankRecap"]
    [row] = query(wh.db, "select * from main.fct_player_csr")
    # 1530 -> 1532, both Onyx (no sub-tier); the match (2025-01-29) is after the recorded
    # calendar's last season (CsrSeason5-1 ends 2024-01-30): no season.
    assert (row["player_xuid"], row["match_id"]) == (TRACKED_XUID, SKILL_MATCH_ID)
    assert (row["pre_csr"], row["post_csr"], row["csr_delta"]) == (
        recap["PreMatchCsr"]["Value"], recap["PostMatchCsr"]["Value"], 2)
    assert (row["pre_tier"], row["post_tier"], row["is_placement"]) == ("Onyx", "Onyx", False)
    seasons = wh.fixtures.csr_season_calendar["Seasons"]
    assert seasons[-1]["EndDate"]["ISO8601Date"] < wh.fixtures.stats[SKILL_MATCH_ID]["MatchInfo"]["StartTime"]
    assert row["csr_season_id"] is None


def test_dim_matches_times_names_and_counts(wh: Warehouse) -> None:
    rows = {r["match_id"]: r for r in query(wh.db, "select * from main.dim_matches")}
    assert set(rows) == set(wh.fixtures.stats)
    for match_id, stats in wh.fixtures.stats.items():
        info, row = stats["MatchInfo"], rows[match_id]
        assert row["start_time"] == ts(info["StartTime"])
        assert row["end_time"] == ts(info["EndTime"])  # every recorded payload has an EndTime
        assert row["duration_seconds"] == duration_seconds(info["Duration"])
        assert row["lifecycle_mode"] == info["LifecycleMode"]
        assert row["game_variant_category"] == info["GameVariantCategory"]
        assert row["player_count"] == len({p["PlayerId"] for p in stats["Players"]})
        assert row["human_count"] == sum(p["PlayerType"] == 1 for p in stats["Players"])
        team_scores = {t["TeamId"]: t["Stats"]["CoreStats"]["Score"] for t in stats["Teams"]}
        assert (row["team_0_score"], row["team_1_score"]) == (team_scores.get(0), team_scores.get(1))
    slayer = rows[ASSET_MATCH_ID]
    assert slayer["duration_seconds"] == Decimal("549.4211615")  # PT9M9.4211615S, fraction kept
    assets = wh.fixtures.assets
    info = wh.fixtures.stats[ASSET_MATCH_ID]["MatchInfo"]
    assert slayer["map_name"] == assets[("maps", info["MapVariant"]["AssetId"], info["MapVariant"]["VersionId"])]["PublicName"]
    pair = assets[("mapModePairs", info["PlaylistMapModePair"]["AssetId"], info["PlaylistMapModePair"]["VersionId"])]
    assert slayer["map_mode_pair_name"] == pair["PublicName"] == "Arena:Shotty Snipes Slayer on Catalyst"
    assert slayer["mode_category"] == "Arena"
    assert slayer["is_ranked"] is True  # "Ranked Arena"
    assert slayer["lifecycle_mode_name"] == "Matchmade" and slayer["game_variant_category_name"] == "MP Slayer"
    custom = rows[STOCKPILE_MATCH_ID]
    assert custom["playlist_name"] is None and custom["is_ranked"] is False and custom["mode_category"] is None


def test_dim_players_names_the_tracked_player(wh: Warehouse) -> None:
    [row] = query(wh.db, "select * from main.dim_players where xuid = ?", [TRACKED_XUID])
    starts = [ts(i["MatchInfo"]["StartTime"]) for i in wh.fixtures.history] + [
        ts(s["MatchInfo"]["StartTime"]) for s in wh.fixtures.stats.values()
    ]
    assert row["gamertag"] == TRACKED_GAMERTAG and row["is_tracked"] is True
    assert (row["first_seen_at"], row["last_seen_at"]) == (min(starts), max(starts))
    humans = {p["PlayerId"][5:-1] for s in wh.fixtures.stats.values() for p in s["Players"] if p["PlayerType"] == 1}
    xuids = {r["xuid"] for r in query(wh.db, "select xuid from main.dim_players")}
    assert humans <= xuids


# -- incremental behaviour -----------------------------------------------------------------------


def test_second_build_writes_nothing_and_changes_nothing(wh: Warehouse) -> None:
    before = {table: snapshot(wh.db, table) for table in MARTS}
    run = wh.dbt("build")
    assert run.returncode == 0, run.output[-4000:]
    assert rows_written(wh.db, run) == dict.fromkeys(INCREMENTAL_MARTS, 0)
    assert {table: snapshot(wh.db, table) for table in MARTS} == before
    print(f"\nsecond dbt build: {run.wall_s:.1f}s wall")


def test_skill_landing_later_fills_only_that_match(wh: Warehouse) -> None:
    stats = wh.fixtures.stats[ASSET_MATCH_ID]
    template = wh.fixtures.skill[SKILL_MATCH_ID]["Value"][0]
    team_mmrs = {"1": 1401.25, "0": 1388.5}  # key order as the payload gives it
    humans = [p for p in stats["Players"] if p["PlayerType"] == 1]
    payload = {"Value": []}
    for player in humans:
        answer = copy.deepcopy(template)
        answer["Id"] = player["PlayerId"]
        answer["Result"]["TeamId"] = player["LastTeamId"]
        answer["Result"]["TeamMmr"] = team_mmrs[str(player["LastTeamId"])]
        answer["Result"]["TeamMmrs"] = team_mmrs
        payload["Value"].append(answer)
    before = {table: snapshot(wh.db, table) for table in MARTS}
    with landing_writer(wh.db) as writer:
        writer.match_skill(ASSET_MATCH_ID, compact(payload), [p["PlayerId"][5:-1] for p in humans])

    run = wh.dbt("build")
    assert run.returncode == 0, run.output[-4000:]
    assert rows_written(wh.db, run) == {
        "dim_matches": 0, "fct_match_players": len(stats["Players"]), "fct_medals": 0, "fct_personal_scores": 0,
    }
    rows = query(wh.db, "select * from main.fct_match_players where match_id = ?", [ASSET_MATCH_ID])
    assert {r["dbt_invocation_id"] for r in rows} == {run.invocation_id}
    for row in rows:
        player = next(p for p in humans if p["PlayerId"] == row["player_id"])
        assert row["team_mmr"] == team_mmrs[str(player["LastTeamId"])]
        assert row["enemy_mmr"] == enemy_mmr({"TeamMmrs": team_mmrs}, player["LastTeamId"])
        assert row["skill_result_code"] == 0 and row["skill_fetched_at"] is not None
    # Every other match's rows are untouched (same contents, written by an earlier build).
    after = snapshot(wh.db, "fct_match_players")
    assert [r for r in after if ASSET_MATCH_ID not in r[0]] == [r for r in before["fct_match_players"] if ASSET_MATCH_ID not in r[0]]
    for table in ("dim_matches", "fct_medals", "fct_personal_scores"):
        assert snapshot(wh.db, table) == before[table]


def test_drifted_payload_builds_and_warns(wh: Warehouse) -> None:
    """Unknown keys everywhere, missing optional blocks, no EndTime, an unknown category code."""
    stats = copy.deepcopy(wh.fixtures.stats["1b527ad3-80c8-44bf-abee-2d28fe9feafb"])  # zones
    stats["MatchId"] = DRIFT_MATCH_ID
    stats["NewTopLevel"] = {"x": [1, 2, 3]}
    info = stats["MatchInfo"]
    del info["EndTime"]
    info["Duration"] = "P1DT2H3M4.5S"
    info["GameVariantCategory"] = 99  # unknown code: a warning, a NULL name, never a failure
    info["SomethingNew"] = "value"
    stats["Teams"] = []
    first, second = stats["Players"][0], stats["Players"][1]
    first["NewPlayerKey"] = True
    del first["ParticipationInfo"]
    del first["BotAttributes"]
    first["PlayerTeamStats"][0]["Stats"].pop("PvpStats")
    first["PlayerTeamStats"][0]["Stats"].pop("ZonesStats")
    first["PlayerTeamStats"][0]["Stats"]["CoreStats"].pop("Medals")
    first["PlayerTeamStats"][0]["Stats"]["CoreStats"]["BrandNewStat"] = 7
    first["PlayerTeamStats"][0]["Stats"]["FutureModeStats"] = {"Thing": 1}
    second["PlayerTeamStats"] = []  # a player with no stats entry at all
    del second["Rank"]
    third = stats["Players"][2]  # nulls where numbers were, unknown enum values
    third_core = third["PlayerTeamStats"][0]["Stats"]["CoreStats"]
    third_core.update({"Deaths": None, "Accuracy": None, "DamageDealt": None, "ShotsFired": None})
    third["Outcome"] = 77
    third["PlayerType"] = 9
    with landing_writer(wh.db) as writer:
        writer.match_stats(DRIFT_MATCH_ID, compact(stats))

    run = wh.dbt("build")
    assert run.returncode == 0, run.output[-4000:]
    # The unknown game variant category, player type and outcome: warn-level rules of staging.
    assert run.status_of("stg_halo__match_stats_row_rules_warn") == "warn"
    not_ok = run.not_ok(any_warning=True)
    assert not not_ok, not_ok
    written = rows_written(wh.db, run)
    assert written["dim_matches"] == 1 and written["fct_match_players"] == len(stats["Players"])
    [match] = query(wh.db, "select * from main.dim_matches where match_id = ?", [DRIFT_MATCH_ID])
    assert match["duration_seconds"] == Decimal("93784.5")
    assert match["end_time"] == ts(info["StartTime"]) + timedelta(days=1, hours=2, minutes=3, seconds=4.5)
    assert match["game_variant_category_name"] is None and match["team_count"] == 0
    rows = {r["player_id"]: r for r in query(wh.db, "select * from main.fct_match_players where match_id = ?",
                                             [DRIFT_MATCH_ID])}
    assert rows[first["PlayerId"]]["kills"] == player_totals(first)["kills"]
    assert rows[first["PlayerId"]]["zones_stronghold_captures"] is None
    assert rows[first["PlayerId"]]["time_played_seconds"] is None
    assert rows[second["PlayerId"]]["kills"] == 0 and rows[second["PlayerId"]]["shots_fired"] is None
    assert rows[second["PlayerId"]]["is_rank_derived"] is True and rows[second["PlayerId"]]["rank"] >= 1
    nulls = rows[third["PlayerId"]]
    assert nulls["deaths"] is None and nulls["kda"] is None  # unknown stays unknown, never 0
    assert nulls["damage_dealt"] is None and nulls["shots_fired"] is None and nulls["accuracy"] is None
    assert nulls["kills"] == sum(e["Stats"]["CoreStats"]["Kills"] for e in third["PlayerTeamStats"])
    assert nulls["outcome"] == 77 and nulls["outcome_name"] is None


def test_completeness_fails_on_an_unexplained_gap_and_passes_once_explained(wh: Warehouse) -> None:
    item = copy.deepcopy(wh.fixtures.history[0])
    item["MatchId"] = UNLISTED_MATCH_ID
    item["MatchInfo"]["LifecycleMode"] = 1  # a custom game: skill is not applicable
    with landing_writer(wh.db) as writer:
        writer.history_item(TRACKED_XUID, UNLISTED_MATCH_ID, item)
    failing = wh.dbt("test", "--select", "assert_listed_matches_have_stats")
    assert failing.returncode != 0
    assert failing.status_of("assert_listed_matches_have_stats") == "fail"
    assert failing.result_of("assert_listed_matches_have_stats")["failures"] == 1

    with landing_writer(wh.db) as writer:
        writer.attempt("match_stats", UNLISTED_MATCH_ID, outcome="not_found", http_status=404, terminal=True)
    passing = wh.dbt("test", "--select", "assert_listed_matches_have_stats", "assert_matchmade_matches_have_skill")
    assert passing.returncode == 0, passing.output[-4000:]
    assert set(passing.statuses().values()) == {"pass"}


def test_asset_completeness_fails_on_an_unexplained_asset(wh: Warehouse) -> None:
    con = duckdb.connect(str(wh.db))
    try:
        key = con.execute(
            "select key from landing.fetch_attempts where endpoint = 'ugc_asset' order by key limit 1"
        ).fetchone()[0]
        # Never attempted: nothing explains the gap.
        con.execute("delete from landing.fetch_attempts where endpoint = 'ugc_asset' and key = ?", [key])
    finally:
        con.close()
    failing = wh.dbt("test", "--select", "assert_match_assets_named")
    assert failing.returncode != 0 and failing.status_of("assert_match_assets_named") == "fail"
    # A retryable failure is explained (the next ingest retries it): a warning, not a failure.
    with landing_writer(wh.db) as writer:
        writer.attempt("ugc_asset", key, outcome="failed", http_status=503)
    retrying = wh.dbt("test", "--select", "assert_match_assets_named", "assert_no_pending_retries")
    assert retrying.returncode == 0, retrying.output[-3000:]
    assert retrying.status_of("assert_match_assets_named") == "pass" and retrying.status_of("assert_no_pending_retries") == "warn"
    with landing_writer(wh.db) as writer:
        writer.attempt("ugc_asset", key, outcome="not_found", http_status=404, terminal=True)
    passing = wh.dbt("test", "--select", "assert_match_assets_named", "assert_no_pending_retries")
    assert passing.returncode == 0 and set(passing.statuses().values()) == {"pass"}


def test_a_stuck_gap_fails_the_build_and_a_retrying_one_only_warns(wh: Warehouse) -> None:
    """Three listed matches whose stats keep failing with a 500 (attempts at recorded times): five
    runs over three days is stuck (an error); five runs over two days, or four over ten, still only
    warn. The verdict is the landing view's, passed through fct_match_completeness."""
    stuck, short, few = [m for m in (i["MatchId"] for i in wh.fixtures.history) if m not in wh.fixtures.stats][:3]
    t0 = datetime(2025, 3, 1, tzinfo=UTC)
    plan = {stuck: (5, timedelta(days=3)), short: (5, timedelta(days=2)), few: (4, timedelta(days=10))}
    con = duckdb.connect(str(wh.db))
    try:
        con.execute("delete from landing.fetch_attempts where endpoint = 'match_stats' and list_contains(?, key)", [list(plan)])
        for match_id, (n, span) in plan.items():
            for i in range(n):
                con.execute(
                    "insert into landing.fetch_attempts (endpoint, key, attempted_at, http_status, error, outcome, run_id)"
                    " values ('match_stats', ?, ?, 500, 'injected', 'failed', ?)",
                    [match_id, t0 + span * i / (n - 1), f"run{i}"],
                )
    finally:
        con.close()
    gate = ("assert_no_stuck_gaps", "assert_no_pending_retries", "assert_listed_matches_have_stats", "assert_every_gap_explained")
    failing = wh.dbt("test", "--select", *gate)
    assert failing.returncode != 0
    assert failing.status_of("assert_no_stuck_gaps") == "fail"
    assert failing.result_of("assert_no_stuck_gaps")["failures"] == 1
    assert failing.status_of("assert_no_pending_retries") == "warn"
    assert failing.result_of("assert_no_pending_retries")["failures"] == 2
    assert failing.status_of("assert_listed_matches_have_stats") == "pass"
    assert failing.status_of("assert_every_gap_explained") == "pass"
    assert query(wh.db, "select match_id, status, reason from main.fct_match_completeness where status = 'stuck'") == [
        {"match_id": stuck, "status": "stuck", "reason": "HTTP 500 in 5 runs since 2025-03-01"}
    ]
    with landing_writer(wh.db) as writer:  # explained after all: back to the module's state
        for match_id in plan:
            writer.attempt("match_stats", match_id, outcome="not_found", http_status=404, terminal=True)
    passing = wh.dbt("test", "--select", *gate)
    assert passing.returncode == 0 and set(passing.statuses().values()) == {"pass"}


def test_incremental_state_equals_a_full_refresh(wh: Warehouse) -> None:
    """After the late skill, the drifted match and the new explanations, every mart holds exactly
    what a --full-refresh computes from the same landing data (dbt_invocation_id aside)."""
    caught_up = wh.dbt("run", "--select", *MARTS)  # the last steps only ran tests
    assert caught_up.returncode == 0, caught_up.output[-4000:]
    copy_path = wh.root / "full_refresh.duckdb"
    copy_path.write_bytes(wh.db.read_bytes())
    run = run_dbt(wh.root, copy_path, "run", "--full-refresh", "--select", *MARTS)
    assert run.returncode == 0, run.output[-4000:]

    def contents(path: Path, table: str) -> list[tuple]:
        con = duckdb.connect(str(path), read_only=True)
        try:
            columns = [c[0] for c in con.execute(f"describe main.{table}").fetchall() if c[0] != "dbt_invocation_id"]
            rows = con.execute(f"select {', '.join(columns)} from main.{table}").fetchall()
        finally:
            con.close()
        return sorted(tuple(map(repr, row)) for row in rows)

    for table in MARTS:
        assert contents(wh.db, table) == contents(copy_path, table), table
