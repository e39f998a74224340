"""The fake Halo API over real HTTP on loopback (httpx against ``running``)."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import quote

import httpx
import pytest

from analytics import film
from fake_halo import (
    Career,
    CareerSpec,
    FakeHaloApi,
    FaultConfig,
    FaultRule,
    RateLimit,
    RunningServer,
    running,
)
from fake_halo.recorded import response

TOKEN = "demo-spartan-token"
AUTH = {"x-343-authorization-spartan": TOKEN}
MAIN = "2533274900000042"
NIMBUS = "2533274911112233"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running(FakeHaloApi(Career(CareerSpec.demo()))) as srv:
        yield srv


@pytest.fixture
def fresh() -> Iterator[RunningServer]:
    """A private server for tests that change state (faults, new matches)."""
    with running(FakeHaloApi(Career(CareerSpec.demo()))) as srv:
        yield srv


@pytest.fixture
def client(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10) as c:
        yield c


def history_pages(client: httpx.Client, player: str, kind: str = "all") -> list[dict]:
    pages, start = [], 0
    while True:
        page = client.get(
            f"/halostats/hi/players/{player}/matches",
            params={"start": start, "count": 25, "type": kind},
        ).json()
        pages.append(page)
        if page["ResultCount"] < 25:
            return pages
        start += 25


def humans_of(stats: dict) -> list[str]:
    return [p["PlayerId"] for p in stats["Players"] if p["PlayerType"] == 1]


# -- auth, clearance, profile ----------------------------------------------------------------------
def test_requests_without_the_spartan_token_get_401(server: RunningServer) -> None:
    url = f"{server.base_url}/halostats/hi/players/xuid({MAIN})/matches"
    for headers in ({}, {"x-343-authorization-spartan": "wrong"}):
        response = httpx.get(url, headers=headers)
        assert response.status_code == 401
        assert response.json()["status"] == 401


def test_clearance_and_profiles(client: httpx.Client) -> None:
    flight = client.get("/settings/oban/flight-configurations/titles/hi/audiences/RETAIL/active")
    assert set(flight.json()) == {"FlightConfigurationId"}
    me = client.get("/profile/users/me").json()
    assert me["xuid"] == MAIN and me["gamertag"] == "Demo Spartan"
    assert set(me["gamerpic"]) == {"small", "medium", "large", "xlarge"}
    assert client.get(f"/profile/users/gt({quote('quill#4821', safe='')})").json()["xuid"] == (
        "2535400000004821"
    )
    assert client.get(f"/profile/users/xuid({NIMBUS})").json()["gamertag"] == "Nimbus Crow"
    batch = client.get("/profile/users", params={"xuids": [MAIN, "1234567890123456", NIMBUS]})
    assert [u["xuid"] for u in batch.json()] == [MAIN, NIMBUS]
    assert client.get("/profile/users/gt(Nobody Here)").status_code == 404
    assert client.get("/profile/users/xuid(123)").status_code == 400
    # A changed gamertag: the profile answers the new one, the old one is unknown.
    assert client.get("/profile/users/gt(QuillTheBold)").status_code == 404


# -- history ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("player", [f"xuid({MAIN})", quote("Demo Spartan"), quote("Quill#4821")])
def test_history_paging_newest_first(client: httpx.Client, player: str) -> None:
    counts = client.get(f"/halostats/hi/players/{player}/matches/count").json()
    for kind, key in (
        ("all", "MatchesPlayedCount"),
        ("matchmaking", "MatchmadeMatchesPlayedCount"),
        ("custom", "CustomMatchesPlayedCount"),
        ("local", "LocalMatchesPlayedCount"),
    ):
        pages = history_pages(client, player, kind)
        assert all(p["Count"] == 25 and p["ResultCount"] == len(p["Results"]) for p in pages)
        assert pages[-1]["ResultCount"] < 25
        items = [item for page in pages for item in page["Results"]]
        assert len(items) == counts[key]
        assert len({i["MatchId"] for i in items}) == len(items)
        starts = [i["MatchInfo"]["StartTime"] for i in items]
        assert starts == sorted(starts, reverse=True)
        modes = {i["MatchInfo"]["LifecycleMode"] for i in items}
        assert modes <= {"all": {1, 3}, "matchmaking": {3}, "custom": {1}, "local": set()}[kind]
        assert all(
            set(i)
            == {"MatchId", "MatchInfo", "LastTeamId", "Outcome", "Rank", "PresentAtEndOfMatch"}
            for i in items
        )


def test_history_caps_count_and_rejects_bad_parameters(client: httpx.Client) -> None:
    path = f"/halostats/hi/players/xuid({MAIN})/matches"
    page = client.get(path, params={"count": 100}).json()
    assert page["Count"] == 25 and page["ResultCount"] == 25
    for params in ({"start": "x"}, {"count": 0}, {"start": -1}, {"type": "ranked"}):
        response = client.get(path, params=params)
        assert response.status_code == 400, params
        assert "message" in response.json()
    assert client.get("/halostats/hi/players/xuid(42)/matches").status_code == 400
    assert client.get("/halostats/hi/players/Nobody/matches").status_code == 404


def test_a_new_match_shifts_history_by_one(fresh: RunningServer) -> None:
    with httpx.Client(base_url=fresh.base_url, headers=AUTH) as c:
        path = f"/halostats/hi/players/xuid({MAIN})/matches"
        first = c.get(path, params={"start": 0, "count": 25}).json()["Results"]
        new_id = fresh.add_match(MAIN, teammates=[NIMBUS])
        second = c.get(path, params={"start": 25, "count": 25}).json()["Results"]
        assert second[0]["MatchId"] == first[-1]["MatchId"]  # the one-item overlap
        top = c.get(path, params={"start": 0, "count": 1}).json()["Results"][0]
        assert top["MatchId"] == new_id
        friend = c.get(f"/halostats/hi/players/xuid({NIMBUS})/matches", params={"count": 1})
        assert friend.json()["Results"][0]["MatchId"] == new_id
        assert c.get(f"/halostats/hi/matches/{new_id}/stats").status_code == 200
        # The same over the control endpoint, for a server in another process.
        added = httpx.post(
            f"{fresh.base_url}/_control/new-match",
            json={"player": "Nimbus Crow", "film": True, "template": "oddball"},
        )
        assert added.status_code == 200
        top = c.get(f"/halostats/hi/players/xuid({NIMBUS})/matches", params={"count": 1})
        assert top.json()["Results"][0]["MatchId"] == added.json()["MatchId"]
        bad = httpx.post(f"{fresh.base_url}/_control/new-match", json={"player": "Nobody"})
        assert bad.status_code == 404
        httpx.post(f"{fresh.base_url}/_control/reset")
        assert (
            c.get(path, params={"count": 1}).json()["Results"][0]["MatchId"] == first[0]["MatchId"]
        )


# -- stats and skill -------------------------------------------------------------------------------
def test_stats_over_http_are_consistent(server: RunningServer, client: httpx.Client) -> None:
    career = server.api.career
    for meta in career.matches:
        stats = client.get(f"/halostats/hi/matches/{meta.match_id}/stats").json()
        kills: Counter[int] = Counter()
        for player in stats["Players"]:
            for entry in player["PlayerTeamStats"]:
                core = entry["Stats"]["CoreStats"]
                kills[entry["TeamId"]] += core["Kills"]
                kda = int((core["Kills"] + core["Assists"] / 3 - core["Deaths"]) * 100) / 100
                assert core["KDA"] == pytest.approx(kda, abs=1e-9)
        for team in stats["Teams"]:
            assert team["Stats"]["CoreStats"]["Kills"] == kills[team["TeamId"]]
    assert (
        client.get("/halostats/hi/matches/00000000-0000-0000-0000-000000000000/stats").status_code
        == 404
    )


def test_skill_answers_only_listed_humans(server: RunningServer, client: httpx.Client) -> None:
    career = server.api.career
    meta = next(m for m in career.history(int(MAIN)) if career.template(m).ranked)
    stats = client.get(f"/halostats/hi/matches/{meta.match_id}/stats").json()
    humans = humans_of(stats)
    url = f"/skill/hi/matches/{meta.match_id}/skill"
    skill = client.get(url, params={"players": humans[:2]}).json()
    assert [v["Id"] for v in skill["Value"]] == humans[:2]
    results = [v["Result"] for v in skill["Value"]]
    assert results[0]["TeamMmrs"] == results[1]["TeamMmrs"]
    assert set(results[0]["TeamMmrs"]) == {"0", "1"}
    for value in skill["Value"]:
        player = next(p for p in stats["Players"] if p["PlayerId"] == value["Id"])
        kills = sum(e["Stats"]["CoreStats"]["Kills"] for e in player["PlayerTeamStats"])
        assert value["ResultCode"] == 0
        assert value["Result"]["StatPerformances"]["Kills"]["Count"] == kills
        assert value["Result"]["TeamId"] == player["LastTeamId"]
        assert value["Result"]["RankRecap"]["PreMatchCsr"]["Value"] > 0
    outsider = client.get(url, params={"players": "xuid(2533274999999999)"}).json()
    assert outsider["Value"][0]["ResultCode"] == 1
    assert client.get(url, params={"players": [humans[0], "bid(3.0)"]}).status_code == 400
    assert client.get(url).status_code == 400
    custom = next(m for m in career.history(int(MAIN)) if career.template(m).is_custom)
    response = client.get(
        f"/skill/hi/matches/{custom.match_id}/skill", params={"players": f"xuid({MAIN})"}
    )
    assert response.status_code == 404


# -- assets and medals -----------------------------------------------------------------------------
def test_assets_of_a_ranked_match(server: RunningServer, client: httpx.Client) -> None:
    career = server.api.career
    meta = next(m for m in career.matches if career.template(m).name == "ctf")
    info = client.get(f"/halostats/hi/matches/{meta.match_id}/stats").json()["MatchInfo"]
    names = {}
    for kind, key in (
        ("maps", "MapVariant"),
        ("ugcGameVariants", "UgcGameVariant"),
        ("playlists", "Playlist"),
        ("mapModePairs", "PlaylistMapModePair"),
    ):
        ref = info[key]
        payload = client.get(
            f"/discovery-infiniteugc/hi/{kind}/{ref['AssetId']}/versions/{ref['VersionId']}"
        ).json()
        assert (payload["AssetId"], payload["VersionId"]) == (ref["AssetId"], ref["VersionId"])
        assert ref["AssetId"] in payload["Files"]["Prefix"]
        names[kind] = payload
    assert names["playlists"]["PublicName"] == "Ranked Arena"
    assert names["ugcGameVariants"]["PublicName"] == "Ranked:CTF"
    pair = names["mapModePairs"]
    assert pair["MapLink"]["AssetId"] == info["MapVariant"]["AssetId"]
    assert pair["MapLink"]["PublicName"] == names["maps"]["PublicName"]
    assert pair["UgcGameVariantLink"]["PublicName"] == "Ranked:CTF"
    assert pair["PublicName"] == f"Ranked:CTF on {names['maps']['PublicName']}"
    unknown = "/discovery-infiniteugc/hi/maps/{0}/versions/{0}".format(
        "11111111-1111-4111-8111-111111111111"
    )
    assert client.get(unknown).status_code == 404


def test_medal_metadata(client: httpx.Client) -> None:
    medals = client.get("/gamecms-hacs/hi/Waypoint/file/medals/metadata.json").json()
    assert len(medals["medals"]) == 151


def test_csr_season_calendar_extends_the_recording_and_dates_every_match(
    server: RunningServer, client: httpx.Client
) -> None:
    served = client.get("/gamecms-hacs/hi/Progression/file/Csr/Calendars/CsrSeasonCalendar.json").json()
    recorded = json.loads(response("get_csr_season_calendar.json").read_text())
    seasons = served["Seasons"]
    assert seasons[: len(recorded["Seasons"])] == recorded["Seasons"]  # the recording as recorded
    bounds = [
        (s["CsrSeasonFilePath"], datetime.fromisoformat(s["StartDate"]["ISO8601Date"]),
         datetime.fromisoformat(s["EndDate"]["ISO8601Date"]))
        for s in seasons
    ]
    assert all(a[2] == b[1] for a, b in zip(bounds, bounds[1:], strict=False))  # contiguous
    assert bounds[-1][0] == "Csr/Seasons/CsrSeason10-1.json"
    # Every matchmade match's SeasonId is the season whose [start, end) holds its start time.
    for meta in server.api.career.matches:
        info = client.get(f"/halostats/hi/matches/{meta.match_id}/stats").json()["MatchInfo"]
        if info.get("SeasonId") is None:
            continue  # a custom game
        start = datetime.fromisoformat(info["StartTime"])
        (holding,) = [path for path, begin, end in bounds if begin <= start < end]
        assert info["SeasonId"] == holding


# -- films -----------------------------------------------------------------------------------------
def test_matches_without_film_answer_404(server: RunningServer, client: httpx.Client) -> None:
    career = server.api.career
    meta = next(m for m in career.matches if not m.film)
    response = client.get(f"/discovery-infiniteugc/hi/films/matches/{meta.match_id}/spectate")
    assert response.status_code == 404


@pytest.mark.parametrize("template", ["oddball", "oddball_1v1"])
def test_film_manifest_and_highlight_chunk_reconcile(
    server: RunningServer, client: httpx.Client, template: str
) -> None:
    career = server.api.career
    for meta in [m for m in career.matches if m.film and career.template(m).name == template][:3]:
        manifest = client.get(f"/discovery-infiniteugc/hi/films/matches/{meta.match_id}/spectate")
        assert manifest.status_code == 200, manifest.text
        payload = manifest.json()
        prefix = payload["BlobStoragePathPrefix"]
        assert prefix.startswith(
            f"https://blobs-infiniteugc.svc.halowaypoint.com/ugcstorage/film/{payload['AssetId']}/"
        )
        custom = payload["CustomData"]
        assert custom["MatchId"] == meta.match_id
        last = custom["Chunks"][-1]
        assert last["ChunkType"] == 3
        version = custom["FilmMajorVersion"]
        assert version == {"oddball": 38, "oddball_1v1": 37}[template]
        # Chunk URLs go through the base override: https://{host}.svc... -> {base}/{host}...
        path = prefix.removeprefix("https://blobs-infiniteugc.svc.halowaypoint.com")
        chunk_url = f"{server.base_url}/blobs-infiniteugc{path}{last['FileRelativePath'][1:]}"
        chunk = httpx.get(chunk_url)  # no auth header: blob storage needs none
        assert chunk.status_code == 200
        assert chunk.headers["content-type"] == "application/octet-stream"
        assert len(chunk.content) == last["ChunkSize"]
        events = film.decode_highlight_events(chunk.content, version)
        stats = client.get(f"/halostats/hi/matches/{meta.match_id}/stats").json()
        expected: dict[str, dict[int, int]] = {"kill": {}, "death": {}}
        for player in stats["Players"]:
            if player["PlayerType"] == 1:
                xuid = int(player["PlayerId"][5:-1])
                for kind, key in (("kill", "Kills"), ("death", "Deaths")):
                    expected[kind][xuid] = sum(
                        e["Stats"]["CoreStats"][key] for e in player["PlayerTeamStats"]
                    )
        assert {e.xuid for e in events} <= set(expected["kill"])
        for event in events:
            assert event.gamertag == career.gamertag_at(event.xuid, meta.start_ms)
        for kind, per_player in expected.items():
            counted = Counter(e.xuid for e in events if e.event_type == kind)
            assert {x: counted.get(x, 0) for x in per_player} == per_player, kind


def test_films_name_players_as_they_were_called_then(
    server: RunningServer, client: httpx.Client
) -> None:
    career = server.api.career
    quill = 2535400000004821
    renamed_at = career.renames[quill][0]
    seen = set()
    for meta in career.history(quill):
        if not meta.film:
            continue
        manifest = client.get(f"/discovery-infiniteugc/hi/films/matches/{meta.match_id}/spectate")
        custom = manifest.json()["CustomData"]
        chunk = server.api.films.chunk(meta, custom["Chunks"][-1]["Index"])
        events = film.decode_highlight_events(chunk, custom["FilmMajorVersion"])
        names = {e.gamertag for e in events if e.xuid == quill}
        seen |= names
        assert names <= {"QuillTheBold" if meta.start_ms < renamed_at else "Quill#4821"}
    assert seen == {"QuillTheBold", "Quill#4821"}


# -- faults ----------------------------------------------------------------------------------------
def stats_url(server: RunningServer) -> str:
    return f"/halostats/hi/matches/{server.api.career.matches[0].match_id}/stats"


def test_injected_status_for_the_first_n_requests(fresh: RunningServer) -> None:
    fresh.set_faults(
        FaultConfig(rules=(FaultRule("status", status=503, endpoint="stats", times=2),))
    )
    with httpx.Client(base_url=fresh.base_url, headers=AUTH) as c:
        statuses = [c.get(stats_url(fresh)).status_code for _ in range(3)]
        assert statuses == [503, 503, 200]
        assert c.get(f"/profile/users/xuid({MAIN})").status_code == 200  # other endpoints untouched
    assert [r.fault for r in fresh.requests if r.endpoint == "stats"] == ["status:503"] * 2 + [None]


def test_truncated_and_invalid_json(fresh: RunningServer) -> None:
    with httpx.Client(base_url=fresh.base_url, headers=AUTH) as c:
        whole = c.get(stats_url(fresh)).content
        fresh.set_faults(
            FaultConfig(rules=(FaultRule("truncated_json", host="halostats", times=1),))
        )
        cut = c.get(stats_url(fresh))
        assert cut.status_code == 200 and cut.content == whole[: len(whole) // 2]
        with pytest.raises(ValueError):
            cut.json()
        fresh.set_faults(FaultConfig(rules=(FaultRule("invalid_json", path_regex=r"/stats$"),)))
        garbage = c.get(stats_url(fresh))
        assert garbage.status_code == 200
        with pytest.raises(ValueError):
            garbage.json()


def test_dropped_connection_and_slow_answers(fresh: RunningServer) -> None:
    fresh.set_faults(
        FaultConfig(
            rules=(
                FaultRule("drop", endpoint="stats", times=1),
                FaultRule("slow", endpoint="profile", delay_s=0.3),
            )
        )
    )
    with httpx.Client(base_url=fresh.base_url, headers=AUTH) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            c.get(stats_url(fresh))
        assert c.get(stats_url(fresh)).status_code == 200  # the server lives on
        began = time.perf_counter()
        assert c.get("/profile/users/me").status_code == 200
        assert time.perf_counter() - began >= 0.3
        with pytest.raises(httpx.ReadTimeout):
            c.get("/profile/users/me", timeout=0.1)
    assert [r.status for r in fresh.requests if r.endpoint == "stats"][0] == 0


def test_latency(fresh: RunningServer) -> None:
    fresh.set_faults(FaultConfig(latency_ms=150, jitter_ms=50, seed=3))
    with httpx.Client(base_url=fresh.base_url, headers=AUTH) as c:
        began = time.perf_counter()
        c.get("/profile/users/me")
        assert time.perf_counter() - began >= 0.15


def test_probabilistic_faults_are_deterministic(fresh: RunningServer) -> None:
    config = FaultConfig(seed=11, rules=(FaultRule("status", status=500, probability=0.5),))

    def run() -> list[int]:
        fresh.set_faults(config)
        with httpx.Client(base_url=fresh.base_url, headers=AUTH) as c:
            return [c.get("/profile/users/me").status_code for _ in range(20)]

    first = run()
    assert run() == first
    assert 3 <= first.count(500) <= 17


def test_rate_limit_429_with_and_without_retry_after(fresh: RunningServer) -> None:
    fresh.set_faults(FaultConfig(rate_limit=RateLimit(2.0, burst=2, hosts=("profile",))))
    with httpx.Client(base_url=fresh.base_url, headers=AUTH) as c:
        statuses = [c.get("/profile/users/me") for _ in range(4)]
        assert [r.status_code for r in statuses[:2]] == [200, 200]
        limited = [r for r in statuses if r.status_code == 429]
        assert limited and all(int(r.headers["Retry-After"]) >= 1 for r in limited)
        assert c.get(stats_url(fresh)).status_code == 200  # another host has its own budget
        time.sleep(0.6)
        assert c.get("/profile/users/me").status_code == 200  # tokens refill
        fresh.set_faults(FaultConfig(rate_limit=RateLimit(1.0, burst=1, retry_after=False)))
        responses = [c.get("/profile/users/me") for _ in range(2)]
        assert responses[1].status_code == 429 and "Retry-After" not in responses[1].headers


def test_fault_control_endpoint(fresh: RunningServer) -> None:
    base = fresh.base_url
    body = {"rules": [{"action": "status", "status": 502, "endpoint": "history", "times": 1}]}
    assert httpx.post(f"{base}/_control/faults", json=body).status_code == 200
    url = f"{base}/halostats/hi/players/xuid({MAIN})/matches"
    assert httpx.get(url, headers=AUTH).status_code == 502
    assert httpx.get(url, headers=AUTH).status_code == 200
    for bad in ({"rules": [{"action": "explode"}]}, {"nope": 1}, {"rules": [{"status": "x"}]}):
        response = httpx.post(f"{base}/_control/faults", json=bad)
        assert response.status_code == 400, bad
    assert httpx.post(f"{base}/_control/faults", content=b"{not json").status_code == 400
    log = httpx.get(f"{base}/_control/requests").json()
    assert log["counts"]["history"] == 2
    assert log["requests"][0]["status"] == 502
    assert fresh.count(host="halostats", endpoint="history") == 2
    httpx.post(f"{base}/_control/reset")
    assert fresh.count() == 0


# -- robustness and determinism --------------------------------------------------------------------
def test_concurrent_requests(server: RunningServer) -> None:
    career = server.api.career
    urls = [f"/halostats/hi/matches/{m.match_id}/stats" for m in career.matches[:40]]

    async def fetch_all() -> list[int]:
        async with httpx.AsyncClient(base_url=server.base_url, headers=AUTH) as c:
            responses = await asyncio.gather(*(c.get(u) for u in urls))
        return [r.status_code for r in responses]

    assert asyncio.run(fetch_all()) == [200] * len(urls)


def test_bad_requests_never_kill_the_server(server: RunningServer, client: httpx.Client) -> None:
    for path in ("/", "/nowhere", "/halostats/hi/nothing", "/skill/hi/matches//skill"):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["status"] == 404
    assert client.post("/profile/users/me").status_code == 405
    with socket.create_connection(("127.0.0.1", server.port)) as raw:
        raw.sendall(b"GET / BOGUS/1.1\r\n\r\n")  # no valid version: a bare JSON error body
        answer = b""
        while chunk := raw.recv(500):
            answer += chunk
        assert b'"status": 400' in answer
    with socket.create_connection(("127.0.0.1", server.port)) as raw:
        raw.sendall(b"POST /_control/reset HTTP/1.1\r\nContent-Length: lots\r\n\r\n")
        answer = b""
        while chunk := raw.recv(500):  # the server closes the connection after an error
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 400") and b'"status": 400' in answer
    assert client.get("/profile/users/me").status_code == 200


def test_same_seed_gives_byte_identical_payloads() -> None:
    def fetch_all(srv: RunningServer) -> list[bytes]:
        career = srv.api.career
        with httpx.Client(base_url=srv.base_url, headers=AUTH) as c:
            bodies = [c.get(f"/halostats/hi/players/xuid({MAIN})/matches").content]
            for meta in career.matches[:10]:
                bodies.append(c.get(f"/halostats/hi/matches/{meta.match_id}/stats").content)
                if not career.template(meta).is_custom:
                    players = [f"xuid({x})" for x in meta.humans]
                    skill = c.get(
                        f"/skill/hi/matches/{meta.match_id}/skill", params={"players": players}
                    )
                    bodies.append(skill.content)
            bodies.append(
                c.get(
                    "/settings/oban/flight-configurations/titles/hi/audiences/RETAIL/active"
                ).content
            )
            info = career.fixtures.template("zones").match_info["PlaylistMapModePair"]
            pair = f"mapModePairs/{info['AssetId']}/versions/{info['VersionId']}"
            bodies.append(c.get(f"/discovery-infiniteugc/hi/{pair}").content)
            filmed = next(m for m in career.matches if m.film)
            manifest = c.get(f"/discovery-infiniteugc/hi/films/matches/{filmed.match_id}/spectate")
            bodies.append(manifest.content)
            prefix = manifest.json()["BlobStoragePathPrefix"].split(".com", 1)[1]
            last = manifest.json()["CustomData"]["Chunks"][-1]["FileRelativePath"]
            bodies.append(c.get(f"/blobs-infiniteugc{prefix}{last[1:]}").content)
        return bodies

    with (
        running(FakeHaloApi(Career(CareerSpec.demo()))) as a,
        running(FakeHaloApi(Career(CareerSpec.demo()))) as b,
    ):
        assert fetch_all(a) == fetch_all(b)


def test_halo_fake_api_serves_the_demo_career_with_the_token_asked_for() -> None:
    """The `halo fake-api` command: a real server process, the demo career by default."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALO_")}
    server = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
        [sys.executable, "-m", "ingest", "fake-api", "--port", "0", "--token", "v4=OtherToken123"],
        env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        line = server.stderr.readline()  # the ready line names the address and the token
        assert "HALO_SPARTAN_TOKEN=v4=OtherToken123" in line, line
        url = line.split("HALO_API_BASE_URL=", 1)[1].split()[0]
        page = f"{url}/halostats/hi/players/xuid({MAIN})/matches?start=0&count=25&type=all"
        refused = httpx.get(page, headers=AUTH, timeout=10)
        answered = httpx.get(page, headers={"x-343-authorization-spartan": "v4=OtherToken123"}, timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert refused.status_code == 401
    assert answered.status_code == 200
    listed = {item["MatchId"] for item in answered.json()["Results"]}
    demo = {m.match_id for m in Career(CareerSpec.demo()).history(int(MAIN))}  # the default career
    assert len(demo) == 60 and len(listed) == 25 and listed <= demo
