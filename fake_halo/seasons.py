"""The CSR season calendar the fake serves, and the season a synthetic match falls in.

The recorded calendar (gamecms ``CsrSeasonCalendar.json``) ends in January 2024, before any
synthetic career starts. The fake serves the recorded seasons followed by synthetic ones of
``SEASON_DAYS`` days, laid out so that a season turns over one week after the career's start at
17:00 UTC (the demo career plays across that boundary) and continued until the season holding the
latest match. Match stats carry the season path of their start time as ``MatchInfo.SeasonId``, and
a tracked player's first ranked matches of a new season are placement matches (see skill.py).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from .templates import parse_time_ms

SEASON_DAYS = 91
SEASON_MS = SEASON_DAYS * 24 * 3600 * 1000
TURNOVER_AFTER_START = timedelta(days=7)
FIRST_SYNTHETIC_NUMBER = 6  # the recording ends with CsrSeason5-1


@dataclass(frozen=True)
class Season:
    path: str  # CsrSeasonFilePath, e.g. "Csr/Seasons/CsrSeason6-1.json"
    start_ms: int  # inclusive
    end_ms: int  # exclusive


def _format(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class SeasonCalendar:
    """The recorded seasons, then synthetic ones on a fixed grid anchored at ``anchor``."""

    def __init__(self, recorded: dict, career_start: datetime) -> None:
        self._recorded_payload = recorded
        turnover = (career_start + TURNOVER_AFTER_START).replace(hour=17, minute=0, second=0, microsecond=0)
        self.anchor_ms = int(turnover.timestamp() * 1000)

    @cached_property
    def recorded(self) -> tuple[Season, ...]:
        return tuple(
            Season(
                s["CsrSeasonFilePath"],
                parse_time_ms(s["StartDate"]["ISO8601Date"]),
                parse_time_ms(s["EndDate"]["ISO8601Date"]),
            )
            for s in self._recorded_payload["Seasons"]
        )

    def seasons(self, until_ms: int) -> list[Season]:
        """Every season up to and including the one holding ``until_ms``."""
        seasons = list(self.recorded)
        start = seasons[-1].end_ms
        # The first grid boundary after the recording's end.
        boundary = self.anchor_ms - ((self.anchor_ms - start) // SEASON_MS) * SEASON_MS
        if boundary <= start:
            boundary += SEASON_MS
        number = FIRST_SYNTHETIC_NUMBER
        while start <= until_ms:
            seasons.append(Season(f"Csr/Seasons/CsrSeason{number}-1.json", start, boundary))
            start, boundary, number = boundary, boundary + SEASON_MS, number + 1
        return seasons

    def season_at(self, ms: int) -> Season | None:
        """The season whose [start, end) holds ``ms``; None before the first one."""
        for season in self.seasons(ms):
            if season.start_ms <= ms < season.end_ms:
                return season
        return None

    def payload(self, until_ms: int) -> dict:
        """The calendar as served: the recorded payload's shape, seasons through ``until_ms``."""
        payload = copy.deepcopy(self._recorded_payload)
        payload["Seasons"] = [
            {
                "CsrSeasonFilePath": s.path,
                "StartDate": {"ISO8601Date": _format(s.start_ms)},
                "EndDate": {"ISO8601Date": _format(s.end_ms)},
            }
            for s in self.seasons(until_ms)
        ]
        # The recorded seasons are served exactly as recorded.
        payload["Seasons"][: len(self.recorded)] = copy.deepcopy(self._recorded_payload["Seasons"])
        return payload
