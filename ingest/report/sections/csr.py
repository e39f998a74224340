"""CSR per playlist over time, over the tier bands it crosses; the current CSR per playlist.

Reads ``fct_player_csr`` [tracked player × ranked match]. Every column used is one the competitive
history work names, except the playlist's name: ``playlist_name`` is a guess (both queries).
"""

from __future__ import annotations

from .. import charts
from ..blocks import Block, Chart, Column, Fmt, Note, Table
from ..context import Context
from ..reader import Query, Unavailable

KEY = "csr"
TITLE = "Ranked CSR"

# Each playlist's last CSR of each day: one point a day, whatever the number of matches.
HISTORY = Query("""
with ranked as (
    select
        playlist_id,
        coalesce(playlist_name, playlist_id) as playlist,
        date_trunc('day', start_time) as day,
        post_csr,
        post_tier,
        row_number() over (
            partition by playlist_id, date_trunc('day', start_time) order by start_time desc, match_id desc
        ) as nth,
        count(*) over (partition by playlist_id, date_trunc('day', start_time)) as matches
    from main.fct_player_csr
    where player_xuid = $player and post_csr is not null
)

select 'csr' as kind, day, playlist, post_csr as csr, post_tier as tier, matches
from ranked
where nth = 1
order by day, playlist
""")

CURRENT = Query("""
select
    coalesce(playlist_name, playlist_id) as playlist,
    post_csr,
    post_tier,
    is_placement,
    measurement_matches_remaining,
    start_time
from main.fct_player_csr
where player_xuid = $player and (post_csr is not null or is_placement)
qualify row_number() over (partition by playlist_id order by start_time desc, match_id desc) = 1
order by post_csr desc nulls last, playlist
""")

# Halo Infinite's ranked tiers start every 300 CSR (six sub-tiers of 50 each); Onyx has no ceiling
# (its band is drawn up to the player's highest CSR).
TIER_BANDS = (("Bronze", 0, 300, "#d9b38c"), ("Silver", 300, 600, "#ced4da"), ("Gold", 600, 900, "#ffe066"),
              ("Platinum", 900, 1200, "#a5d8ff"), ("Diamond", 1200, 1500, "#d0bfff"), ("Onyx", 1500, None, "#868e96"))
TIER_NOTE = "Tier bands: " + ", ".join(
    f"{name} {'from ' if start == 0 else ''}{start}" for name, start, _, _ in TIER_BANDS) + "."


def tier_note(row: dict) -> str:
    if row.get("is_placement"):
        return f"placement · {row.get('measurement_matches_remaining')} matches to go"
    return row.get("post_tier") or ""


MARGIN = 50  # CSR shown above and below the player's range


def bands(low: float, high: float) -> list[dict]:
    """The tier bands over [low − MARGIN, high + MARGIN], cut to that range (the chart's y range)."""
    bottom, top = max(0, low - MARGIN), high + MARGIN
    found = []
    for name, start, end, colour in TIER_BANDS:
        end = top if end is None else end
        if start < top and end > bottom:
            found.append({"kind": "band", "tier": name, "low": max(start, bottom), "high": min(end, top),
                          "colour": colour})
    return found


def present(history: list[dict], current: list[dict]) -> list[Block]:
    table = Table(
        (Column("playlist", "playlist"), Column("post_csr", "CSR", Fmt.INT), Column("tier", "tier"),
         Column("start_time", "last ranked match", Fmt.TIME)),
        [{**row, "tier": tier_note(row)} for row in current],
    )
    values = history + bands(min(r["csr"] for r in history), max(r["csr"] for r in history))
    return [Chart(charts.csr_history(), values, "CSR per playlist (each day's last value)"), table,
            Note(TIER_NOTE)]


def build(ctx: Context) -> list[Block]:
    history = ctx.reader.rows(HISTORY, player=ctx.player.xuid)
    if not history:
        raise Unavailable("no ranked match with a CSR for this player (no skill payload of a ranked match yet)")
    return present(history, ctx.reader.rows(CURRENT, player=ctx.player.xuid))
