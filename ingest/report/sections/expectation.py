"""Kills and deaths against what the game expected, per match, with the verdict of each match.

Reads ``fct_player_match_expectations`` [tracked player × matchmade match with skill] of the
competitive history work. The issue names the columns but for the mart itself and the tier the
match was closest to ("played like a Diamond"): ``closest_tier`` is the competitive work's name,
only in ``EXPECTATIONS``.
"""

from __future__ import annotations

from collections import Counter

from .. import charts
from ..blocks import Block, Chart, Fmt, Tile, Tiles
from ..context import Context
from ..reader import Query, Unavailable

KEY = "expectation"
TITLE = "Against expectation"
LAST = 300

EXPECTATIONS = Query("""
select
    e.start_time,
    e.kills_minus_expected,
    e.deaths_minus_expected,
    e.verdict,
    e.closest_tier as played_like
from main.fct_player_match_expectations as e
where e.player_xuid = $player and e.kills_minus_expected is not null
order by e.start_time desc
limit $limit
""")


def present(rows: list[dict]) -> list[Block]:
    verdicts = Counter(r["verdict"] for r in rows)
    played_like = Counter(r["played_like"] for r in rows if r["played_like"])
    n = len(rows)
    tiles = [Tile(v, verdicts.get(v, 0) / n, Fmt.PCT, f"{verdicts.get(v, 0)} of {n} matches")
             for v in ("outperformed", "met", "underperformed")]
    tiles.append(Tile("kills − expected, mean", sum(r["kills_minus_expected"] for r in rows) / n, Fmt.SIGNED1))
    tiles.append(Tile("deaths − expected, mean", sum(r["deaths_minus_expected"] for r in rows) / n, Fmt.SIGNED1))
    if played_like:
        tier, times = played_like.most_common(1)[0]
        tiles.append(Tile("usually played like", tier, note=f"{times} of {n} matches"))
    return [Tiles(tuple(tiles)),
            Chart(charts.expectation_scatter(), rows, f"the last {n} matches with skill data")]


def build(ctx: Context) -> list[Block]:
    rows = ctx.reader.rows(EXPECTATIONS, player=ctx.player.xuid, limit=LAST)
    if not rows:
        raise Unavailable("no matchmade match with skill data for this player")
    return present(rows)
