"""Payload fuzzing: Hypothesis mutates recorded payloads (keys removed, types changed, huge and
negative numbers, no Players or Teams, odd gamertags, duplicated players, unknown codes, film
chunks with random bytes after a valid header) and everything downstream must cope.

Two levels, one Hypothesis run:

* every example goes through what the ingester does with a payload it accepted (the references it
  reads from it, in Python and in SQL, next to a good payload), cheaply, 150 examples;
* the examples are then landed together, each as its own match of a "fuzz" player's history, into
  one warehouse next to the demo career, and built once by dbt: the build passes (oddities only
  warn), every good match is built exactly as its raw JSON says, and every oddity is a row of the
  warn test assert_payloads_well_formed (or, for a film, an explained decode error).

Failures found are kept below as explicit ``@example``s.
"""

from __future__ import annotations

import copy
import json
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support.dbt_harness import query, run_dbt
from support.ingest_harness import ingest_once

from fake_halo import Career, CareerSpec, FakeHaloApi, running
from ingest.store import landed
from ingest.store.schema import ensure_landing_schema
from ingest.store.writer import LandingWriter
from ingest.vocabulary import asset_refs, human_xuids

pytestmark = pytest.mark.dbt

FUZZ_XUID = "2533274999990001"  # an untracked player whose history lists the mutated matches
EXAMPLES = 150

# (path, is an oddity the warn test must report). "*" is one player / one team stats entry.
REMOVABLE = [
    ("MatchInfo.StartTime", True),
    ("MatchInfo", True),
    ("MatchInfo.EndTime", False),  # the end time falls back on StartTime + Duration
    ("Players", True),
    ("Teams", True),
    ("Players.*.PlayerId", True),
    ("Players.*.PlayerTeamStats", True),
    ("Players.*.PlayerTeamStats.*.Stats.CoreStats.Kills", True),
    ("Players.*.PlayerTeamStats.*.Stats.CoreStats", True),
    ("Players.*.Outcome", True),
    ("Players.*.PlayerType", True),
    ("Players.*.ParticipationInfo", False),
]
RETYPABLE = [path for path, oddity in REMOVABLE if oddity and path != "Players.*.PlayerTeamStats.*.Stats.CoreStats"]
COUNTS = ["Kills", "Deaths", "Assists", "Score", "PersonalScore", "ShotsFired", "ShotsHit"]
SCORES = {"Score", "PersonalScore"}
CODES = {"PlayerType": {-1, 1, 2}, "Outcome": {-1, 0, 1, 2, 3, 4, 5}}


@dataclass
class Mutation:
    """One mutated copy of a recorded stats payload (and maybe a profile and a film chunk)."""

    kind: str
    base: int  # which landed good match it is copied from (index into the sorted good ids)
    path: str | None = None
    value: Any = None
    player: int = 0
    oddity: bool = True
    gamertag: str | None = None
    film_noise: bytes | None = None
    match_id: str = field(default="")
    fresh_xuid: str = "2533274999990002"  # the xuid a "gamertag" mutation gives a player

    def apply(self, stats: dict) -> dict:
        payload = copy.deepcopy(stats)
        players = payload.get("Players") or []
        target = players[self.player % len(players)] if players else None
        if self.kind == "remove":
            _set(payload, self.path, target, remove=True)
        elif self.kind in ("retype", "count", "code"):
            _set(payload, self.path, target, value=self.value)
        elif self.kind == "players_empty":
            payload["Players"] = []
        elif self.kind == "teams_empty":
            payload["Teams"] = []
        elif self.kind == "duplicate_player" and target is not None:
            players.append(copy.deepcopy(target))
        elif self.kind == "gamertag" and target is not None:
            target["PlayerId"] = f"xuid({self.fresh_xuid})"
            target["PlayerType"] = 1
        return payload


def _set(payload: dict, path: str | None, player: dict | None, *, value: Any = None, remove: bool = False) -> None:
    parts = (path or "").split(".")
    node: Any = payload
    if parts[0] == "Players" and len(parts) > 1:
        if player is None:
            return
        node, parts = player, parts[2:]
        if parts[:2] == ["PlayerTeamStats", "*"]:
            entries = node.get("PlayerTeamStats")
            if not isinstance(entries, list) or not entries:
                return
            node, parts = entries[0], parts[2:]
    for part in parts[:-1]:
        if not isinstance(node, dict) or not isinstance(node.get(part), dict):
            return
        node = node[part]
    if isinstance(node, dict):
        if remove:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value


odd_json = st.one_of(
    st.text(max_size=5).filter(lambda t: not t.strip().lstrip("-").isdigit()),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.booleans(), st.none(),
)
bad_count = st.one_of(
    st.integers(max_value=-1), st.integers(min_value=2**31, max_value=2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x != int(x)),
    st.sampled_from([1e300, -1e300, 2.5]),
)
# Gamertags: valid ones in any script (kept exactly), and ones no Xbox account can have.
valid_tag = st.text(st.characters(categories=("L", "N", "Zs"), exclude_characters="\x00"), min_size=1, max_size=15).filter(
    lambda t: t.strip() == t and t.strip() != ""
)
invalid_tag = st.one_of(
    st.text(min_size=16, max_size=3000).filter(lambda t: t.strip() != ""),
    st.text(min_size=1, max_size=10).map(lambda t: "gt\x07" + t[:5]),
)


