"""Win and loss streaks: the current one, the longest of each kind, the recent ones in order.

Reads ``fct_player_streaks`` [tracked player × streak], with only the columns the streaks work
names (``streak_kind``, ``length``, ``start_time``, ``end_time``, ``is_current``).
"""

from __future__ import annotations

from .. import charts
from ..blocks import Block, Chart, Fmt, Tile, Tiles
from ..context import Context
from ..reader import Query, Unavailable

KEY = "streaks"
TITLE = "Streaks"
RECENT = 60

STREAKS = Query("""
select streak_kind, length, start_time, end_time, is_current
from main.fct_player_streaks
where player_xuid = $player
order by start_time desc, streak_kind
limit $limit
""")

LONGEST = Query("""
select streak_kind, max(length) as longest, count(*) as streaks
from main.fct_player_streaks
where player_xuid = $player
group by streak_kind
""")

CURRENT = Query("""
select streak_kind, length, start_time, end_time
from main.fct_player_streaks
where player_xuid = $player and is_current
""")


def streak_text(row: dict) -> str:
    """``3 wins``, ``1 loss``."""
    kind = row["streak_kind"]
    plural = "es" if kind == "loss" else "s"
    return f"{row['length']} {kind}{plural if row['length'] != 1 else ''}"


def since(row: dict) -> str:
    return f"since {row['start_time'].replace('T', ' ')[:16]}"


def present(recent: list[dict], longest: list[dict], current: dict | None) -> list[Block]:
    by_kind = {row["streak_kind"]: row for row in longest}
    tiles = [Tile("current streak", streak_text(current) if current else "none", note=since(current) if current else "")]
    for kind in ("win", "loss"):
        row = by_kind.get(kind)
        tiles.append(Tile(f"longest {kind} streak", row["longest"] if row else 0, Fmt.INT,
                          f"{row['streaks']:,} {kind} streaks" if row else ""))
    ordered = [{**row, "n": n} for n, row in enumerate(reversed(recent), start=1)]
    title = f"the last {len(ordered)} streaks" if len(ordered) == RECENT else "every streak"
    return [Tiles(tuple(tiles)), Chart(charts.streak_bars(), ordered, title)]


def build(ctx: Context) -> list[Block]:
    recent = ctx.reader.rows(STREAKS, player=ctx.player.xuid, limit=RECENT)
    if not recent:
        raise Unavailable("no win or loss for this player yet")
    current = ctx.reader.rows(CURRENT, player=ctx.player.xuid)
    return present(recent, ctx.reader.rows(LONGEST, player=ctx.player.xuid), current[0] if current else None)
