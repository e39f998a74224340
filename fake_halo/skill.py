"""The skill payload: team MMRs, CSR before/after, expected kills/deaths, counterfactuals.

Consistency rules: every player of a match sees the same ``TeamMmrs``; ``StatPerformances.*.Count``
is the player's real kills/deaths in the stats payload; a tracked player's CSR moves from match to
match (the ``PostMatchCsr`` of one ranked match is the ``PreMatchCsr`` of the next), and their first
``PLACEMENT_MATCHES`` ranked matches of a new CSR season (seasons.py) are placement matches: CSR -1
with ``MeasurementMatchesRemaining`` counting down, the last one's ``PostMatchCsr`` the CSR the walk
resumes with.
"""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass

from ingest.vocabulary import player_id

from .career import Career
from .schedule import MatchMeta

TIERS = ("Bronze", "Silver", "Gold", "Platinum", "Diamond", "Onyx")
UNRANKED = -1
PLACEMENT_MATCHES = 3


@dataclass(frozen=True)
class CsrStep:
    """A tracked player's CSR before and after one ranked match (placement: -1 with a countdown)."""

    pre: int
    post: int
    pre_remaining: int = 0
    post_remaining: int = 0

    def recap(self) -> dict:
        if not (self.pre_remaining or self.post_remaining):
            return {"PreMatchCsr": csr_container(self.pre), "PostMatchCsr": csr_container(self.post)}
        return {
            "PreMatchCsr": csr_container(self.pre, self.pre_remaining, PLACEMENT_MATCHES),
            "PostMatchCsr": csr_container(self.post, self.post_remaining, PLACEMENT_MATCHES),
        }


def csr_container(value: int, remaining: int | None = None, initial: int = 10) -> dict:
    """A CSR container: 300-wide tiers, 50-wide sub-tiers, Onyx from 1500. Unranked (-1) counts
    ``remaining`` measurement matches (default: all of them, as outside a ranked playlist)."""
    if value < 0:
        return {
            "Value": UNRANKED,
            "MeasurementMatchesRemaining": initial if remaining is None else remaining,
            "Tier": "",
            "TierStart": 0,
            "SubTier": 0,
            "NextTier": "",
            "NextTierStart": 0,
            "NextSubTier": 0,
            "InitialMeasurementMatches": initial,
        }
    if value >= 1500:
        tier, sub, start = "Onyx", 0, 1500
        next_tier, next_start, next_sub = "Onyx", 1500, 0
    else:
        tier_index, sub = value // 300, (value % 300) // 50
        tier, start = TIERS[tier_index], tier_index * 300 + sub * 50
        if sub < 5:
            next_tier, next_start, next_sub = tier, start + 50, sub + 1
        else:
            next_tier, next_start, next_sub = TIERS[tier_index + 1], (tier_index + 1) * 300, 0
    return {
        "Value": value,
        "MeasurementMatchesRemaining": 0,
        "Tier": tier,
        "TierStart": start,
        "SubTier": sub,
        "NextTier": next_tier,
        "NextTierStart": next_start,
        "NextSubTier": next_sub,
        "InitialMeasurementMatches": initial,
    }


def _csr_delta(meta: MatchMeta, xuid: int, outcome: int) -> int:
    magnitude = random.Random(f"{meta.seed}:csr:{xuid}").randint(6, 18)
    return {2: magnitude, 3: -magnitude, 4: -(magnitude + 8)}.get(outcome, 0)


