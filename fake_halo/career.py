"""A synthetic career: who played what when, and the lookups the fake API needs.

``Career`` holds the compact per-match metadata drawn by ``schedule.generate`` and answers
questions about it (players, gamertags over time, histories, films). It is safe to read from many
server threads while ``add_match`` appends at runtime.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ingest.vocabulary import MatchType, xuid_of_player_id

from .schedule import MINUTE_MS, MatchMeta, build_match, generate, new_match_id
from .seasons import SeasonCalendar
from .spec import CareerSpec, PlayerSpec
from .templates import (
    LIFECYCLE_CUSTOM,
    LIFECYCLE_MATCHMADE,
    Fixtures,
    HumanSlot,
    MatchTemplate,
    load_fixtures,
)

HISTORY_TYPES = tuple(t.value for t in MatchType)


@dataclass(frozen=True)
class Player:
    xuid: int
    gamertag: str  # current
    tracked: bool


class Career:
    def __init__(self, spec: CareerSpec, fixtures: Fixtures | None = None) -> None:
        self.spec = spec
        self.fixtures = fixtures or load_fixtures()
        generated = generate(spec, self.fixtures)
        self.matches: list[MatchMeta] = generated.matches
        self.renames = generated.renames
        self._players: dict[int, Player] = {}
        for p in spec.players:
            self._players[int(p.xuid)] = Player(int(p.xuid), p.gamertag, tracked=True)
        for xuid, tag in zip(generated.pool_xuids, generated.pool_gamertags, strict=True):
            self._players[xuid] = Player(xuid, tag, tracked=False)
        self._by_gamertag = {p.gamertag.casefold(): p.xuid for p in self._players.values()}
        self._by_id = {m.match_id: m for m in self.matches}
        self._lock = threading.RLock()
        self._version = 0  # bumped by every mutation; invalidates the caches below
        self._history_cache: dict[tuple[int, str], tuple[int, list[MatchMeta]]] = {}
        self._films: tuple[int, dict[tuple[str, str], MatchMeta]] | None = None
        self._added = 0
        self.calendar = SeasonCalendar(self.fixtures.csr_season_calendar, spec.start)

    def calendar_payload(self) -> dict:
        """The CSR season calendar as served: through the season of the latest match."""
        with self._lock:
            latest = max((m.start_ms for m in self.matches), default=int(self.spec.start.timestamp() * 1000))
        return self.calendar.payload(latest)

    @property
    def version(self) -> int:
        """Bumped by every runtime change: caches built from the career compare against it."""
        return self._version

    # -- players ---------------------------------------------------------------------------------
    @property
    def tracked(self) -> tuple[PlayerSpec, ...]:
        return self.spec.players

    @property
    def me(self) -> Player:
        """The signed-in player (``/users/me``): the first tracked player."""
        return self._players[int(self.spec.players[0].xuid)]

    def player(self, xuid: int) -> Player | None:
        return self._players.get(xuid)

    def players(self) -> list[Player]:
        return list(self._players.values())

    def by_gamertag(self, gamertag: str) -> Player | None:
        xuid = self._by_gamertag.get(gamertag.strip().casefold())
        return None if xuid is None else self._players[xuid]

    def gamertag_at(self, xuid: int, at_ms: int) -> str:
        """The gamertag the player had at ``at_ms`` (films carry the name of their time)."""
        rename = self.renames.get(xuid)
        if rename is not None and at_ms < rename[0]:
            return rename[1]
        return self._players[xuid].gamertag

    def resolve(self, segment: str) -> Player | None:
        """A (decoded) player path segment: ``xuid(16 digits)`` or a gamertag.

        Raises ValueError for a malformed ``xuid(...)``.
        """
        if segment.startswith("xuid(") and segment.endswith(")"):
            xuid = xuid_of_player_id(segment)
            if xuid is None:
                raise ValueError(f"malformed xuid: {segment!r}")
            return self.player(int(xuid))
        return self.by_gamertag(segment)

    # -- matches ---------------------------------------------------------------------------------
    def match(self, match_id: str) -> MatchMeta | None:
        return self._by_id.get(match_id.lower())

    def template(self, meta: MatchMeta) -> MatchTemplate:
        return self.fixtures.templates[meta.template]

    def slot(self, meta: MatchMeta, xuid: int) -> HumanSlot | None:
        try:
            return self.template(meta).humans[meta.humans.index(xuid)]
        except ValueError:
            return None

    def history(self, xuid: int, kind: str = "all") -> list[MatchMeta]:
        """The player's matches of ``kind``, newest first (cached until the next mutation)."""
        if kind not in HISTORY_TYPES:
            raise ValueError(f"type must be one of {', '.join(HISTORY_TYPES)}")
        with self._lock:
            cached = self._history_cache.get((xuid, kind))
            if cached is not None and cached[0] == self._version:
                return cached[1]
            if kind == "local":
                result: list[MatchMeta] = []  # the career has no LAN matches
            else:
                wanted = {
                    "all": None,
                    "matchmaking": LIFECYCLE_MATCHMADE,
                    "custom": LIFECYCLE_CUSTOM,
                }[kind]
                result = [
                    m
                    for m in self.matches
                    if xuid in m.humans
                    and (wanted is None or self.template(m).lifecycle_mode == wanted)
                ]
                result.sort(key=lambda m: m.start_ms, reverse=True)
            self._history_cache[(xuid, kind)] = (self._version, result)
            return result

    def counts(self, xuid: int) -> dict[str, int]:
        return {
            "CustomMatchesPlayedCount": len(self.history(xuid, "custom")),
            "MatchesPlayedCount": len(self.history(xuid, "all")),
            "MatchmadeMatchesPlayedCount": len(self.history(xuid, "matchmaking")),
            "LocalMatchesPlayedCount": len(self.history(xuid, "local")),
        }

    # -- films -----------------------------------------------------------------------------------
    def film_ids(self, meta: MatchMeta) -> tuple[str, str]:
        """(film AssetId, blob folder id) of a match's film, derived from its render seed."""
        rng = random.Random(f"{meta.seed}:film")
        return new_match_id(rng), new_match_id(rng)

    def film_match(self, asset_id: str, folder_id: str) -> MatchMeta | None:
        with self._lock:
            if self._films is None or self._films[0] != self._version:
                index = {self.film_ids(m): m for m in self.matches if m.film}
                self._films = (self._version, index)
            return self._films[1].get((asset_id.lower(), folder_id.lower()))

    # -- runtime changes -------------------------------------------------------------------------
    def add_match(
        self,
        player_xuid: str | int,
        *,
        template: str = "slayer",
        teammates: Sequence[str | int] = (),
        film: bool = False,
        start: datetime | None = None,
    ) -> MatchMeta:
        """Append a brand-new match at the top of the player's history (and the teammates').

        The start defaults to just after the latest match of everyone in it; ids and pool players
        come from a generator seeded by the career seed and the number of matches added so far.
        """
        party = [int(player_xuid), *(int(x) for x in teammates)]
        for xuid in party:
            if xuid not in self._players:
                raise KeyError(f"unknown player xuid {xuid}")
        with self._lock:
            self._added += 1
            rng = random.Random(f"{self.spec.seed}:added:{self._added}")
            if start is None:
                latest = max(
                    (m.start_ms for m in self.matches if not set(party).isdisjoint(m.humans)),
                    default=int(self.spec.start.timestamp() * 1000),
                )
                start_ms = latest + 30 * MINUTE_MS
            else:
                start_ms = int(start.timestamp() * 1000)
            pool = [x for x, p in self._players.items() if not p.tracked]
            meta = build_match(
                self.fixtures, template, party, start_ms, film=film, pool=pool, rng=rng
            )
            meta.added = True
            self.matches.append(meta)
            self._by_id[meta.match_id] = meta
            self._version += 1
            return meta

    def reset(self) -> None:
        """Drop every match added at runtime."""
        with self._lock:
            self.matches = [m for m in self.matches if not m.added]
            self._by_id = {m.match_id: m for m in self.matches}
            self._added = 0
            self._version += 1

    # -- reporting -------------------------------------------------------------------------------
    def summary(self) -> dict[str, object]:
        tracked = {int(p.xuid) for p in self.spec.players}
        per_player = {}
        for p in self.spec.players:
            history = self.history(int(p.xuid))
            shared = sum(1 for m in history if len(tracked & set(m.humans)) > 1)
            per_player[p.gamertag] = {
                "xuid": p.xuid,
                "matches": len(history),
                "shared": shared,
                "customs": len(self.history(int(p.xuid), "custom")),
                "films": sum(1 for m in history if m.film),
            }
        return {
            "matches": len(self.matches),
            "films": sum(1 for m in self.matches if m.film),
            "players": per_player,
        }
