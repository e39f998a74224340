"""The synthetic career: shape of the demo, consistency of rendered payloads, determinism, scale."""

from __future__ import annotations

import math

import pytest

from fake_halo import Career, CareerSpec
from fake_halo.payloads import history_item, match_stats
from fake_halo.skill import SkillRenderer
from fake_halo.templates import parse_time_ms

MINUTE_MS = 60_000


@pytest.fixture(scope="module")
def demo() -> Career:
    return Career(CareerSpec.demo())


def tracked_xuids(career: Career) -> set[int]:
    return {int(p.xuid) for p in career.tracked}


def chronological(career: Career, xuid: int) -> list:
    return list(reversed(career.history(xuid)))


def truncated_kda(kills: int, deaths: int, assists: int) -> float:
    # Independent of the payload: K + A/3 - D, truncated (not rounded) to 2 decimals.
    return math.trunc((kills + assists / 3 - deaths) * 100) / 100


# -- demo shape ------------------------------------------------------------------------------------
def test_demo_players_and_match_counts(demo: Career) -> None:
    counts = {p.gamertag: len(demo.history(int(p.xuid))) for p in demo.tracked}
    assert counts == {"Demo Spartan": 60, "Nimbus Crow": 32, "Quill#4821": 27}
    main, nimbus, quill = demo.tracked
    assert set(main.friends) == {nimbus.xuid, quill.xuid}
    assert demo.me.gamertag == "Demo Spartan"


def test_friends_share_matches_on_the_same_team(demo: Career) -> None:
    tracked = tracked_xuids(demo)
    shared = [m for m in demo.matches if len(tracked & set(m.humans)) > 1]
    main = int(demo.tracked[0].xuid)
    assert sum(1 for m in shared if main in m.humans) >= 15
    for meta in shared:
        teams = {demo.slot(meta, x).team_id for x in tracked & set(meta.humans)}
        assert len(teams) == 1, f"{meta.match_id}: tracked friends split across teams"
        assert not demo.template(meta).is_custom


def test_customs_are_solo_games_against_bots(demo: Career) -> None:
    customs = [m for m in demo.matches if demo.template(m).is_custom]
    assert len(customs) >= 3
    for meta in customs:
        assert len(meta.humans) == 1
        payload = match_stats(demo, meta)
        assert payload["MatchInfo"]["Playlist"] is None
        assert any(p["PlayerId"].startswith("bid(") for p in payload["Players"])


def test_main_player_showcases_films_leaving_and_team_switching(demo: Career) -> None:
    main = int(demo.tracked[0].xuid)
    history = demo.history(main)
    slots = [(demo.template(m), demo.slot(m, main), m) for m in history]
    assert any(s.left_early for _, s, _ in slots)
    assert any(s.team_switch for _, s, _ in slots)
    film_templates = {t.name for t, _, m in slots if m.film}
    assert film_templates == {"oddball", "oddball_1v1"}
    assert {t.name for t, _, _ in slots} == set(demo.fixtures.template_names())


def test_films_only_where_a_recorded_film_reconciles(demo: Career) -> None:
    films = [m for m in demo.matches if m.film]
    assert 0.2 < len(films) / len(demo.matches) < 0.5
    assert all(demo.template(m).film is not None for m in films)
    # Some film-capable matches lost their film (the 404 path).
    assert any(not m.film and demo.template(m).film is not None for m in demo.matches)


def test_sessions_and_the_120_minute_boundary(demo: Career) -> None:
    main = int(demo.tracked[0].xuid)
    starts = [m.start_ms for m in chronological(demo, main)]
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert 120 * MINUTE_MS in gaps
    assert 121 * MINUTE_MS in gaps
    in_session = [g for g in gaps if g < 100 * MINUTE_MS]
    between = [g for g in gaps if g > 121 * MINUTE_MS]
    assert all(3 * MINUTE_MS < g < 30 * MINUTE_MS for g in in_session)
    assert all(g >= 3 * 60 * MINUTE_MS for g in between)
    assert len(between) >= 4  # several sessions, hours or days apart


