"""``halo track``: list tracked players, or declare a tracked player's friends."""

from __future__ import annotations

from typing import Annotated

import typer

from .guard import error_guard, out
from .options import DbOption, resolve_db


@error_guard
def track(
    player: Annotated[str | None, typer.Argument(help="A tracked player (gamertag or xuid). Omit to list tracked players.")] = None,
    friend: Annotated[list[str] | None, typer.Option("--friend", "-f", help="Declare a friend (gamertag or xuid; repeatable).")] = None,
    remove_friend: Annotated[list[str] | None, typer.Option("--remove-friend", help="Forget a friend (repeatable).")] = None,
    clear_friends: Annotated[bool, typer.Option("--clear-friends", help="Forget every friend first.")] = False,
    untrack_player: Annotated[bool, typer.Option("--untrack", help="Stop tracking this player.")] = False,
    db: DbOption = None,
) -> None:
    """Show tracked players, or declare a tracked player's friends (used to cut play sessions)."""
    from ..store import tracking
    from ..store.warehouse import open_warehouse

    path = resolve_db(db)
    if player is None:
        con = open_warehouse(path, read_only=True)
        try:
            players = tracking.list_tracked(con)
        finally:
            con.close()
        if not players:
            out.print("no tracked players yet: run `halo ingest --player GAMERTAG_OR_XUID`")
        for p in players:
            friends = ", ".join(p.friends) if p.friends else "none declared (top-2 teammates are used)"
            out.print(f"{p.gamertag or '?'} (xuid {p.xuid}): friends: {friends}", markup=False)
        return
    if not path.exists():  # no warehouse, so nobody is tracked: say so and create nothing
        tracking.find_tracked(None, player)
    con = open_warehouse(path)
    try:
        target = tracking.find_tracked(con, player)
        if untrack_player:
            tracking.untrack(con, target)
            out.print(f"{target.gamertag or target.xuid} is no longer tracked", markup=False)
            return
        friends = tracking.update_friends(
            con, target, add=friend or [], remove=remove_friend or [], clear=clear_friends
        )
    finally:
        con.close()
    shown = ", ".join(friends) if friends else "none"
    out.print(f"{target.gamertag or target.xuid}: friends: {shown}", markup=False)