@st.composite
def mutations(draw: st.DrawFn) -> Mutation:
    kind = draw(st.sampled_from([
        "remove", "retype", "count", "code", "players_empty", "teams_empty", "duplicate_player", "gamertag", "film",
    ]))
    base, player = draw(st.integers(0, 10_000)), draw(st.integers(0, 30))
    if kind == "remove":
        path, oddity = draw(st.sampled_from(REMOVABLE))
        return Mutation(kind, base, path, player=player, oddity=oddity)
    if kind == "retype":
        return Mutation(kind, base, draw(st.sampled_from(RETYPABLE)), draw(odd_json), player=player)
    if kind == "count":
        stat, value = draw(st.sampled_from(COUNTS)), draw(bad_count)
        # A score below zero is real (betrayals): odd only beyond 32 bits or not whole.
        real_score = stat in SCORES and isinstance(value, int) and -(2**31) <= value < 0
        return Mutation(kind, base, f"Players.*.PlayerTeamStats.*.Stats.CoreStats.{stat}", value, player=player,
                        oddity=not real_score)
    if kind == "code":
        code = draw(st.sampled_from(sorted(CODES)))
        value = draw(st.integers(-(2**31), 2**31 - 1).filter(lambda v, c=code: v not in CODES[c]))
        return Mutation(kind, base, f"Players.*.{code}", value, player=player)
    if kind == "gamertag":
        tag, oddity = draw(st.one_of(valid_tag.map(lambda t: (t, False)), invalid_tag.map(lambda t: (t, True))))
        return Mutation(kind, base, player=player, oddity=oddity, gamertag=tag)
    if kind == "film":
        noise = draw(st.binary(min_size=1, max_size=4000))
        return Mutation(kind, base, oddity=True, film_noise=noise, value=draw(st.booleans()))
    return Mutation(kind, base, player=player, oddity=kind != "teams_empty")


# -- the base: the demo career, landed by the real ingester -----------------------------------------


@dataclass
class Base:
    db: Path
    stats: dict[str, dict]  # good match id -> stats payload
    films: list[str]  # good match ids with a landed highlight chunk
    history_item: dict


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    db = tmp_path_factory.mktemp("fuzz_base") / "halo.duckdb"
    spec = CareerSpec.demo()
    with running(FakeHaloApi(Career(spec))) as server:
        assert ingest_once(server, db, [p.xuid for p in spec.players]).code == 0
    rows = query(db, "select match_id, payload from landing.match_stats order by match_id")
    films = [r["match_id"] for r in query(db, "select match_id from landing.film_chunks order by match_id")]
    item = query(db, "select payload from landing.match_history limit 1")[0]["payload"]
    return Base(db, {r["match_id"]: json.loads(r["payload"]) for r in rows}, films, json.loads(item))


# -- level 1: every example, cheaply ----------------------------------------------------------------


def check_ingester_copes(mutation: Mutation, base: Base) -> None:
    good_id, good = sorted(base.stats.items())[0]
    bad = mutation.apply(base.stats[sorted(base.stats)[mutation.base % len(base.stats)]])
    asset_refs(bad)
    human_xuids(bad)
    con = duckdb.connect()
    try:
        ensure_landing_schema(con)
        writer = LandingWriter(con)
        writer.match_stats(good_id, json.dumps(good))
        writer.match_stats("bad", json.dumps(bad))
        writer.flush()
        assets, xuids = landed.landed_stats_references(con)
    finally:
        con.close()
    # The bad payload hides none of the good one's references.
    assert {(a.kind, a.asset_id, a.version_id) for a in asset_refs(good)} <= {(a.kind, a.asset_id, a.version_id) for a in assets}
    assert set(human_xuids(good)) <= xuids


def collect(base: Base) -> list[Mutation]:
    found: list[Mutation] = []

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(mutation=mutations())
    # Regression cases found by this test (kept whatever the generator draws):
    @example(mutation=Mutation("retype", 0, "MatchInfo", [0]))  # MatchInfo a list: asset_refs crashed
    @example(mutation=Mutation("count", 1, "Players.*.PlayerTeamStats.*.Stats.CoreStats.Kills", 2**64 - 1))
    # No start time: the player domain's not_null test failed the build (a tracked player's match).
    @example(mutation=Mutation("remove", 2, "MatchInfo.StartTime"))
    def check(mutation: Mutation) -> None:
        check_ingester_copes(mutation, base)
        found.append(mutation)

    check()
    # Hypothesis may replay an example; land each distinct one once.
    unique = {repr(m): m for m in found}
    return list(unique.values())


# -- level 2: all of them in one warehouse, one dbt build -----------------------------------------


@dataclass
class Built:
    db: Path
    mutations: list[Mutation]
    run: Any