class SkillRenderer:
    def __init__(self, career: Career) -> None:
        self.career = career
        recorded = career.fixtures.skill["Value"][0]["Result"]["Counterfactuals"]
        own = recorded["SelfCounterfactuals"]
        # Tier counterfactuals scale with the player's own expectation as in the recording.
        self.tier_ratios = {
            tier: (v["Kills"] / own["Kills"], v["Deaths"] / own["Deaths"])
            for tier, v in recorded["TierCounterfactuals"].items()
        }
        self._lock = threading.Lock()
        self._books: dict[int, tuple[int, dict[str, CsrStep]]] = {}

    def csr(self, meta: MatchMeta, xuid: int) -> CsrStep:
        """A player's CSR before and after a ranked match."""
        player = self.career.player(xuid)
        slot = self.career.slot(meta, xuid)
        if player is None or slot is None:
            raise KeyError(f"player {xuid} is not in match {meta.match_id}")
        if player.tracked:
            return self._book(xuid)[meta.match_id]
        base = random.Random(f"{self.career.spec.seed}:csr:{xuid}").randint(900, 1700)
        pre = max(0, base + random.Random(f"{meta.seed}:pre:{xuid}").randint(-40, 40))
        return CsrStep(pre, max(0, pre + _csr_delta(meta, xuid, slot.outcome)))

    def _book(self, xuid: int) -> dict[str, CsrStep]:
        """A tracked player's CSR walk over their ranked matches (rebuilt after a change)."""
        with self._lock:
            version = self.career.version  # read before the history: a race only rebuilds again
            history = self.career.history(xuid)
            cached = self._books.get(xuid)
            if cached is not None and cached[0] == version:
                return cached[1]
            value = random.Random(f"{self.career.spec.seed}:csr:{xuid}").randint(1100, 1550)
            book: dict[str, CsrStep] = {}
            season, remaining = None, 0
            for meta in reversed(history):  # oldest first
                if not self.career.template(meta).ranked:
                    continue
                slot = self.career.slot(meta, xuid)
                if slot is None:
                    raise RuntimeError(f"history of {xuid} lists {meta.match_id} without them")
                match_season = self.career.calendar.season_at(meta.start_ms)
                if season is not None and match_season != season:
                    remaining = PLACEMENT_MATCHES  # a new season: placements first
                season = match_season
                post = max(0, value + _csr_delta(meta, xuid, slot.outcome))
                if remaining:
                    book[meta.match_id] = CsrStep(
                        UNRANKED, post if remaining == 1 else UNRANKED, remaining, remaining - 1
                    )
                    remaining -= 1
                else:
                    book[meta.match_id] = CsrStep(value, post)
                value = post
            self._books[xuid] = (version, book)
            return book

    def team_mmrs(self, meta: MatchMeta) -> dict[str, float]:
        rng = random.Random(f"{meta.seed}:mmr")
        base = rng.uniform(1150.0, 1600.0)
        return {
            str(t): base + rng.uniform(-60.0, 60.0) for t in self.career.template(meta).team_ids
        }

    def render(self, meta: MatchMeta, xuids: list[int]) -> dict:
        mmrs = self.team_mmrs(meta)
        ranked = self.career.template(meta).ranked
        values = []
        for xuid in dict.fromkeys(xuids):  # repeated players are answered once
            slot = self.career.slot(meta, xuid)
            if slot is None:
                values.append({"Id": player_id(xuid), "ResultCode": 1, "Result": None})
                continue
            step = self.csr(meta, xuid) if ranked else CsrStep(UNRANKED, UNRANKED)
            rng = random.Random(f"{meta.seed}:perf:{xuid}")
            exp_kills = max(0.5, slot.kills * rng.uniform(0.75, 1.25) + rng.gauss(0.0, 1.5))
            exp_deaths = max(0.5, slot.deaths * rng.uniform(0.75, 1.25) + rng.gauss(0.0, 1.5))
            values.append(
                {
                    "Id": player_id(xuid),
                    "ResultCode": 0,
                    "Result": {
                        "TeamMmr": mmrs[str(slot.team_id)],
                        "RankRecap": step.recap(),
                        "StatPerformances": {
                            "Kills": _performance(slot.kills, exp_kills, rng),
                            "Deaths": _performance(slot.deaths, exp_deaths, rng),
                        },
                        "TeamId": slot.team_id,
                        "TeamMmrs": mmrs,
                        "RankedRewards": None,
                        "Counterfactuals": {
                            "SelfCounterfactuals": {"Kills": exp_kills, "Deaths": exp_deaths},
                            "TierCounterfactuals": {
                                tier: {"Kills": exp_kills * rk, "Deaths": exp_deaths * rd}
                                for tier, (rk, rd) in self.tier_ratios.items()
                            },
                        },
                    },
                }
            )
        return {"Value": values}


def _performance(count: int, expected: float, rng: random.Random) -> dict:
    return {
        "Count": count,
        "Expected": expected,
        "StdDev": math.sqrt(expected) * rng.uniform(1.05, 1.3),
    }
