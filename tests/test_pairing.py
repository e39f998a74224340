"""Killer → victim pairing: the legacy acceptance cases C1–C9 and a randomized plain-implementation check."""

from __future__ import annotations

import random
from typing import Any

import polars as pl
import pytest

from analytics.pairing import OUTPUT_SCHEMA, pair_kills

EVENT_SCHEMA: dict[str, pl.DataType] = {
    "match_id": pl.String(),
    "xuid": pl.String(),
    "gamertag": pl.String(),
    "event_type": pl.String(),
    "type_hint": pl.Int64(),
    "time_ms": pl.Int64(),
}


def event(kind: str | None, time_ms: int | None, xuid: str | None, *, match_id: str = "m",
          gamertag: str | None = None, type_hint: int | None = None) -> dict[str, Any]:
    return {"match_id": match_id, "xuid": xuid, "gamertag": gamertag, "event_type": kind,
            "type_hint": type_hint, "time_ms": time_ms}


def K(t: int | None, x: str, **kw: Any) -> dict[str, Any]:  # noqa: N802 - reference notation
    return event("kill", t, x, **kw)


def D(t: int | None, x: str, **kw: Any) -> dict[str, Any]:  # noqa: N802 - reference notation
    return event("death", t, x, **kw)


def pairs(events: list[dict[str, Any]], tolerance_ms: int = 5) -> list[tuple[str, str, int]]:
    out = pair_kills(pl.DataFrame(events, schema=EVENT_SCHEMA), tolerance_ms=tolerance_ms)
    return [(r["killer_xuid"], r["victim_xuid"], r["time_ms"]) for r in out.iter_rows(named=True)]


def test_c1_two_clean_pairs() -> None:
    assert pairs([K(1000, "a"), D(1002, "x"), K(1003, "b"), D(1004, "y")]) == [
        ("a", "x", 1000), ("b", "y", 1003)]


def test_c2_greedy_leaves_the_second_kill_unpaired() -> None:
    assert pairs([K(1000, "a"), K(1004, "b"), D(1003, "x"), D(996, "y")]) == [("a", "x", 1000)]


def test_c3_tie_goes_to_the_earlier_death() -> None:
    assert pairs([K(1000, "a"), D(998, "x"), D(1002, "y")]) == [("a", "x", 1000)]


def test_c4_outside_the_window() -> None:
    assert pairs([K(1000, "a"), D(1006, "x")]) == []


def test_c4b_window_is_inclusive() -> None:
    assert pairs([K(1000, "a"), D(1005, "x")]) == [("a", "x", 1000)]


def test_c5_type_hints_case_and_medals() -> None:
    events = [
        event(None, 10, "a", type_hint=50),
        event(None, 10, "x", type_hint=20),
        event("KILL", 50, "b"),
        event("death", 52, "z", gamertag="Zed"),
        event("Medal", 50, "b"),
    ]
    out = pair_kills(pl.DataFrame(events, schema=EVENT_SCHEMA))
    assert out.select("killer_xuid", "victim_xuid", "time_ms").rows() == [
        ("a", "x", 10), ("b", "z", 50)]
    assert out["killer_gamertag"].to_list() == ["a", "b"]  # missing gamertag → the xuid
    assert out["victim_gamertag"].to_list() == ["x", "Zed"]


def test_c6_suicide_is_kept() -> None:
    out = pair_kills(pl.DataFrame([K(2000, "a"), D(2000, "a")], schema=EVENT_SCHEMA))
    assert out.select("killer_xuid", "victim_xuid", "is_suicide", "delta_ms").rows() == [
        ("a", "a", True, 0)]


def test_c7_same_millisecond_double_takes_two_deaths() -> None:
    assert pairs([K(3000, "a"), K(3000, "a"), D(3001, "x"), D(3002, "y")]) == [
        ("a", "x", 3000), ("a", "y", 3000)]


def test_c8_null_time_is_dropped() -> None:
    assert pairs([K(None, "a"), D(1000, "x")]) == []


def test_c9_negative_tolerance_is_clamped_to_zero() -> None:
    assert pairs([K(1000, "a"), D(1001, "x")], tolerance_ms=-3) == []
    assert pairs([K(1000, "a"), D(1000, "x")], tolerance_ms=-3) == [("a", "x", 1000)]


