"""Tracked players and their declared friends (``landing.tracked_players``).

A player becomes tracked the first time ``halo ingest --player`` resolves them. Friends are stored
as the user typed them (gamertags or xuids): dbt resolves gamertags to xuids through the gamertags
the warehouse knows, so declaring a friend never needs the API.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ..errors import UsageError
from ..player_input import parse_player_spec


@dataclass(frozen=True)
class TrackedPlayer:
    xuid: str
    gamertag: str | None
    friends: list[str]


def list_tracked(con: duckdb.DuckDBPyConnection) -> list[TrackedPlayer]:
    rows = con.execute(
        "select xuid, gamertag, friends from landing.tracked_players order by added_at, xuid"
    ).fetchall()
    return [TrackedPlayer(r[0], r[1], list(r[2] or [])) for r in rows]


def find_tracked(con: duckdb.DuckDBPyConnection | None, raw: str) -> TrackedPlayer:
    """The tracked player ``raw`` names; ``con`` None: there is no warehouse yet, so nobody is
    tracked (the input is still checked first, and nothing is created)."""
    spec = parse_player_spec(raw)
    for player in list_tracked(con) if con is not None else []:
        if spec.xuid and player.xuid == spec.xuid:
            return player
        if spec.gamertag and (player.gamertag or "").casefold() == spec.gamertag.casefold():
            return player
    raise UsageError(f"{raw!r} is not tracked yet: run `halo ingest --player {raw!r}` first")


def normalise_friend(raw: str) -> str:
    """A friend as stored: a bare 16-digit xuid, or the gamertag as typed (validated)."""
    spec = parse_player_spec(raw)
    return spec.xuid if spec.xuid else str(spec.gamertag)


def update_friends(
    con: duckdb.DuckDBPyConnection,
    player: TrackedPlayer,
    *,
    add: list[str],
    remove: list[str],
    clear: bool,
) -> list[str]:
    friends = [] if clear else list(player.friends)
    for raw in add:
        friend = normalise_friend(raw)
        if friend in (player.xuid,) or friend.casefold() == (player.gamertag or "").casefold():
            raise UsageError(f"{raw!r} is the player themself, not a friend")
        if friend.casefold() not in {f.casefold() for f in friends}:
            friends.append(friend)
    for raw in remove:
        target = normalise_friend(raw).casefold()
        if target not in {f.casefold() for f in friends}:
            raise UsageError(f"{raw!r} is not among {player.gamertag or player.xuid}'s friends")
        friends = [f for f in friends if f.casefold() != target]
    con.execute("update landing.tracked_players set friends = ? where xuid = ?", [friends, player.xuid])
    return friends


def untrack(con: duckdb.DuckDBPyConnection, player: TrackedPlayer) -> None:
    """Stop listing this player's history (landed payloads stay: other players may share them)."""
    con.execute("delete from landing.tracked_players where xuid = ?", [player.xuid])
