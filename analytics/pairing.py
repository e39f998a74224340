"""Killer → victim pairing of a match's film kill and death events.

The rule in prose: docs/domain/film.md (kill pairing); tests/test_pairing.py replays the legacy app's
acceptance cases C1–C9.

Per match, kills in time order each take the nearest *unused* death within ``± tolerance_ms``
(inclusive); on equal distance the earlier death in sorted order wins; a kill with no candidate
stays unpaired. Greedy, not globally optimal, exactly as the legacy app (case C2).

Decisions:

* Event kind: ``lower(event_type)``; when event_type is NULL or empty, ``type_hint`` decides
  (50 kill, 20 death, 10 mode). Only kills and deaths are used (medals, mode events ignored).
  Events with a NULL ``time_ms`` are dropped; a negative tolerance is clamped to 0.
* Equal times keep the input row order (stable sorts), so callers should pass events in film
  order for fully reproducible pairs.
* ``kill_seq`` is the kill's 0-based position among *all* kills of the match (unpaired ones
  included), so (match_id, kill_seq) names the same kill event whatever gets paired.
* Gamertags: the event's gamertag, else the xuid, else "?"; a NULL xuid becomes "".
* Suicides (killer == victim) are kept and flagged; team kills need team ids and are flagged
  downstream in SQL.

The per-match loop is Python on purpose: a window scan over time-sorted deaths that skips used
deaths with a "next unused" pointer (path-halving union-find), O((k + d)·α) plus the few deaths
inside each ±tolerance window, not O(k·d).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import polars as pl

DEFAULT_TOLERANCE_MS = 5
K = TypeVar("K")  # what a kill carries besides its time (pair_sorted)
D = TypeVar("D")  # what a death carries
TYPE_HINTS = {50: "kill", 20: "death", 10: "mode"}

EVENT_COLUMNS: tuple[str, ...] = (
    "match_id",
    "xuid",
    "gamertag",
    "event_type",
    "type_hint",
    "time_ms",
)
OUTPUT_SCHEMA: dict[str, pl.DataType] = {
    "match_id": pl.String(),
    "kill_seq": pl.Int64(),
    "killer_xuid": pl.String(),
    "killer_gamertag": pl.String(),
    "victim_xuid": pl.String(),
    "victim_gamertag": pl.String(),
    "time_ms": pl.Int64(),
    "death_time_ms": pl.Int64(),
    "delta_ms": pl.Int64(),
    "is_suicide": pl.Boolean(),
}


@dataclass(frozen=True)
class Actor:
    xuid: str
    gamertag: str


def pair_kills(events: pl.DataFrame, *, tolerance_ms: int = DEFAULT_TOLERANCE_MS) -> pl.DataFrame:
    """One row per paired kill (columns ``OUTPUT_SCHEMA``), sorted by match_id, kill_seq."""
    tolerance = max(0, int(tolerance_ms))
    kills_and_deaths = _classified(events)
    columns = kills_and_deaths.to_dict(as_series=False)
    rows: dict[str, list] = {name: [] for name in OUTPUT_SCHEMA}
    start = 0
    total = kills_and_deaths.height
    while start < total:
        end = start
        while end < total and columns["match_id"][end] == columns["match_id"][start]:
            end += 1
        _pair_match(columns, start, end, tolerance, rows)
        start = end
    return pl.DataFrame(rows, schema=OUTPUT_SCHEMA)


def _classified(events: pl.DataFrame) -> pl.DataFrame:
    """Kill and death events with a time, sorted by (match_id, time_ms, input order)."""
    missing = [c for c in EVENT_COLUMNS if c not in events.columns]
    if missing:
        raise ValueError(f"missing event columns: {', '.join(missing)}")
    event_type = pl.col("event_type").cast(pl.String)
    from_hint = (
        pl.col("type_hint")
        .cast(pl.Int64)
        .replace_strict(TYPE_HINTS, default=None, return_dtype=pl.String)
    )
    kind = (
        pl.when(event_type.is_null() | (event_type == ""))
        .then(from_hint)
        .otherwise(event_type.str.to_lowercase())
    )
    xuid = pl.col("xuid").cast(pl.String).fill_null("")
    gamertag = pl.col("gamertag").cast(pl.String)
    return (
        events.with_row_index("_input_order")
        .select(
            "_input_order",
            pl.col("match_id").cast(pl.String),
            kind.alias("kind"),
            xuid.alias("xuid"),
            pl.when(gamertag.is_not_null() & (gamertag != ""))
            .then(gamertag)
            .when(xuid != "")
            .then(xuid)
            .otherwise(pl.lit("?"))
            .alias("gamertag"),
            pl.col("time_ms").cast(pl.Int64),
        )
        .filter(pl.col("kind").is_in(["kill", "death"]) & pl.col("time_ms").is_not_null())
        .sort("match_id", "time_ms", "_input_order")
    )


def _pair_match(
    columns: dict[str, list], start: int, end: int, tolerance: int, rows: dict[str, list]
) -> None:
    """Greedy pairing of one match's rows ``columns[start:end]`` (already time-sorted)."""
    kills: list[tuple[int, Actor]] = []
    deaths: list[tuple[int, Actor]] = []
    for i in range(start, end):
        entry = (columns["time_ms"][i], Actor(columns["xuid"][i], columns["gamertag"][i]))
        (kills if columns["kind"][i] == "kill" else deaths).append(entry)
    for kill_seq, (kill_time, killer), (death_time, victim) in pair_sorted(kills, deaths, tolerance):
        rows["match_id"].append(columns["match_id"][start])
        rows["kill_seq"].append(kill_seq)
        rows["killer_xuid"].append(killer.xuid)
        rows["killer_gamertag"].append(killer.gamertag)
        rows["victim_xuid"].append(victim.xuid)
        rows["victim_gamertag"].append(victim.gamertag)
        rows["time_ms"].append(kill_time)
        rows["death_time_ms"].append(death_time)
        rows["delta_ms"].append(death_time - kill_time)
        rows["is_suicide"].append(killer.xuid == victim.xuid)


