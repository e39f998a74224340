"""Generating a career: who played which template when, in sessions, with whom.

Only compact per-match metadata is produced here (template index, start time, one xuid per human
slot, film flag, a render seed); payloads are rendered on request, so 50,000 matches stay cheap.
Everything is drawn from one ``random.Random(spec.seed)`` in a fixed order: same spec, same career.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

from .names import gamertag_pool
from .spec import CareerSpec, PlayerSpec
from .templates import Fixtures, MatchTemplate

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
REGULARS = 12  # pool players who recur often (a real player meets the same randoms again)

# Relative weights of the matchmade templates a solo player queues into.
# Oddball is light here because every matchmade match with a film is an oddball match already.
SOLO_WEIGHTS = {"slayer": 4.0, "ctf": 1.5, "oddball": 0.5, "zones": 2.0, "infection": 1.0}
TEAM_WEIGHTS = {"slayer": 4.0, "ctf": 1.5, "oddball": 0.5, "zones": 2.0}  # 4v4: a party fits
CUSTOM_TEMPLATES = ("elimination", "stockpile", "oddball_1v1")
MATCHMADE_FILM = "oddball"  # the only matchmade template with a reconcilable recorded film
CUSTOM_FILM = "oddball_1v1"

# The showcase: the main player's first solo matches walk through every template once, so the
# demo is guaranteed a film of each kind, an early leave and a team switch.
SHOWCASE: tuple[tuple[str, bool, bool], ...] = (  # (template, film, take the leaver's slot)
    ("oddball", True, False),
    ("infection", False, True),
    ("stockpile", False, False),
    ("slayer", False, False),
    ("oddball_1v1", True, False),
    ("ctf", False, False),
    ("elimination", False, False),
    ("zones", False, False),
)


@dataclass(slots=True)
class MatchMeta:
    match_id: str
    template: int  # index into Fixtures.templates
    start_ms: int  # epoch milliseconds of MatchInfo.StartTime
    humans: tuple[int, ...]  # career xuid per template human slot, in Players[] order
    film: bool  # the film still exists (only film-capable templates)
    seed: int  # drives every rendered detail that is not stored here
    added: bool = False  # appended at runtime (dropped again by a reset)


@dataclass
class Generated:
    matches: list[MatchMeta]
    pool_xuids: list[int]
    pool_gamertags: list[str]  # current gamertags, aligned with pool_xuids
    renames: dict[int, tuple[int, str]]  # xuid -> (change time in epoch ms, former gamertag)


def new_match_id(rng: random.Random) -> str:
    """A lowercase version-4 UUID drawn from ``rng`` (deterministic, unlike uuid.uuid4)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def circles(players: tuple[PlayerSpec, ...]) -> list[list[PlayerSpec]]:
    """Connected components of the friends graph among tracked players, in spec order."""
    index = {p.xuid: i for i, p in enumerate(players)}
    parent = list(range(len(players)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, player in enumerate(players):
        for friend in player.friends:
            if friend in index:
                parent[root(i)] = root(index[friend])
    groups: dict[int, list[PlayerSpec]] = {}
    for i, player in enumerate(players):
        groups.setdefault(root(i), []).append(player)
    return list(groups.values())


def choose_template(spec: CareerSpec, party: int, rng: random.Random) -> tuple[str, bool]:
    """(template, has a film) for a party of ``party`` tracked players, drawn from ``rng``."""
    custom = party == 1 and rng.random() < spec.custom_share
    film = rng.random() < spec.film_share
    if custom:
        return (CUSTOM_FILM if film else rng.choice(CUSTOM_TEMPLATES)), film
    if film:
        return MATCHMADE_FILM, True
    weights = TEAM_WEIGHTS if party > 1 else SOLO_WEIGHTS
    return rng.choices(list(weights), weights=list(weights.values()))[0], False


class Planner:
    """Draws a whole career; one instance per generation."""

    def __init__(self, spec: CareerSpec, fixtures: Fixtures) -> None:
        self.spec = spec
        self.fixtures = fixtures
        self.rng = random.Random(spec.seed)
        self.names = fixtures.template_names()
        self.matches: list[MatchMeta] = []
        self._make_pool()

    # -- the pool of non-tracked humans ----------------------------------------------------------
    def _make_pool(self) -> None:
        spec, rng = self.spec, self.rng
        expected = spec.total_matches or spec.matches_per_player * len(spec.players)
        size = spec.pool_size or max(200, min(25_000, expected // 2))
        taken_xuids = {int(p.xuid) for p in spec.players}
        xuids: list[int] = []
        while len(xuids) < size:
            if rng.random() < 0.5:
                xuid = 2533274000000000 + rng.randrange(1_000_000_000)
            else:
                xuid = 2535400000000000 + rng.randrange(100_000_000_000)
            if xuid not in taken_xuids:
                taken_xuids.add(xuid)
                xuids.append(xuid)
        taken_tags = {p.gamertag for p in spec.players}
        taken_tags |= {p.former_gamertag for p in spec.players if p.former_gamertag}
        self.pool_xuids = xuids
        self.pool_gamertags = gamertag_pool(size, rng, taken_tags, hash_suffix_first=True)
        self._taken_tags = taken_tags | set(self.pool_gamertags)

    # -- one match -------------------------------------------------------------------------------
    def choose_template(self, party: int) -> tuple[str, bool]:
        return choose_template(self.spec, party, self.rng)

    def make_match(
        self,
        template_name: str,
        party: list[int],
        start_ms: int,
        *,
        film: bool,
        take_leaver_slot: bool = False,
    ) -> MatchMeta:
        return build_match(
            self.fixtures,
            template_name,
            party,
            start_ms,
            film=film,
            pool=self.pool_xuids,
            rng=self.rng,
            take_leaver_slot=take_leaver_slot,
        )

    # -- sessions of one circle ------------------------------------------------------------------
    def run_circle(self, circle: list[PlayerSpec], target: int | None, showcase: bool) -> None:
        rng, spec = self.rng, self.spec
        members = [int(p.xuid) for p in circle]
        main = members[0]
        remaining = {int(p.xuid): spec.quota(p) for p in circle}
        showcase_queue = list(SHOWCASE) if showcase else []
        forced = list(spec.forced_gaps_minutes)
        produced, clock, last_start = 0, int(spec.start.timestamp() * 1000), None
        last_party: list[int] = []

        def unfinished() -> bool:
            return produced < target if target is not None else any(remaining.values())

        while unfinished():
            if target is None:
                candidates = [x for x in members if remaining[x] > 0]
                lead = rng.choices(candidates, weights=[remaining[x] for x in candidates])[0]
            else:
                lead = rng.choice(members)
            length = rng.randint(3, 8)
            length = (
                min(length, remaining[lead]) if target is None else min(length, target - produced)
            )
            # A forced gap separates two solo sessions of the main player, so nothing but the gap
            # can decide whether they form one play session.
            force_gap = bool(forced) and last_party == [main] and lead == main
            shared = not force_gap and len(members) > 1 and rng.random() < spec.shared_share
            window = {lead: (0, length)}
            if shared:
                for friend in members:
                    if friend == lead or rng.random() >= 0.85:
                        continue
                    # Now and then a friend joins late or leaves early: session-boundary variety.
                    join = rng.randrange(1, length) if length > 1 and rng.random() < 0.15 else 0
                    leave = rng.randrange(join + 1, length + 1) if rng.random() < 0.15 else length
                    window[friend] = (join, leave)
            if last_start is not None:
                if force_gap:
                    clock = last_start + forced.pop(0) * MINUTE_MS
                elif rng.random() < 0.6:
                    clock = last_start + rng.randint(3 * HOUR_MS, 12 * HOUR_MS)
                else:
                    clock = last_start + rng.randint(24 * HOUR_MS, 96 * HOUR_MS)
            for i in range(length):
                party = [
                    x
                    for x in members
                    if x in window
                    and window[x][0] <= i < window[x][1]
                    and (target is not None or remaining[x] > 0)
                ]
                if main in party and len(party) == 1 and showcase_queue and i % 2 == 0:
                    name, film, leaver = showcase_queue.pop(0)
                else:
                    (name, film), leaver = self.choose_template(len(party)), False
                meta = self.make_match(name, party, clock, film=film, take_leaver_slot=leaver)
                self.matches.append(meta)
                produced += 1
                for x in party:
                    remaining[x] -= 1
                last_start, last_party = clock, party
                wall = self.fixtures.templates[meta.template].wall_ms
                clock += wall + rng.randint(MINUTE_MS, 5 * MINUTE_MS) + rng.randrange(1000)

    # -- renames ---------------------------------------------------------------------------------
    def renames(self) -> dict[int, tuple[int, str]]:
        result: dict[int, tuple[int, str]] = {}
        by_player: dict[int, list[int]] = {}
        for meta in self.matches:
            for xuid in meta.humans:
                by_player.setdefault(xuid, []).append(meta.start_ms)
        for player in self.spec.players:
            if player.former_gamertag is None or player.renamed_after is None:
                continue
            starts = sorted(by_player.get(int(player.xuid), []))
            k = player.renamed_after
            if not 0 < k < len(starts):
                raise ValueError(
                    f"{player.gamertag}: renamed_after must lie in 1..{len(starts) - 1}"
                )
            result[int(player.xuid)] = ((starts[k - 1] + starts[k]) // 2, player.former_gamertag)
        regulars = self.pool_xuids[:REGULARS]
        for xuid in self.rng.sample(regulars, min(self.spec.random_renames, len(regulars))):
            starts = sorted(by_player.get(xuid, []))
            if len(starts) < 2:
                continue  # never seen twice: a rename would be invisible
            index = self.pool_xuids.index(xuid)
            former = self.pool_gamertags[index]
            self.pool_gamertags[index] = gamertag_pool(1, self.rng, self._taken_tags)[0]
            self._taken_tags.add(self.pool_gamertags[index])
            result[xuid] = ((starts[0] + starts[-1]) // 2, former)
        return result


def generate(spec: CareerSpec, fixtures: Fixtures) -> Generated:
    planner = Planner(spec, fixtures)
    groups = circles(spec.players)
    targets: list[int | None] = [None] * len(groups)
    if spec.total_matches is not None:
        total_players = len(spec.players)
        targets = [spec.total_matches * len(g) // total_players for g in groups]
        targets[-1] = spec.total_matches - sum(targets[:-1])
    for index, (group, target) in enumerate(zip(groups, targets, strict=True)):
        planner.run_circle(group, target, showcase=spec.showcase and index == 0)
    return Generated(
        matches=planner.matches,
        pool_xuids=planner.pool_xuids,
        pool_gamertags=planner.pool_gamertags,
        renames=planner.renames(),
    )


def build_match(
    fixtures: Fixtures,
    template_name: str,
    party: list[int],
    start_ms: int,
    *,
    film: bool,
    pool: list[int],
    rng: random.Random,
    take_leaver_slot: bool = False,
) -> MatchMeta:
    """Seat ``party`` (tracked xuids, together on one team) and fill the rest from ``pool``."""
    template = fixtures.template(template_name)
    if film and template.film is None:
        raise ValueError(f"template {template_name!r} has no recorded film")
    seats = _seats(template, len(party), take_leaver_slot, rng)
    humans: list[int] = [0] * len(template.humans)
    used = set(party)
    for xuid, seat in zip(party, seats, strict=True):
        humans[seat] = xuid
    for seat in range(len(humans)):
        if not humans[seat]:
            humans[seat] = _pick_pool(pool, used, rng)
    return MatchMeta(
        match_id=new_match_id(rng),
        template=fixtures.template_index(template_name),
        start_ms=start_ms,
        humans=tuple(humans),
        film=film,
        seed=rng.getrandbits(63),
    )


def _pick_pool(pool: list[int], used: set[int], rng: random.Random) -> int:
    if len(used) >= len(pool):
        raise ValueError("the player pool is too small for this match")
    while True:
        if rng.random() < 0.25:  # the first REGULARS of the pool recur often
            xuid = pool[rng.randrange(min(REGULARS, len(pool)))]
        else:
            xuid = pool[rng.randrange(len(pool))]
        if xuid not in used:
            used.add(xuid)
            return xuid


def _seats(template: MatchTemplate, party: int, leaver: bool, rng: random.Random) -> list[int]:
    if party > len(template.humans):
        raise ValueError(f"{template.name} has only {len(template.humans)} human slots")
    if party == 1:
        leavers = [i for i, s in enumerate(template.humans) if s.left_early]
        if leaver and leavers:
            return [leavers[0]]
        return [rng.randrange(len(template.humans))]
    if not template.teams_enabled:
        raise ValueError(f"{template.name} has no teams to seat a party on")
    teams = [slots for slots in template.team_slots().values() if len(slots) >= party]
    if not teams:
        raise ValueError(f"no team of {template.name} seats {party} players")
    return rng.sample(rng.choice(teams), party)
