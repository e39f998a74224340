"""The competitive marts on the demo warehouse, checked against values this file works out itself,
in plain Python, from the raw payloads in landing.* (the stats, skill, calendar and playlist JSON).

One module-scoped warehouse: the demo career ingested through the fake API (Quill's newest 20
matches only) and built; then Quill's older matches arrive late (with one more ranked match before
them all), and one of Quill's solo ranked matches has its skill payload landed again without
Quill's rank recap; a second (incremental) build. The tests read the
final state (it must equal the raw payloads) and what the second build wrote (Quill's rows only).
Inputs this file does not recompute, because other modules test them against the raw payloads:
dim_matches.mode_label (the label rule), fct_performance_scores, fct_killer_victim_pairs and
fct_film_decodes (films), dim_players.gamertag.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fake_halo import DEFAULT_TOKEN, Career, CareerSpec, FakeHaloApi, running

try:  # tests/ on sys.path (no tests/__init__.py)
    from support.dbt_harness import DbtRun, query, run_dbt
    from support.fixture_warehouse import landing_writer
    from support.ingest_harness import halo_cli, ingest_once
except ModuleNotFoundError:  # tests/ is a package: the project root is on sys.path
    from tests.support.dbt_harness import DbtRun, query, run_dbt
    from tests.support.fixture_warehouse import landing_writer
    from tests.support.ingest_harness import halo_cli, ingest_once

pytestmark = pytest.mark.dbt

MAIN, NIMBUS, QUILL = "2533274900000042", "2533274911112233", "2535400000004821"
TRACKED = (MAIN, NIMBUS, QUILL)
TIERS = ("Bronze", "Silver", "Gold", "Platinum", "Diamond", "Onyx")
Z = 1.96
MIN_MATCHES = 5  # var map_mode_min_matches
COMPETITIVE_MARTS = ("fct_player_csr", "fct_player_csr_seasons", "fct_player_match_expectations",
                     "fct_player_map_modes", "fct_player_map_mode_rankings", "fct_player_teammates")
# Every model (the completeness view reads them all), but only the competitive tests and the
# completeness checks: the other models' tests belong to their own modules.
SELECT = [
    "--select",
    "+fct_match_completeness,resource_type:model", "+fct_match_completeness,resource_type:seed",
    "+path:models/competitive,resource_type:model", "path:models/competitive", "stg_halo__csr_seasons",
    "path:tests/dbt/assert_ranked_matches_have_csr_rows.sql",
    "path:tests/dbt/assert_csr_matches_in_a_season.sql",
    "path:tests/dbt/assert_every_gap_explained.sql",
    "--indirect-selection", "empty",
]


@dataclass
class Warehouse:
    root: Path
    db: Path
    first: DbtRun
    second: DbtRun
    late_match: str  # the match older than all of Quill's
    late_matches: set[str]  # every match landed by the second ingest (Quill's older ones)
    no_recap_match: str  # Quill's solo ranked match whose skill answer lost its rank recap
    api_calls_during_builds: int


def dbt_build(root: Path, db: Path, *extra: str) -> DbtRun:
    # One target path for both builds: the second parses partially (~15 s saved).
    return run_dbt(root, db, "build", *SELECT, *extra, target="target")


def drop_rank_recap(db: Path, xuid: str) -> str:
    """Land again (now) the skill payload of one of ``xuid``'s ranked matches that no other tracked
    player played, without ``xuid``'s RankRecap; returns the match id."""
    candidates = query(db, """
        select csr.match_id from main.fct_player_csr as csr
        where csr.player_xuid = ? and not csr.is_placement and not exists (
            select 1 from main.fct_match_players as other
            where other.match_id = csr.match_id and other.xuid in (?, ?, ?) and other.xuid <> csr.player_xuid)
        order by csr.start_time limit 1
    """, [xuid, *TRACKED])
    match_id = candidates[0]["match_id"]
    (row,) = query(db, "select payload::varchar as payload, requested_xuids from landing.match_skill "
                       "where match_id = ?", [match_id])
    payload = json.loads(row["payload"])
    for answer in payload["Value"]:
        if answer["Id"] == f"xuid({xuid})":
            del answer["Result"]["RankRecap"]
    # Through the landing writer, as a re-fetch lands: the upsert gives the row a new landing_seq.
    with landing_writer(db) as writer:
        writer.match_skill(match_id, json.dumps(payload), row["requested_xuids"])
    return match_id


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    root = tmp_path_factory.mktemp("dbt_competitive")
    db = root / "halo.duckdb"
    api = FakeHaloApi(Career(CareerSpec.demo()), token=DEFAULT_TOKEN)
    with running(api) as server:
        # Quill's newest 20 matches only (their listing stays incomplete), the others in full.
        assert ingest_once(server, db, [MAIN, NIMBUS]).code == 0
        assert ingest_once(server, db, [QUILL], max_matches=20).code == 0
        before = server.count()
        first = dbt_build(root, db, "--exclude", "resource_type:test")  # data tests: second build
        calls = server.count() - before
        # Then Quill's older matches arrive late, with one more of Quill's alone (random
        # teammates) a day before all of them; the other tracked players are in none of these.
        earliest = min(m.start_ms for m in api.career.history(int(QUILL)))
        late = server.add_match(QUILL, template="slayer",
                                start=datetime.fromtimestamp(earliest / 1000, UTC) - timedelta(days=1))
        landed = {r["match_id"] for r in query(db, "select match_id from landing.match_stats")}
        assert ingest_once(server, db, [QUILL]).code == 0
        late_matches = {r["match_id"] for r in query(db, "select match_id from landing.match_stats")} - landed
        no_recap = drop_rank_recap(db, QUILL)
        before = server.count()
        second = dbt_build(root, db, "--exclude", "resource_type:unit_test")  # ran in the first
        calls += server.count() - before
    return Warehouse(root, db, first, second, late, late_matches, no_recap, calls)


