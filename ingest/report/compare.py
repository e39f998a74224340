"""Two tracked players side by side: their career figures, and what they did with and against each
other (matches together and against from ``fct_player_teammates``, kills on each other from the
films' kill pairs). The page's script fills the table for the two players picked."""

from __future__ import annotations

from typing import Any

from .context import Context, Player
from .reader import Query, Reader, Unavailable
from .sections import overview

# (key, label, format) of the career figures compared; the keys are overview.CAREER's columns.
METRICS = (
    ("matches", "matches", "int"), ("hours", "hours played", "dec1"), ("kd_ratio", "K/D", "dec2"),
    ("win_rate", "win rate", "pct"), ("accuracy", "accuracy", "pct_value"), ("kills", "kills", "int"),
    ("deaths", "deaths", "int"), ("last_match", "last match", "time"),
)

TOGETHER = Query("""
select player_xuid, xuid, matches_together, wins_together, matches_against, wins_against
from main.fct_player_teammates
where player_xuid in (select unnest($xuids::varchar[])) and xuid in (select unnest($xuids::varchar[]))
""")

KILLS = Query("""
select killer_xuid, victim_xuid, count(*) as kills
from main.fct_killer_victim_pairs
where
    killer_xuid in (select unnest($xuids::varchar[]))
    and victim_xuid in (select unnest($xuids::varchar[]))
    and not is_suicide
group by all
""")


def compare_data(reader: Reader, players: list[Player]) -> dict[str, Any]:
    """JSON for the page: every player's figures, and per ordered pair what is known of the two."""
    figures: dict[str, dict[str, Any] | None] = {}
    for player in players:
        try:
            figures[player.xuid] = overview.fetch(Context(reader, player))
        except Unavailable:
            figures[player.xuid] = None
    xuids = [p.xuid for p in players]
    notes: list[str] = []
    pairs: dict[str, dict[str, Any]] = {}
    together = reader.rows_or_reason(TOGETHER, xuids=xuids)
    if isinstance(together, str):
        notes.append(f"matches together and against: not available yet: {together}")
    else:
        for row in together:
            pairs.setdefault(f"{row['player_xuid']} {row['xuid']}", {}).update(
                {k: row[k] for k in ("matches_together", "wins_together", "matches_against", "wins_against")})
    kills = reader.rows_or_reason(KILLS, xuids=xuids)
    if isinstance(kills, str):
        notes.append(f"kills on each other: not available yet: {kills}")
    else:
        for row in kills:
            pairs.setdefault(f"{row['killer_xuid']} {row['victim_xuid']}", {})["kills_on"] = row["kills"]
    return {
        "together_available": not any(n.startswith("matches together") for n in notes),
        "kills_available": not any(n.startswith("kills on") for n in notes),
        "players": [{"xuid": p.xuid, "gamertag": p.gamertag, "figures": figures[p.xuid]} for p in players],
        "metrics": [{"key": k, "label": label, "fmt": fmt} for k, label, fmt in METRICS],
        "pairs": pairs,
        "notes": notes,
    }

