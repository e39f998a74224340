"""Rendering the core JSON payloads of a career match from its template.

A rendered match is the recorded payload with a new MatchId, every time shifted by the same amount
and each human ``PlayerId`` replaced by the career player in that seat. Numbers are never touched,
so team totals, KDA and accuracy stay exactly as recorded for the seat a player takes.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

from ingest.vocabulary import player_id

from .career import Career, Player
from .schedule import MatchMeta

MAX_PAGE = 25  # the history endpoint's documented maximum page size


def format_time(ms: int) -> str:
    """An API timestamp: UTC, ``Z``, milliseconds with trailing zeros dropped (as recorded)."""
    moment = datetime.fromtimestamp(ms // 1000, UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{ms % 1000:03d}".rstrip("0")
    return f"{text}.{fraction}Z" if fraction else f"{text}Z"


def match_info(career: Career, meta: MatchMeta) -> dict:
    template = career.template(meta)
    info = copy.deepcopy(template.match_info)
    info["StartTime"] = format_time(meta.start_ms)
    info["EndTime"] = format_time(meta.start_ms + template.wall_ms)
    season = career.calendar.season_at(meta.start_ms)
    if info.get("SeasonId") and season is not None:  # matchmade: the CSR season of the start time
        info["SeasonId"] = season.path
    return info


def match_stats(career: Career, meta: MatchMeta) -> dict:
    template = career.template(meta)
    payload = json.loads(template.stats_text)
    payload["MatchId"] = meta.match_id
    payload["MatchInfo"] = match_info(career, meta)
    for (joined, left), player in zip(template.join_offsets, payload["Players"], strict=True):
        part = player["ParticipationInfo"]
        part["FirstJoinedTime"] = format_time(meta.start_ms + joined)
        if left is not None:
            part["LastLeaveTime"] = format_time(meta.start_ms + left)
    for slot, xuid in zip(template.humans, meta.humans, strict=True):
        payload["Players"][slot.player_index]["PlayerId"] = player_id(xuid)
    return payload


def history_item(career: Career, meta: MatchMeta, xuid: int) -> dict:
    slot = career.slot(meta, xuid)
    if slot is None:
        raise KeyError(f"player {xuid} is not in match {meta.match_id}")
    return {
        "MatchId": meta.match_id,
        "MatchInfo": match_info(career, meta),
        "LastTeamId": slot.team_id,
        "Outcome": slot.outcome,
        "Rank": slot.rank,
        "PresentAtEndOfMatch": slot.present_at_end,
    }


def history_page(career: Career, xuid: int, kind: str, start: int, count: int) -> dict:
    """One page of the newest-first history; ``count`` is capped at 25 and echoed capped."""
    count = min(count, MAX_PAGE)
    matches = career.history(xuid, kind)[start : start + count]
    return {
        "Start": start,
        "Count": count,
        "ResultCount": len(matches),
        "Results": [history_item(career, m, xuid) for m in matches],
        "Links": {},
    }


def user(career: Career, player: Player) -> dict:
    """A profile user object, shaped like the recorded one (lowercase keys, xuid as a string)."""
    gamerpic = copy.deepcopy(career.fixtures.user["gamerpic"])
    return {"xuid": str(player.xuid), "gamertag": player.gamertag, "gamerpic": gamerpic}