# -- independent expectations from the raw payloads -------------------------------------------


def xuid_of(player_id: str | None) -> str | None:
    text = player_id or ""
    return text[5:-1] if text.startswith("xuid(") and text.endswith(")") and len(text) == 22 else None


def csr_or_none(container: dict | None) -> int | None:
    value = (container or {}).get("Value")
    return value if isinstance(value, int) and value >= 0 else None


def tier_label(container: dict | None) -> str | None:
    """docs/domain/competitive.md: Tier + (SubTier + 1); Onyx alone; unranked NULL."""
    if csr_or_none(container) is None or not container.get("Tier"):
        return None
    return "Onyx" if container["Tier"] == "Onyx" else f"{container['Tier']} {container['SubTier'] + 1}"


def wilson(wins: int, n: int, side: int) -> float:
    p = wins / n
    centre, spread = p + Z * Z / (2 * n), Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return min(1.0, max(0.0, (centre + side * spread) / (1 + Z * Z / n)))


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass
class Played:
    """One tracked player's match, from the stats and skill payloads."""

    player: str
    match_id: str
    start: datetime
    matchmade: bool
    ranked: bool
    teams: bool
    map_id: str
    playlist_id: str | None
    team: int | None
    outcome: int
    kills: int
    deaths: int
    humans: dict[str, int | None]  # every other human -> their LastTeamId
    answer: dict | None  # the skill answer for the player, when ResultCode 0


@dataclass
class Raw:
    played: list[Played]
    seasons: list[tuple[str, datetime, datetime]]  # (stem, start, end) of the latest calendar
    stats_season: dict[str, str | None] = field(default_factory=dict)  # match -> MatchInfo.SeasonId

    def season_of(self, start: datetime) -> str | None:
        holding = [s for s in self.seasons if s[1] <= start < s[2]]
        return max(holding, key=lambda s: s[1])[0] if holding else None


