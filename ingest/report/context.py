"""Who a report is about: the tracked players, their display names and friends."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError
from ..store.tracking import TrackedPlayer, find_tracked, list_tracked
from .reader import Query, Reader, Unavailable


@dataclass(frozen=True)
class Player:
    xuid: str
    gamertag: str
    # The friends sessions are cut by (declared, else the two most frequent teammates), as the
    # player marts resolved them for the player's latest match; empty before the first build.
    friends: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    reader: Reader
    player: Player


NAMES = Query("select xuid, gamertag from main.dim_players where xuid in (select unnest($xuids::varchar[]))")
FRIENDS = Query("""
select friend_xuids
from main.fct_player_match_sessions
where player_xuid = $player
order by start_time desc, match_id desc
limit 1
""")


def choose_players(reader: Reader, wanted: list[str]) -> list[TrackedPlayer]:
    """The tracked players named by ``--player`` (all of them when none is named), in order."""
    if wanted:
        chosen: list[TrackedPlayer] = []
        for raw in wanted:
            player = find_tracked(reader.con, raw)
            if player not in chosen:
                chosen.append(player)
        return chosen
    tracked = list_tracked(reader.con)
    if not tracked:
        raise UsageError("no tracked players yet: run `halo ingest --player GAMERTAG` (or `halo demo`) first")
    return tracked


def resolve(reader: Reader, tracked: list[TrackedPlayer]) -> list[Player]:
    """Display names (the latest gamertag the marts know, else the one given when tracking)."""
    try:
        names = {r["xuid"]: r["gamertag"] for r in reader.rows(NAMES, xuids=[t.xuid for t in tracked])}
    except Unavailable:
        names = {}  # not built yet: the tracked gamertags will do
    players = []
    for t in tracked:
        try:
            found = reader.rows(FRIENDS, player=t.xuid)
        except Unavailable:
            found = []
        friends = tuple(found[0]["friend_xuids"] or ()) if found else ()
        players.append(Player(t.xuid, names.get(t.xuid) or t.gamertag or t.xuid, friends))
    return players