def pair_sorted(
    kills: Sequence[tuple[int, K]], deaths: Sequence[tuple[int, D]], tolerance: int
) -> list[tuple[int, tuple[int, K], tuple[int, D]]]:
    """The rule on one match: ``kills`` and ``deaths`` as (time_ms, anything: who, or where), each
    sorted by time (stable: equal times in input order), ``tolerance`` >= 0. Returns (kill_seq,
    kill, death) per paired kill, in kill order. ``pair_kills`` and ``analytics.highlights`` (per
    film) call it."""
    death_times = [t for t, _ in deaths]
    next_unused = list(range(len(deaths) + 1))  # next_unused[i]: some unused index >= i

    def find(i: int) -> int:
        while next_unused[i] != i:
            next_unused[i] = next_unused[next_unused[i]]
            i = next_unused[i]
        return i

    paired: list[tuple[int, tuple[int, K], tuple[int, D]]] = []
    window_start = 0
    for kill_seq, kill in enumerate(kills):
        kill_time = kill[0]
        while window_start < len(deaths) and death_times[window_start] < kill_time - tolerance:
            window_start += 1
        best, best_distance = -1, tolerance + 1
        j = find(window_start)
        while j < len(deaths) and death_times[j] <= kill_time + tolerance:
            distance = abs(death_times[j] - kill_time)
            if distance < best_distance:  # strict: on a tie the earlier death stays
                best, best_distance = j, distance
            elif death_times[j] >= kill_time:
                break  # later deaths are only farther away
            j = find(j + 1)
        if best < 0:
            continue
        next_unused[best] = best + 1
        paired.append((kill_seq, kill, deaths[best]))
    return paired
