"""Nemesis and victims over the whole history, from the decoded films' kill pairs."""

from __future__ import annotations

from .. import charts
from ..blocks import Block, Chart, Fmt, Tile, Tiles
from ..context import Context
from ..reader import Query, Unavailable

KEY = "nemesis"
TITLE = "Nemesis and victims"
TOP = 12

CAREER = Query("""
select
    opponents, total_kills, total_deaths,
    nemesis_gamertag, nemesis_xuid, nemesis_kills, nemesis_deaths,
    victim_gamertag, victim_xuid, victim_kills, victim_deaths
from main.fct_player_antagonists
where player_xuid = $player and scope = 'career'
""")

DUELS = Query("""
select
    coalesce(opponent_gamertag, opponent_xuid) as opponent, matches, my_kills, their_kills, net_kills
from main.fct_player_opponent_duels
where player_xuid = $player and scope = 'career'
order by my_kills + their_kills desc, opponent
limit $top
""")


def present(career: dict, duels: list[dict]) -> list[Block]:
    nemesis = career["nemesis_gamertag"] or career["nemesis_xuid"]
    victim = career["victim_gamertag"] or career["victim_xuid"]
    return [
        Tiles((
            Tile("nemesis", nemesis or "—",
                 note=f"killed you {career['nemesis_deaths']} times, you killed them {career['nemesis_kills']}"
                 if nemesis else ""),
            Tile("favourite victim", victim or "—",
                 note=f"you killed them {career['victim_kills']} times, they killed you {career['victim_deaths']}"
                 if victim else ""),
            Tile("opponents met in films", career["opponents"], Fmt.INT,
                 f"{career['total_kills']:,} kills · {career['total_deaths']:,} deaths"),
        )),
        Chart(charts.duel_bars(), duels, f"kills exchanged with the {len(duels)} most frequent opponents"),
    ]


def build(ctx: Context) -> list[Block]:
    found = ctx.reader.rows(CAREER, player=ctx.player.xuid)
    duels = ctx.reader.rows(DUELS, player=ctx.player.xuid, top=TOP)
    if not found or not duels:
        raise Unavailable("no decoded film of this player's matches yet (films expire; `halo ingest` fetches "
                          "the ones still there)")
    return present(found[0], duels)