def land_mutations(base: Base, db: Path, batch: list[Mutation]) -> None:
    good_ids = sorted(base.stats)
    con = duckdb.connect(str(db))
    try:
        writer = LandingWriter(con, batch_size=100_000, max_delay_s=3600)
        chunks = {r[0]: r for r in con.execute(
            "select match_id, chunk_index, chunk_type, film_major_version, data from landing.film_chunks").fetchall()}
        for i, mutation in enumerate(batch):
            mutation.match_id = str(uuid.UUID(int=0xF0220000_0000_4000_8000_000000000000 + i))
            mutation.fresh_xuid = f"25332749{90_000_000 + i}"
            source_id = (base.films if mutation.kind == "film" else good_ids)[mutation.base % (len(base.films) if mutation.kind == "film" else len(good_ids))]
            payload = mutation.apply(base.stats[source_id])
            if isinstance(payload, dict):
                payload["MatchId"] = mutation.match_id
            writer.match_stats(mutation.match_id, json.dumps(payload))
            item = copy.deepcopy(base.history_item)
            item["MatchId"] = mutation.match_id
            item["MatchInfo"]["StartTime"] = f"2026-06-{1 + i // 48:02d}T{(i % 48) // 2:02d}:{30 * (i % 2):02d}:00.000Z"
            item["MatchInfo"]["LifecycleMode"] = 1  # a custom game: no skill payload expected
            writer.history_item(FUZZ_XUID, mutation.match_id, item)
            if mutation.kind == "gamertag":
                writer.player(mutation.fresh_xuid, {"xuid": mutation.fresh_xuid, "gamertag": mutation.gamertag})
            if mutation.kind == "film":
                _, index, chunk_type, version, data = chunks[source_id]
                inflated = zlib.decompress(data)
                noisy = data + mutation.film_noise if mutation.value else data[: max(2, len(data) // 3)] + mutation.film_noise
                assert inflated  # the source chunk is a valid film
                writer.film_chunk(mutation.match_id, index, chunk_type, version, noisy)
            writer.attempt("film_manifest", mutation.match_id, outcome="not_found", http_status=404, terminal=True)
        # FUZZ_XUID only lists them: it is not tracked, as it plays in none of them (a tracked
        # player's listed match is due a session and a score; see fct_match_completeness).
        writer.flush()
    finally:
        con.close()


@pytest.fixture(scope="module")
def built(base: Base, tmp_path_factory: pytest.TempPathFactory) -> Built:
    batch = collect(base)
    root = tmp_path_factory.mktemp("fuzz")
    db = root / "halo.duckdb"
    db.write_bytes(base.db.read_bytes())
    land_mutations(base, db, batch)
    run = run_dbt(root, db, "build", "--exclude-resource-type", "unit_test")
    return Built(db, batch, run)


def test_the_fuzzed_build_passes_with_warnings_only(built: Built) -> None:
    assert len(built.mutations) >= EXAMPLES // 2
    assert built.run.returncode == 0, built.run.output[-6000:]
    assert built.run.not_ok(any_warning=True) == {}
    assert built.run.status_of("assert_payloads_well_formed") == "warn"


def test_no_bad_payload_hides_a_good_one(built: Built, base: Base) -> None:
    players = query(built.db, "select match_id, player_id, kills from main.fct_match_players")
    matches = {r["match_id"] for r in query(built.db, "select match_id from main.dim_matches")}
    assert set(base.stats) <= matches
    by_match: dict[str, dict[str, Any]] = {}
    for row in players:
        by_match.setdefault(row["match_id"], {})[row["player_id"]] = row["kills"]
    for match_id, stats in base.stats.items():
        expected = {}
        for player in stats["Players"]:
            expected[player["PlayerId"]] = sum(e["Stats"]["CoreStats"]["Kills"] for e in player["PlayerTeamStats"])
        assert by_match[match_id] == expected, match_id


def test_every_oddity_is_a_warning_row(built: Built) -> None:
    flagged = {(r["payload"], r["key"]) for r in query(
        built.db, "select payload, key from dbt_test__audit.assert_payloads_well_formed")}
    film_errors = {r["match_id"] for r in query(
        built.db, "select match_id from main.fct_film_decodes where decode_error is not null")}
    missed = []
    for m in built.mutations:
        if not m.oddity:
            continue
        if m.kind == "film":
            found = m.match_id in film_errors
        elif m.kind == "gamertag":
            found = ("players", m.fresh_xuid) in flagged
        else:
            found = ("match_stats", m.match_id) in flagged
        if not found:
            missed.append(m)
    assert missed == [], missed[:5]
    # And no good payload is reported.
    good_flags = [key for payload, key in flagged if payload == "match_stats" and not key.startswith("f0220000")]
    assert good_flags == []


def test_odd_but_valid_gamertags_come_through_exactly(built: Built) -> None:
    tags = {r["xuid"]: r["gamertag"] for r in query(built.db, "select xuid, gamertag from main.dim_players")}
    for m in built.mutations:
        if m.kind == "gamertag" and not m.oddity:
            assert tags.get(m.fresh_xuid) == m.gamertag, (m.fresh_xuid, m.gamertag)