def load_raw(db: Path) -> Raw:
    def payloads(sql: str) -> list[tuple[Any, dict]]:
        return [(r["k"], json.loads(r["payload"])) for r in query(db, sql)]

    stats = dict(payloads("select match_id as k, payload::varchar as payload from landing.match_stats"))
    skill = dict(payloads("select match_id as k, payload::varchar as payload from landing.match_skill"))
    playlists = {}
    for (asset_id, version_id), payload in payloads(
        "select [asset_id, version_id] as k, payload::varchar as payload from landing.ugc_assets "
        "where asset_kind = 'playlists'"
    ):
        # docs/domain/matches.md: ranked = the playlist's name or a tag says so.
        words = [payload.get("PublicName") or "", *(payload.get("Tags") or [])]
        playlists[(asset_id, version_id)] = any("ranked" in w.lower() for w in words)
    (calendar,) = [p for _, p in payloads(
        "select landing_seq as k, payload::varchar as payload from landing.csr_season_calendar "
        "order by landing_seq desc limit 1")]
    seasons = [(s["CsrSeasonFilePath"].rsplit("/", 1)[-1].removesuffix(".json"),
                instant(s["StartDate"]["ISO8601Date"]), instant(s["EndDate"]["ISO8601Date"]))
               for s in calendar["Seasons"]]
    raw = Raw([], seasons)
    for match_id, payload in stats.items():
        info = payload["MatchInfo"]
        raw.stats_season[match_id] = info.get("SeasonId")
        playlist = info.get("Playlist") or {}
        ranked = playlists.get((playlist.get("AssetId"), playlist.get("VersionId")), False)
        humans = {xuid_of(p["PlayerId"]): p for p in payload["Players"] if xuid_of(p["PlayerId"])}
        answers = {xuid_of(v["Id"]): v for v in (skill.get(match_id) or {}).get("Value") or []}
        for xuid in set(humans) & set(TRACKED):
            player = humans[xuid]
            core = [e["Stats"]["CoreStats"] for e in player["PlayerTeamStats"]]
            answer = answers.get(xuid)
            raw.played.append(Played(
                player=xuid, match_id=match_id, start=instant(info["StartTime"]),
                matchmade=info["LifecycleMode"] == 3, ranked=ranked,
                teams=info.get("TeamsEnabled") is not False,
                map_id=info["MapVariant"]["AssetId"], playlist_id=playlist.get("AssetId"),
                team=player.get("LastTeamId"), outcome=player["Outcome"],
                kills=sum(c["Kills"] for c in core), deaths=sum(c["Deaths"] for c in core),
                humans={x: p.get("LastTeamId") for x, p in humans.items() if x != xuid},
                answer=answer["Result"] if answer and answer.get("ResultCode") == 0 else None,
            ))
    raw.played.sort(key=lambda p: (p.player, p.start, p.match_id))
    return raw


@pytest.fixture(scope="module")
def raw(wh: Warehouse) -> Raw:
    return load_raw(wh.db)


def expected_csr(raw: Raw) -> dict[tuple[str, str], dict]:
    out = {}
    for p in raw.played:
        recap = (p.answer or {}).get("RankRecap")
        if not (p.ranked and recap):
            continue
        pre, post = recap["PreMatchCsr"], recap["PostMatchCsr"]
        out[(p.player, p.match_id)] = {
            "playlist_id": p.playlist_id, "csr_season_id": raw.season_of(p.start),
            "pre_csr": csr_or_none(pre), "post_csr": csr_or_none(post),
            "csr_delta": (csr_or_none(post) - csr_or_none(pre)
                          if csr_or_none(pre) is not None and csr_or_none(post) is not None else None),
            "pre_tier": tier_label(pre), "post_tier": tier_label(post),
            "measurement_matches_remaining": pre["MeasurementMatchesRemaining"],
            "is_placement": pre["MeasurementMatchesRemaining"] > 0, "outcome": p.outcome,
            "start": p.start,
        }
    return out


