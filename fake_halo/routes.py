"""The route table of the fake API: (host, path pattern) -> endpoint name and handler.

Paths are matched after the host segment, percent-decoded per segment, e.g. host ``halostats``,
path ``/hi/players/Demo Spartan/matches``. New services (login, XSTS, ...) are new ``Route`` rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingest.vocabulary import ASSET_KINDS, XUID_REGEX, xuid_of_player_id

from . import payloads
from .career import HISTORY_TYPES, Player
from .schedule import MatchMeta
from .wire import ApiError, Request, Response, json_response

if TYPE_CHECKING:
    from .api import FakeHaloApi

Handler = Callable[["FakeHaloApi", Request, tuple[str, ...]], Response]


@dataclass(frozen=True)
class Route:
    host: str
    pattern: str  # full-match regular expression over the decoded path
    endpoint: str  # short name used by the request log and fault rules
    handler: Handler
    auth: bool = True  # needs x-343-authorization-spartan
    method: str = "GET"

    def match(self, host: str, path: str) -> re.Match[str] | None:
        return re.fullmatch(self.pattern, path) if host == self.host else None


# -- helpers ---------------------------------------------------------------------------------------
def _player(api: FakeHaloApi, segment: str) -> Player:
    try:
        player = api.career.resolve(segment)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from exc
    if player is None:
        raise ApiError(404, f"unknown player {segment!r}")
    return player


def _match(api: FakeHaloApi, match_id: str) -> MatchMeta:
    meta = api.career.match(match_id)
    if meta is None:
        raise ApiError(404, f"unknown match {match_id!r}")
    return meta


def _xuid(text: str) -> int:
    if re.fullmatch(XUID_REGEX, text) is None:
        raise ApiError(400, f"an xuid is exactly 16 digits, got {text!r}")
    return int(text)


# -- handlers --------------------------------------------------------------------------------------
def clearance(api: FakeHaloApi, request: Request, groups: tuple[str, ...]) -> Response:
    return json_response({"FlightConfigurationId": api.clearance_id})


def user_me(api: FakeHaloApi, request: Request, groups: tuple[str, ...]) -> Response:
    return json_response(payloads.user(api.career, api.career.me))


def user_by_gamertag(api: FakeHaloApi, request: Request, groups: tuple[str, ...]) -> Response:
    player = api.career.by_gamertag(groups[0])
    if player is None:
        raise ApiError(404, f"unknown gamertag {groups[0]!r}")
    return json_response(payloads.user(api.career, player))


def user_by_xuid(api: FakeHaloApi, request: Request, groups: tuple[str, ...]) -> Response:
    player = api.career.player(_xuid(groups[0]))
    if player is None:
        raise ApiError(404, f"unknown xuid {groups[0]!r}")
    return json_response(payloads.user(api.career, player))


def users_batch(api: FakeHaloApi, request: Request, groups: tuple[str, ...]) -> Response:
    wanted = request.query.get("xuids", [])
    if not wanted:
        raise ApiError(400, "query parameter 'xuids' is required (repeat it per xuid)")
    users = []
    for xuid in dict.fromkeys(_xuid(x) for x in wanted):
        player = api.career.player(xuid)
        if player is not None:  # unknown xuids are left out, like the real service
            users.append(payloads.user(api.career, player))
    return json_response(users)


def history(api: FakeHaloApi, request: Request, groups: tuple[str, ...]) -> Response:
    player = _player(api, groups[0])
    kind = request.param("type", "all") or "all"
    if kind not in HISTORY_TYPES:
        raise ApiError(400, f"type must be one of {', '.join(HISTORY_TYPES)}, got {kind!r}")
    start = request.int_param("start", 0, minimum=0)
    count = request.int_param("count", payloads.MAX_PAGE, minimum=1)
    return json_response(payloads.history_page(api.career, player.xuid, kind, start, count))


def match_count(api: FakeHaloApi, request: Request, groups: tuple[str, ...]) -> Response:
    return json_response(api.career.counts(_player(api, groups[0]).xuid))


def stats(api: FakeHaloApi, request: Request, groups: tuple[str, ...]) -> Response:
    return json_response(payloads.match_stats(api.career, _match(api, groups[0])))


def skill(api: FakeHaloApi, request: Request, groups: tuple[str, ...]) -> Response:
    meta = _match(api, groups[0])
    players = request.query.get("players", [])
    if not players:
        raise ApiError(400, "query parameter 'players' is required: players=xuid(...)")
    xuids = []
    for value in players:
        if value.startswith("bid("):
            raise ApiError(400, f"bots have no skill results: {value!r}")
        xuid = xuid_of_player_id(value)
        if xuid is None:
            raise ApiError(400, f"players must look like xuid(16 digits), got {value!r}")
        xuids.append(int(xuid))
    if api.career.template(meta).is_custom:
        # Customs have no skill results; answering 404 (not an empty 200) keeps "no skill for
        # customs" visible as an explained gap rather than a silently empty payload.
        raise ApiError(404, f"match {meta.match_id} is a custom game: no skill results")
    return json_response(api.skill.render(meta, xuids))


def asset(api: FakeHaloApi, request: Request, groups: tuple[str, ...]) -> Response:
    kind, asset_id, version_id = groups
    ref = api.assets.find(kind, asset_id, version_id)
    if ref is None:
        raise ApiError(404, f"unknown {kind} asset {asset_id} version {version_id}")
    return json_response(api.assets.render(ref))


def film_manifest(api: FakeHaloApi, request: Request, groups: tuple[str, ...]) -> Response:
    meta = _match(api, groups[0])
    if not meta.film:
        raise ApiError(404, f"no film for match {meta.match_id} (expired or never recorded)")
    return json_response(api.films.manifest(meta))


def film_chunk(api: FakeHaloApi, request: Request, groups: tuple[str, ...]) -> Response:
    asset_id, folder_id, index = groups
    meta = api.career.film_match(asset_id, folder_id)
    if meta is None:
        raise ApiError(404, f"no film stored under {asset_id}/{folder_id}")
    data = api.films.chunk(meta, int(index))
    if data is None:
        raise ApiError(404, f"film {asset_id} has no chunk {index}")
    return Response(200, data, content_type="application/octet-stream")


def medals(api: FakeHaloApi, request: Request, groups: tuple[str, ...]) -> Response:
    return Response(200, api.career.fixtures.medal_metadata)


def csr_season_calendar(api: FakeHaloApi, request: Request, groups: tuple[str, ...]) -> Response:
    return json_response(api.career.calendar_payload())


ROUTES: tuple[Route, ...] = (
    Route(
        "settings",
        r"/oban/flight-configurations/titles/hi/audiences/RETAIL/active",
        "clearance",
        clearance,
    ),
    Route("profile", r"/users/me", "profile", user_me),
    Route("profile", r"/users/gt\((.+)\)", "profile", user_by_gamertag),
    Route("profile", r"/users/xuid\(([^/]*)\)", "profile", user_by_xuid),
    Route("profile", r"/users", "profile", users_batch),
    Route("halostats", r"/hi/players/([^/]+)/matches", "history", history),
    Route("halostats", r"/hi/players/([^/]+)/matches/count", "match_count", match_count),
    Route("halostats", r"/hi/matches/([^/]+)/stats", "stats", stats),
    Route("skill", r"/hi/matches/([^/]+)/skill", "skill", skill),
    Route(
        "discovery-infiniteugc",
        rf"/hi/({'|'.join(ASSET_KINDS.values())})/([^/]+)/versions/([^/]+)",
        "asset",
        asset,
    ),
    Route(
        "discovery-infiniteugc",
        r"/hi/films/matches/([^/]+)/spectate",
        "film_manifest",
        film_manifest,
    ),
    # Blob downloads carry no auth on the real service (catalogue: iUgcFiles, auth method 0).
    Route(
        "blobs-infiniteugc",
        r"/ugcstorage/film/([^/]+)/([^/]+)/filmChunk(\d+)",
        "film_chunk",
        film_chunk,
        auth=False,
    ),
    Route("gamecms-hacs", r"/hi/Waypoint/file/medals/metadata\.json", "medals", medals),
    Route(
        "gamecms-hacs",
        r"/hi/Progression/file/Csr/Calendars/CsrSeasonCalendar\.json",
        "csr_calendar",
        csr_season_calendar,
    ),
)
