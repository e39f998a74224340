"""A synthetic career that keeps going: the matches its players play after the last one generated.

``bench.synth --add M`` lands them into a synthetic warehouse (what a sync brings), and the ingest
benchmark's fake server serves them on top of the same career (what a sync fetches), so the two
agree match for match.

The continuation is a pure function of the career: each circle of friends (tracked players who
play together) gets its own stream of play sessions, drawn from a generator seeded by the career
seed and the circle, starting after the newest match of the whole career; the streams are merged
by start time. So the first N matches of the continuation never depend on how many are asked for:
``--add 25`` twice lands the same matches as ``--add 50`` once. Each match is appended with
``Career.add_match`` (ids and the other players drawn from the career seed and the match's rank),
in the same order every time.

Sessions follow the career generator's rules: 3 to 8 matches, the next one 3 to 12 hours later
(60%) or 1 to 4 days later; a circle plays together with probability ``shared_share``; customs
(solo only), films and templates are drawn as the generator draws them.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from fake_halo import Career, MatchMeta
from fake_halo.schedule import HOUR_MS, MINUTE_MS, choose_template, circles

SECOND_MS = 1_000
FRIEND_JOINS = 0.85  # the chance that each friend joins a shared session (as the generator draws it)


@dataclass(frozen=True)
class PlannedMatch:
    start_ms: int
    circle: int
    party: tuple[int, ...]  # tracked xuids playing together, the session's lead first
    template: str
    film: bool


def circle_sessions(career: Career, circle: int, members: list[int], after_ms: int) -> Iterator[PlannedMatch]:
    """The endless stream of matches one circle plays after ``after_ms`` (whole seconds)."""
    spec = career.spec
    rng = random.Random(f"{spec.seed}:continuation:{circle}")
    last_start = after_ms
    while True:
        gap_ms = rng.randint(3 * HOUR_MS, 12 * HOUR_MS) if rng.random() < 0.6 else rng.randint(24 * HOUR_MS, 96 * HOUR_MS)
        clock = (last_start + gap_ms) // SECOND_MS * SECOND_MS
        lead = rng.choice(members)
        party = [lead]
        if len(members) > 1 and rng.random() < spec.shared_share:
            party += [x for x in members if x != lead and rng.random() < FRIEND_JOINS]
        for _ in range(rng.randint(3, 8)):
            template, film = choose_template(spec, len(party), rng)
            yield PlannedMatch(clock, circle, tuple(party), template, film)
            last_start = clock
            wall_ms = career.fixtures.template(template).wall_ms
            clock += (wall_ms + rng.randint(MINUTE_MS, 5 * MINUTE_MS)) // SECOND_MS * SECOND_MS + SECOND_MS


def plan_continuation(career: Career, after_ms: int) -> Iterator[PlannedMatch]:
    """Every circle's sessions after ``after_ms``, merged by start time (ties: circle order)."""
    streams = [
        circle_sessions(career, index, [int(p.xuid) for p in group], after_ms)
        for index, group in enumerate(circles(career.spec.players))
    ]
    return heapq.merge(*streams, key=lambda planned: (planned.start_ms, planned.circle))


def generated_end_ms(career: Career) -> int:
    """When the newest match the generator drew for ``career`` ends (runtime additions aside)."""
    return max(m.start_ms + career.template(m).wall_ms for m in career.matches if not m.added)


def continue_career(career: Career, count: int) -> list[MatchMeta]:
    """Append the first ``count`` matches of the career's continuation to a career that has none
    yet (a fresh one, or one just ``reset``), in order; returns them, oldest first."""
    if any(m.added for m in career.matches):
        raise ValueError("continue_career needs a career without runtime additions (reset it first)")
    planned = itertools.islice(plan_continuation(career, generated_end_ms(career)), count)
    return [
        career.add_match(
            match.party[0], template=match.template, teammates=match.party[1:], film=match.film,
            start=datetime.fromtimestamp(match.start_ms // SECOND_MS, UTC),
        )
        for match in planned
    ]