def expected_expectation(p: Played) -> dict:
    perf = p.answer.get("StatPerformances") or {}
    kills, deaths = perf.get("Kills") or {}, perf.get("Deaths") or {}
    kz = (p.kills - kills["Expected"]) / kills["StdDev"] if kills.get("StdDev") else None
    dz = (p.deaths - deaths["Expected"]) / deaths["StdDev"] if deaths.get("StdDev") else None
    combined = (kz - dz) / math.sqrt(2) if kz is not None and dz is not None else None
    verdict = None if combined is None else (
        "outperformed" if combined > 1 else "underperformed" if combined < -1 else "met")
    tiers = ((p.answer.get("Counterfactuals") or {}).get("TierCounterfactuals")) or {}
    distances = [(math.dist((p.kills, p.deaths), (tiers[t]["Kills"], tiers[t]["Deaths"])), i, t)
                 for i, t in enumerate(TIERS) if t in tiers]
    closest = min(distances) if distances else (None, None, None)
    return {"kills_minus_expected": p.kills - kills["Expected"], "kills_z": kz,
            "deaths_minus_expected": p.deaths - deaths["Expected"], "deaths_z": dz,
            "performance_z": combined, "verdict": verdict, "closest_tier": closest[2],
            "closest_tier_distance": closest[0]}


def approx_row(row: dict) -> dict:
    return {k: pytest.approx(v, abs=1e-9) if isinstance(v, float) else v for k, v in row.items()}


# -- the tests ---------------------------------------------------------------------------------


def test_builds_pass_without_a_single_api_call(wh: Warehouse) -> None:
    for build in (wh.first, wh.second):
        assert build.returncode == 0 and build.not_ok() == {}, (build.not_ok(), build.output[-3000:])
    assert wh.api_calls_during_builds == 0
    unit_tests = {n for n, s in wh.first.statuses("unit_test").items() if s == "pass"}
    assert len([n for n in unit_tests if ".fct_player_" in n or ".prep_competitive_" in n]) == 7


def test_csr_history_equals_the_raw_skill_payloads(wh: Warehouse, raw: Raw) -> None:
    expected = expected_csr(raw)
    rows = {(r["player_xuid"], r["match_id"]): r for r in query(wh.db, "select * from main.fct_player_csr")}
    assert set(rows) == set(expected)
    for key, want in expected.items():
        got = rows[key]
        assert {k: got[k] for k in want if k != "start"} == {k: v for k, v in want.items() if k != "start"}, key
    # Non-trivial: placements after the season turnover, a late match and a lost recap.
    assert sum(r["is_placement"] for r in rows.values()) == 9
    assert {r["csr_season_id"] for r in rows.values()} == {"CsrSeason9-1", "CsrSeason10-1"}
    assert (QUILL, wh.late_match) in rows and (QUILL, wh.no_recap_match) not in rows


def test_match_seasons_follow_the_calendar_boundaries(wh: Warehouse, raw: Raw) -> None:
    seasons = {r["match_id"]: r for r in query(wh.db, "select * from intermediate.prep_competitive_match_seasons")}
    starts = {p.match_id: p.start for p in raw.played}
    for match_id, start in starts.items():
        assert seasons[match_id]["csr_season_id"] == raw.season_of(start)
        # The fake dates MatchInfo.SeasonId by the same calendar: an independent witness.
        if raw.stats_season[match_id]:
            assert seasons[match_id]["csr_season_path"] == raw.stats_season[match_id]
    turnover = {s[0]: s[1] for s in raw.seasons}["CsrSeason10-1"]
    assert min(starts.values()) < turnover < max(starts.values())


def test_season_summaries_equal_the_raw_csr_paths(wh: Warehouse, raw: Raw) -> None:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for (player, _match), row in sorted(expected_csr(raw).items(), key=lambda i: (i[1]["start"], i[0][1])):
        groups[(player, row["playlist_id"], row["csr_season_id"])].append(row)
    expected = {}
    for key, rows in groups.items():
        path = [(c, t) for r in rows for c, t in ((r["pre_csr"], r["pre_tier"]), (r["post_csr"], r["post_tier"]))
                if c is not None]
        high = max(path, key=lambda ct: ct[0]) if path else (None, None)  # max() keeps the first
        low = min(path, key=lambda ct: ct[0]) if path else (None, None)
        expected[key] = {
            "matches": len(rows), "placement_matches": sum(r["is_placement"] for r in rows),
            "wins": sum(r["outcome"] == 2 for r in rows), "losses": sum(r["outcome"] == 3 for r in rows),
            "first_csr": path[0][0] if path else None, "last_csr": path[-1][0] if path else None,
            "last_tier": path[-1][1] if path else None,
            "highest_csr": high[0], "highest_tier": high[1], "lowest_csr": low[0], "lowest_tier": low[1],
            "net_change": path[-1][0] - path[0][0] if path else None,
        }
    rows = {(r["player_xuid"], r["playlist_id"], r["csr_season_id"]): r
            for r in query(wh.db, "select * from main.fct_player_csr_seasons")}
    assert set(rows) == set(expected) and len(rows) == 6
    for key, want in expected.items():
        assert {k: rows[key][k] for k in want} == want, key


