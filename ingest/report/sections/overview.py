"""Career overview: matches, hours, K/D, win rate, accuracy; current CSR per playlist and the
current streak (from their own sections' marts, when built)."""

from __future__ import annotations

from ..blocks import Block, Fmt, Tile, Tiles
from ..context import Context
from ..reader import Query, Unavailable
from . import csr, streaks

KEY = "overview"
TITLE = "Career"

# Win rate and K/D as the sessions define them: every match counts; K/D is the kills when no death.
CAREER = Query("""
select
    count(*) as matches,
    sum(p.time_played_seconds) / 3600.0 as hours,
    sum(p.kills) as kills,
    sum(p.deaths) as deaths,
    coalesce(sum(p.kills) / nullif(sum(p.deaths), 0), sum(p.kills)) as kd_ratio,
    count(*) filter (where p.outcome = 2) as wins,
    count(*) filter (where p.outcome = 2) / count(*) as win_rate,
    100.0 * sum(p.shots_hit) / nullif(sum(p.shots_fired), 0) as accuracy,
    min(m.start_time) as first_match,
    max(m.start_time) as last_match
from main.fct_match_players as p
inner join main.dim_matches as m on p.match_id = m.match_id
where p.xuid = $player
""")


def fetch(ctx: Context) -> dict:
    career = ctx.reader.one(CAREER, player=ctx.player.xuid)
    if not career["matches"]:
        raise Unavailable("no match of this player is in the marts yet (run `halo ingest`, then `halo build`)")
    return career


def short(reason: str) -> str:
    """A tile's reason: its first clause (the section itself gives the whole sentence)."""
    return reason.split(" (")[0]


def present(career: dict, current_csr: list[dict] | str, current_streak: dict | None | str) -> list[Block]:
    tiles = [
        Tile("matches", career["matches"], Fmt.INT),
        Tile("hours played", career["hours"], Fmt.DEC1),
        Tile("K/D", career["kd_ratio"], Fmt.DEC2, f"{career['kills']:,} kills · {career['deaths']:,} deaths"),
        Tile("win rate", career["win_rate"], Fmt.PCT, f"{career['wins']:,} wins"),
        Tile("accuracy", career["accuracy"], Fmt.PCT_VALUE),
        Tile("first match", career["first_match"], Fmt.TIME),
        Tile("last match", career["last_match"], Fmt.TIME),
    ]
    if isinstance(current_streak, str):
        tiles.append(Tile("current streak", None, note="not available yet: " + short(current_streak)))
    elif current_streak is None:
        tiles.append(Tile("current streak", "none", note="the last match was neither a win nor a loss"))
    else:
        tiles.append(Tile("current streak", streaks.streak_text(current_streak), note=streaks.since(current_streak)))
    if isinstance(current_csr, str):
        tiles.append(Tile("current CSR", None, note="not available yet: " + short(current_csr)))
    elif not current_csr:
        tiles.append(Tile("current CSR", "none", note="no ranked match with a CSR yet"))
    else:
        tiles += [Tile(f"CSR · {row['playlist']}", row["post_csr"], Fmt.INT, csr.tier_note(row)) for row in current_csr]
    return [Tiles(tuple(tiles))]


def build(ctx: Context) -> list[Block]:
    current_streak = ctx.reader.rows_or_reason(streaks.CURRENT, player=ctx.player.xuid)
    if not isinstance(current_streak, str):
        current_streak = current_streak[0] if current_streak else None
    return present(fetch(ctx), ctx.reader.rows_or_reason(csr.CURRENT, player=ctx.player.xuid), current_streak)