def test_gamertag_changes(demo: Career) -> None:
    quill = int(demo.tracked[2].xuid)
    at, former = demo.renames[quill]
    assert former == "QuillTheBold"
    history = chronological(demo, quill)
    assert sum(1 for m in history if m.start_ms < at) == 13
    assert demo.gamertag_at(quill, at - 1) == "QuillTheBold"
    assert demo.gamertag_at(quill, at) == "Quill#4821" == demo.player(quill).gamertag
    # Films exist on both sides of the change, so names in films differ over time.
    assert any(m.film and m.start_ms < at for m in history)
    assert any(m.film and m.start_ms > at for m in history)
    randoms = [x for x in demo.renames if x not in tracked_xuids(demo)]
    assert len(randoms) == 1
    seen = [m.start_ms for m in demo.matches if randoms[0] in m.humans]
    rename_at = demo.renames[randoms[0]][0]
    assert min(seen) < rename_at < max(seen)


def test_synthetic_player_pool(demo: Career) -> None:
    pool = [p for p in demo.players() if not p.tracked]
    assert len(pool) == 240
    tags = [p.gamertag for p in demo.players()]
    assert len({t.casefold() for t in tags}) == len(tags)
    assert all(len(t) <= 15 for t in tags)
    assert sum(" " in p.gamertag for p in pool) > 20
    assert any(p.gamertag.endswith("#1234") for p in pool)
    for player in pool:
        text = str(player.xuid)
        assert len(text) == 16 and text[:4] in ("2533", "2535")
        assert 2e15 < player.xuid < 3e15  # what a film record can carry


# -- rendered payloads -----------------------------------------------------------------------------
def test_every_stats_payload_is_internally_consistent(demo: Career) -> None:
    for meta in demo.matches:
        payload = match_stats(demo, meta)
        assert payload["MatchId"] == meta.match_id
        ids = [p["PlayerId"] for p in payload["Players"]]
        assert len(ids) == len(set(ids))
        team_kills: dict[int, int] = {}
        team_deaths: dict[int, int] = {}
        for player in payload["Players"]:
            for entry in player["PlayerTeamStats"]:
                core = entry["Stats"]["CoreStats"]
                team_kills[entry["TeamId"]] = team_kills.get(entry["TeamId"], 0) + core["Kills"]
                team_deaths[entry["TeamId"]] = team_deaths.get(entry["TeamId"], 0) + core["Deaths"]
                expected = truncated_kda(core["Kills"], core["Deaths"], core["Assists"])
                assert core["KDA"] == pytest.approx(expected, abs=1e-9)
                if core["ShotsFired"]:
                    accuracy = round(core["ShotsHit"] / core["ShotsFired"] * 100, 2)
                    assert core["Accuracy"] == pytest.approx(accuracy, abs=0.011)
        for team in payload["Teams"]:
            core = team["Stats"]["CoreStats"]
            assert core["Kills"] == team_kills[team["TeamId"]]
            assert core["Deaths"] == team_deaths[team["TeamId"]]
        info = payload["MatchInfo"]
        start, end = parse_time_ms(info["StartTime"]), parse_time_ms(info["EndTime"])
        assert start == meta.start_ms
        for player in payload["Players"]:
            part = player["ParticipationInfo"]
            assert start <= parse_time_ms(part["FirstJoinedTime"]) <= end
            if part["LastLeaveTime"] is not None:
                assert start <= parse_time_ms(part["LastLeaveTime"]) <= end


def test_history_items_agree_with_stats(demo: Career) -> None:
    main = int(demo.tracked[0].xuid)
    for meta in demo.history(main):
        item = history_item(demo, meta, main)
        stats = match_stats(demo, meta)
        me = next(p for p in stats["Players"] if p["PlayerId"] == f"xuid({main})")
        assert item["MatchInfo"] == stats["MatchInfo"]
        assert item["LastTeamId"] == me["LastTeamId"]
        assert item["Outcome"] == me["Outcome"]
        assert item["Rank"] == me["Rank"]
        assert item["PresentAtEndOfMatch"] == me["ParticipationInfo"]["PresentAtCompletion"]