def test_expectations_equal_the_raw_stat_performances(wh: Warehouse, raw: Raw) -> None:
    expected = {(p.player, p.match_id): expected_expectation(p) for p in raw.played if p.matchmade and p.answer}
    rows = {(r["player_xuid"], r["match_id"]): r for r in query(wh.db, "select * from main.fct_player_match_expectations")}
    assert set(rows) == set(expected)
    for key, want in expected.items():
        assert {k: rows[key][k] for k in want} == approx_row(want), key
    verdicts = {r["verdict"] for r in rows.values()}
    assert verdicts == {"outperformed", "met", "underperformed"}


def test_map_modes_and_rankings_equal_the_raw_results(wh: Warehouse, raw: Raw) -> None:
    labels = {r["match_id"]: r["mode_label"] for r in query(wh.db, "select match_id, mode_label from main.dim_matches")}
    scores = {(r["player_xuid"], r["match_id"]): r["performance_score"]
              for r in query(wh.db, "select * from main.fct_performance_scores")}
    scopes = {"overall": lambda p: (), "map": lambda p: (p.map_id,), "mode": lambda p: (labels[p.match_id],),
              "map_mode": lambda p: (p.map_id, labels[p.match_id]),
              "map_mode_playlist": lambda p: (p.map_id, labels[p.match_id], p.playlist_id)}
    groups: dict[tuple, list[Played]] = defaultdict(list)
    for p in raw.played:
        if p.matchmade:
            for scope, key in scopes.items():
                groups[(p.player, scope, *key(p))].append(p)
    expected = {}
    for key, played in groups.items():
        wins, n = sum(p.outcome == 2 for p in played), len(played)
        kme = [expected_expectation(p)["kills_minus_expected"] for p in played if p.answer]
        scored = [scores[(p.player, p.match_id)] for p in played if scores.get((p.player, p.match_id)) is not None]
        expected[key] = {
            "matches": n, "wins": wins, "losses": sum(p.outcome == 3 for p in played),
            "win_rate": wins / n, "win_rate_wilson_lower": wilson(wins, n, -1),
            "win_rate_wilson_upper": wilson(wins, n, 1),
            "kills": sum(p.kills for p in played), "deaths": sum(p.deaths for p in played),
            "avg_performance_score": sum(scored) / len(scored) if scored else None,
            "avg_kills_minus_expected": sum(kme) / len(kme) if kme else None,
        }
    rows = {}
    for r in query(wh.db, "select * from main.fct_player_map_modes"):
        key = {"overall": (), "map": (r["map_asset_id"],), "mode": (r["mode_label"],),
               "map_mode": (r["map_asset_id"], r["mode_label"]),
               "map_mode_playlist": (r["map_asset_id"], r["mode_label"], r["playlist_id"])}[r["scope"]]
        rows[(r["player_xuid"], r["scope"], *key)] = r
    assert set(rows) == set(expected)
    for key, want in expected.items():
        got = {k: rows[key][k] for k in want}
        assert got == {k: pytest.approx(v, abs=1e-6) if isinstance(v, float) else v for k, v in want.items()}, key

    # Rankings: among >= 5 matches, best by the lower bound, worst by the upper bound.
    ranked = {(r["player_xuid"], r["scope"], r["map_asset_id"], r["mode_label"]): r
              for r in query(wh.db, "select * from main.fct_player_map_mode_rankings")}
    def ranking_key(k: tuple) -> tuple:  # (player, scope, map, mode) as the rankings key rows
        player, scope = k[:2]
        return (player, scope, *{"map": (k[2], None), "mode": (None, k[2]), "map_mode": k[2:4]}[scope])

    for player in TRACKED:
        for scope in ("map", "mode", "map_mode"):
            eligible = [k for k, v in expected.items() if k[:2] == (player, scope) and v["matches"] >= MIN_MATCHES]
            assert {ranking_key(k) for k in eligible} == {k for k in ranked if k[:2] == (player, scope)}
            ids = {k: (ranking_key(k)[2] or "", ranking_key(k)[3] or "") for k in eligible}
            best = sorted(eligible, key=lambda k: (-wilson(expected[k]["wins"], expected[k]["matches"], -1),
                                                   -expected[k]["matches"], ids[k]))
            worst = sorted(eligible, key=lambda k: (wilson(expected[k]["wins"], expected[k]["matches"], 1),
                                                    -expected[k]["matches"], ids[k]))
            assert [ranked[ranking_key(k)]["best_rank"] for k in best] == list(range(1, len(best) + 1))
            assert [ranked[ranking_key(k)]["worst_rank"] for k in worst] == list(range(1, len(worst) + 1))
    assert any(r["is_best"] and not r["is_worst"] for r in ranked.values())


