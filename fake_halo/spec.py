"""What a synthetic career should look like: the knobs, the demo career and the benchmark scale."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from ingest.vocabulary import XUID_REGEX

DEMO_START = datetime(2025, 1, 6, 18, 0, tzinfo=UTC)


@dataclass(frozen=True)
class PlayerSpec:
    """A tracked player. ``gamertag`` is the current one (what the profile service returns)."""

    gamertag: str
    xuid: str  # 16 digits
    friends: tuple[str, ...] = ()  # xuids of friends (tracked players of the same circle)
    matches: int | None = None  # None: CareerSpec.matches_per_player
    former_gamertag: str | None = None  # the gamertag before a change...
    renamed_after: int | None = None  # ...which happened after this many of the player's matches

    def __post_init__(self) -> None:
        if re.fullmatch(XUID_REGEX, self.xuid) is None:
            raise ValueError(f"xuid must be 16 digits: {self.xuid!r}")
        for tag in (self.gamertag, self.former_gamertag):
            # Xbox allows 15 characters; a film record holds at most 16 UTF-16 code units.
            if tag is not None and not 0 < len(tag) <= 15:
                raise ValueError(f"gamertags have 1 to 15 characters: {tag!r}")
        if (self.former_gamertag is None) != (self.renamed_after is None):
            raise ValueError("former_gamertag and renamed_after go together")


@dataclass(frozen=True)
class CareerSpec:
    """A deterministic synthetic career: the same spec always yields the same matches and bytes.

    Tracked players are grouped into circles (connected components of their ``friends``); each
    circle plays on its own timeline of sessions. ``shared_share`` is the probability that a session
    is played together by the circle (so roughly the fraction of a player's matches shared with
    friends, on the same team); ``custom_share`` the fraction of *solo* matches that are customs
    against bots; ``film_share`` the fraction of matches whose film still exists.
    """

    seed: int
    players: tuple[PlayerSpec, ...]
    matches_per_player: int = 50
    shared_share: float = 0.5
    custom_share: float = 0.1
    film_share: float = 0.3
    start: datetime = DEMO_START
    # When set, each circle stops after its share of this many distinct matches, ignoring quotas.
    total_matches: int | None = None
    # Start-to-start gaps (minutes) forced between consecutive sessions of a circle's first player.
    forced_gaps_minutes: tuple[int, ...] = ()
    # Make the first player of the first circle play every template (film, leave, team switch).
    showcase: bool = False
    pool_size: int | None = None  # synthetic non-tracked humans; None: derived from the size
    random_renames: int = 0  # recurring random players who change gamertag mid-career

    def __post_init__(self) -> None:
        if not self.players:
            raise ValueError("a career needs at least one tracked player")
        if self.start.tzinfo is None:
            raise ValueError("start must be timezone-aware (UTC)")
        for share in (self.shared_share, self.custom_share, self.film_share):
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"shares must lie in [0, 1], got {share}")
        xuids = [p.xuid for p in self.players]
        if len(set(xuids)) != len(xuids):
            raise ValueError("tracked xuids must be distinct")

    def quota(self, player: PlayerSpec) -> int:
        return self.matches_per_player if player.matches is None else player.matches

    @classmethod
    def demo(cls) -> CareerSpec:
        """Three tracked friends: a main player (60 matches) and two friends (32 and 27).

        "Quill#4821" changed gamertag (formerly "QuillTheBold") after 13 of their matches, and one
        recurring random player changes gamertag mid-career too.
        """
        main, nimbus, quill = "2533274900000042", "2533274911112233", "2535400000004821"
        return cls(
            seed=20250106,
            players=(
                PlayerSpec("Demo Spartan", main, friends=(nimbus, quill), matches=60),
                PlayerSpec("Nimbus Crow", nimbus, friends=(main, quill), matches=32),
                PlayerSpec(
                    "Quill#4821",
                    quill,
                    friends=(main, nimbus),
                    matches=27,
                    former_gamertag="QuillTheBold",
                    renamed_after=13,
                ),
            ),
            shared_share=0.55,
            custom_share=0.12,
            film_share=0.35,
            start=DEMO_START,
            forced_gaps_minutes=(120, 121),
            showcase=True,
            pool_size=240,
            random_renames=1,
        )

    @classmethod
    def scale(cls, players: int, matches: int, seed: int = 7) -> CareerSpec:
        """A benchmark career: ``players`` tracked players in circles of up to 4 friends, exactly
        ``matches`` distinct matches overall."""
        if players < 1 or matches < players:
            raise ValueError("scale needs players >= 1 and matches >= players")
        specs: list[PlayerSpec] = []
        xuids = [f"25332749{seed % 100:02d}{i:06d}" for i in range(players)]
        for i, xuid in enumerate(xuids):
            circle = range(i - i % 4, min(i - i % 4 + 4, players))
            friends = tuple(xuids[j] for j in circle if j != i)
            specs.append(PlayerSpec(f"Benchmark {i + 1}", xuid, friends=friends))
        return cls(
            seed=seed,
            players=tuple(specs),
            matches_per_player=max(1, matches // players),
            shared_share=0.3,
            custom_share=0.05,
            film_share=0.2,
            total_matches=matches,
            forced_gaps_minutes=(120, 121),
            random_renames=1,
        )