def test_output_columns_and_kill_seq_counts_unpaired_kills() -> None:
    events = [K(100, "a", gamertag="Alpha"), K(500, "b"), D(503, "c", gamertag=""),
              D(90, "", gamertag=None)]
    out = pair_kills(pl.DataFrame(events, schema=EVENT_SCHEMA), tolerance_ms=10)
    assert out.schema == pl.Schema(OUTPUT_SCHEMA)
    assert out.rows() == [
        ("m", 0, "a", "Alpha", "", "?", 100, 90, -10, False),
        ("m", 1, "b", "b", "c", "c", 500, 503, 3, False),
    ]


def test_matches_are_paired_independently() -> None:
    events = [K(1000, "a", match_id="m2"), D(1000, "x", match_id="m1"),
              K(1000, "b", match_id="m1"), D(1001, "y", match_id="m2")]
    out = pair_kills(pl.DataFrame(events, schema=EVENT_SCHEMA))
    assert out.select("match_id", "killer_xuid", "victim_xuid").rows() == [
        ("m1", "b", "x"), ("m2", "a", "y")]


def test_empty_input_and_missing_columns() -> None:
    assert pair_kills(pl.DataFrame(schema=EVENT_SCHEMA)).schema == pl.Schema(OUTPUT_SCHEMA)
    with pytest.raises(ValueError, match="missing event columns"):
        pair_kills(pl.DataFrame(schema=EVENT_SCHEMA).drop("type_hint"))


# --- randomized: equals a plain O(kills × deaths) implementation ---------------------------------


def plain_pairs(events: list[dict[str, Any]], tolerance: int) -> list[tuple]:
    """The legacy pairing loop, literally, on the (stable) time-sorted kills and deaths."""
    tolerance = max(0, tolerance)

    def kind(e: dict[str, Any]) -> str | None:
        if e["event_type"]:
            return e["event_type"].lower()
        return {50: "kill", 20: "death", 10: "mode"}.get(e["type_hint"])

    result = []
    for match_id in sorted({e["match_id"] for e in events}):
        mine = [e for e in events if e["match_id"] == match_id and e["time_ms"] is not None]
        kills = sorted((e for e in mine if kind(e) == "kill"), key=lambda e: e["time_ms"])
        deaths = sorted((e for e in mine if kind(e) == "death"), key=lambda e: e["time_ms"])
        used: set[int] = set()
        for seq, k in enumerate(kills):
            candidates = [j for j, d in enumerate(deaths)
                          if j not in used and abs(d["time_ms"] - k["time_ms"]) <= tolerance]
            if not candidates:
                continue
            best = min(candidates, key=lambda j: (abs(deaths[j]["time_ms"] - k["time_ms"]), j))
            used.add(best)
            result.append((match_id, seq, k["xuid"], deaths[best]["xuid"], k["time_ms"],
                           deaths[best]["time_ms"]))
    return result


@pytest.mark.parametrize("seed", range(8))
def test_matches_plain_implementation(seed: int) -> None:
    rng = random.Random(seed)
    players = [f"p{i}" for i in range(8)]
    events = []
    for _ in range(rng.randint(200, 600)):
        base = rng.choice([None, 0, 1000, 1003, 1010, 2000, 2002])
        time_ms = None if base is None else base + rng.randint(0, 12)
        encoding = rng.random()
        wanted = rng.choice(["kill", "death", "death", "medal", "mode"])
        if encoding < 0.4:
            kind, hint = wanted.upper() if rng.random() < 0.3 else wanted, None
        else:
            kind, hint = None, {"kill": 50, "death": 20, "mode": 10}.get(wanted, 99)
        events.append(event(kind, time_ms, rng.choice(players), match_id=rng.choice("abc"),
                            type_hint=hint))
    tolerance = rng.choice([-1, 0, 3, 5, 8])
    got = pair_kills(pl.DataFrame(events, schema=EVENT_SCHEMA), tolerance_ms=tolerance)
    assert got.select("match_id", "kill_seq", "killer_xuid", "victim_xuid", "time_ms",
                      "death_time_ms").rows() == plain_pairs(events, tolerance)