def test_teammates_equal_the_raw_rosters_and_film_kills(wh: Warehouse, raw: Raw) -> None:
    pairs = query(wh.db, "select match_id, killer_xuid, victim_xuid, time_ms from main.fct_killer_victim_pairs where not is_suicide")
    films = {r["match_id"] for r in query(wh.db, "select match_id from main.fct_film_decodes where is_decoded")}
    gamertags = {r["xuid"]: r["gamertag"] for r in query(wh.db, "select xuid, gamertag from main.dim_players")}
    kills_in: dict[str, list[dict]] = defaultdict(list)
    for pair in pairs:
        kills_in[pair["match_id"]].append(pair)
    expected: dict[tuple[str, str], dict] = {}
    for player in TRACKED:
        mine = [p for p in raw.played if p.player == player]
        total_wins = sum(p.outcome == 2 for p in mine)
        people: dict[str, dict] = defaultdict(lambda: defaultdict(int))
        for p in mine:
            for other, team in p.humans.items():
                row = people[other]
                side = None if p.team is None or team is None else (
                    "together" if p.teams and p.team == team else "against")
                if side:
                    row[f"matches_{side}"] += 1
                    row[f"wins_{side}"] += p.outcome == 2
                row["film_matches"] += p.match_id in films
                row.setdefault("first", p.start)
                row["last"] = p.start
                for kill in kills_in[p.match_id] if p.match_id in films else []:
                    if {kill["killer_xuid"], kill["victim_xuid"]} == {player, other}:
                        row["kills_on" if kill["killer_xuid"] == player else "deaths_to"] += 1
                        at = p.start + timedelta(milliseconds=kill["time_ms"])
                        if at > row.get("encounter", (datetime.min.replace(tzinfo=UTC), ""))[0]:
                            row["encounter"] = (at, p.match_id)
        for other, row in people.items():
            together, against = row["matches_together"], row["matches_against"]
            expected[(player, other)] = {
                "gamertag": gamertags.get(other),
                "matches_together": together, "wins_together": row["wins_together"],
                "matches_against": against, "wins_against": row["wins_against"],
                "win_rate_together": row["wins_together"] / together if together else None,
                "win_rate_without": ((total_wins - row["wins_together"]) / (len(mine) - together)
                                     if len(mine) > together else None),
                "win_rate_against": row["wins_against"] / against if against else None,
                "film_matches": row["film_matches"],
                "kills_on": row["kills_on"] if row["film_matches"] else None,
                "deaths_to": row["deaths_to"] if row["film_matches"] else None,
                "last_encounter_at": row["encounter"][0] if "encounter" in row else None,
                "last_encounter_match_id": row["encounter"][1] if "encounter" in row else None,
                "first_played_at": row["first"], "last_played_at": row["last"],
            }
    rows = {(r["player_xuid"], r["xuid"]): r for r in query(wh.db, "select * from main.fct_player_teammates")}
    assert set(rows) == set(expected)
    for key, want in expected.items():
        assert {k: rows[key][k] for k in want} == approx_row(want), key
    # The compare view: the tracked friends side by side, and film kills where films exist.
    assert rows[(MAIN, NIMBUS)]["matches_together"] == rows[(NIMBUS, MAIN)]["matches_together"] > 0
    assert sum(r["kills_on"] or 0 for r in rows.values()) > 0