def test_skill_counts_mmrs_and_csr_progression(demo: Career) -> None:
    skill = SkillRenderer(demo)
    seasons = set()
    for player in demo.tracked:
        xuid = int(player.xuid)
        previous_post, previous_season, placements = None, None, 0
        for meta in chronological(demo, xuid):
            if demo.template(meta).is_custom:
                continue
            value = skill.render(meta, [xuid])["Value"][0]
            result = value["Result"]
            stats = match_stats(demo, meta)
            me = next(p for p in stats["Players"] if p["PlayerId"] == f"xuid({xuid})")
            kills = sum(e["Stats"]["CoreStats"]["Kills"] for e in me["PlayerTeamStats"])
            deaths = sum(e["Stats"]["CoreStats"]["Deaths"] for e in me["PlayerTeamStats"])
            assert result["StatPerformances"]["Kills"]["Count"] == kills
            assert result["StatPerformances"]["Deaths"]["Count"] == deaths
            assert result["TeamMmr"] == result["TeamMmrs"][str(me["LastTeamId"])]
            if not demo.template(meta).ranked:
                continue
            recap = result["RankRecap"]
            pre, post = recap["PreMatchCsr"], recap["PostMatchCsr"]
            season = stats["MatchInfo"]["SeasonId"]
            if previous_season is not None and season != previous_season:
                placements = 3  # a new CSR season starts with three placement matches
            if placements:
                assert pre["Value"] == -1 and pre["Tier"] == "" and pre["MeasurementMatchesRemaining"] == placements
                assert post["MeasurementMatchesRemaining"] == placements - 1
                assert (post["Value"] == -1) == (placements > 1)
                placements -= 1
            elif previous_post is not None:
                assert pre["Value"] == previous_post and pre["MeasurementMatchesRemaining"] == 0
            previous_post, previous_season = post["Value"], season
            seasons.add(season)
    # The demo plays across one CSR season boundary, so its placements are exercised.
    assert seasons == {"Csr/Seasons/CsrSeason9-1.json", "Csr/Seasons/CsrSeason10-1.json"}


def test_add_match_goes_on_top_and_reset_removes_it() -> None:
    career = Career(CareerSpec.demo())
    main, nimbus = int(career.tracked[0].xuid), int(career.tracked[1].xuid)
    before = career.history(main)[0]
    meta = career.add_match(main, template="oddball", teammates=[nimbus], film=True)
    assert career.history(main)[0] is meta
    assert career.history(nimbus)[0] is meta
    assert meta.start_ms > before.start_ms
    assert len({career.slot(meta, x).team_id for x in (main, nimbus)}) == 1
    career.reset()
    assert career.history(main)[0] is before
    assert career.match(meta.match_id) is None


# -- determinism and scale -------------------------------------------------------------------------
def test_same_seed_same_career() -> None:
    first, second = Career(CareerSpec.demo()), Career(CareerSpec.demo())
    assert [(m.match_id, m.humans, m.start_ms) for m in first.matches] == [
        (m.match_id, m.humans, m.start_ms) for m in second.matches
    ]
    assert match_stats(first, first.matches[5]) == match_stats(second, second.matches[5])
    other = Career(CareerSpec.scale(3, 60, seed=1))
    again = Career(CareerSpec.scale(3, 60, seed=2))
    assert [m.match_id for m in other.matches] != [m.match_id for m in again.matches]


def test_a_scale_career_renders_its_matches() -> None:
    # How long generation takes is a benchmark figure (bench.synth), not a test's concern.
    career = Career(CareerSpec.scale(8, 50_000))
    assert len(career.matches) == 50_000
    skill = SkillRenderer(career)
    player = int(career.tracked[0].xuid)
    for meta in career.history(player)[:3]:
        assert match_stats(career, meta)["MatchId"] == meta.match_id
        history_item(career, meta, player)
        if not career.template(meta).is_custom:
            assert skill.render(meta, [player])["Value"][0]["ResultCode"] == 0