def test_every_ranked_match_has_its_csr_row_or_an_explained_gap(wh: Warehouse, raw: Raw) -> None:
    statuses = query(wh.db, "select player_xuid, match_id, status, reason from main.fct_match_completeness "
                            "where data_type = 'csr'")
    by_key = {(r["player_xuid"], r["match_id"]): r for r in statuses}
    csr = expected_csr(raw)
    for p in raw.played:
        row = by_key[(p.player, p.match_id)]
        if (p.player, p.match_id) in csr:
            assert row["status"] == "complete"
        elif not p.ranked:
            assert (row["status"], row["reason"]) == ("not_applicable", "not a ranked match")
        else:
            assert (row["status"], row["reason"]) == ("explained", "skill answer without a CSR recap")
    assert by_key[(QUILL, wh.no_recap_match)]["status"] == "explained"


def test_a_late_older_match_rewrites_its_players_summaries_only(wh: Warehouse) -> None:
    second = wh.second.invocation_id
    for mart in COMPETITIVE_MARTS:
        written = query(wh.db, f"select player_xuid, count(*) as n from main.{mart} "
                               "where dbt_invocation_id = ? group by player_xuid", [second])
        assert {r["player_xuid"] for r in written} == {QUILL}, mart
        untouched = query(wh.db, f"select count(*) as n from main.{mart} where player_xuid <> ? "
                                 "and dbt_invocation_id = ?", [QUILL, wh.first.invocation_id])
        assert untouched[0]["n"] > 0, mart
    # Per match: only the late matches' rows were written, and the expectation of the match whose
    # skill landed again (its CSR row, without a recap now, was deleted).
    assert wh.late_match in wh.late_matches and len(wh.late_matches) >= 2
    for mart, relanded in (("fct_player_csr", set()), ("fct_player_match_expectations", {wh.no_recap_match})):
        written = {r["match_id"] for r in query(
            wh.db, f"select match_id from main.{mart} where dbt_invocation_id = ?", [second])}
        expected = {r["match_id"] for r in query(
            wh.db, f"select match_id from main.{mart} where list_contains(?, match_id)", [sorted(wh.late_matches)])}
        assert written == expected | relanded and wh.late_match in written, mart
    # Per player: every summary row of Quill's was rewritten together.
    for mart in ("fct_player_csr_seasons", "fct_player_map_modes", "fct_player_teammates"):
        stale = query(wh.db, f"select count(*) as n from main.{mart} where player_xuid = ? and dbt_invocation_id <> ?",
                      [QUILL, second])
        assert stale[0]["n"] == 0, mart


def test_halo_status_counts_the_csr_rows_and_names_the_headlines(wh: Warehouse, raw: Raw) -> None:
    shown = halo_cli(["status", "--db", str(wh.db)], env={"HALO_DB": str(wh.db)})
    assert shown.code == 0, shown.err
    csr = expected_csr(raw)
    lines = {line.split(": ", 1)[0]: line for line in shown.out.splitlines() if ": " in line}
    for player, name in ((MAIN, "Demo Spartan"), (NIMBUS, "Nimbus Crow"), (QUILL, "Quill#4821")):
        rows = [v for (p, _), v in csr.items() if p == player]
        gaps = 1 if player == QUILL else 0  # the ranked match whose recap was dropped: explained
        latest = max(rows, key=lambda r: r["start"])
        assert lines[name].startswith(
            f"{name}: {len(rows)} ranked match(es) with a CSR row ({sum(r['is_placement'] for r in rows)} "
            f"placement(s), 2 season(s)), {gaps} without · CSR {latest['post_csr']} {latest['post_tier']} in "
        ), lines[name]
        assert " · best map " in lines[name] and " people met, most often " in lines[name]
