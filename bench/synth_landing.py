"""Synthetic matches straight into a warehouse's landing tables, without HTTP (``bench.synth``).

The payloads are the fake API's own renderings (``fake_halo``: recorded payloads with new ids,
times and players), landed in the shapes the ingester lands them:

- ``match_history``: one history item per (tracked player, match), compact JSON as the writer dumps it;
- ``match_stats`` / ``match_skill`` / ``film_manifests`` / ``ugc_assets``: the server's bytes as text;
  skill only for matchmade matches, with ``requested_xuids`` = the match's humans in Players[] order;
- ``film_chunks``: the rewritten highlight chunk (the last, type 3) of each film that is rendered;
  every other match gets the ingester's terminal 404 on ``film_manifest`` (expired film);
- ``players``: one profile per human seen; ``medal_metadata``: one fetch; ``tracked_players`` with
  their declared friends; ``history_crawls``: one complete listing per tracked player and load.

Deterministic from the ``CareerSpec`` (seed): the same spec lands the same rows, apart from
``fetched_at`` and the other landing times (the load time, as for the ingester). Rendering is Python (~1.5 ms a match, a
rewritten film ~60 ms), so it runs in worker processes over chunks of matches while the parent
bulk-inserts Arrow tables (one transaction per chunk).

``film_matches(career, films)`` picks the newest N films to render: a full-size highlight chunk is
~270 KB, and on the real service old films expire, so the older ones land as expired (404,
terminal) like there.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from fake_halo import Career, FakeHaloApi
from fake_halo import payloads as fake_payloads
from fake_halo.schedule import MatchMeta
from fake_halo.templates import LIFECYCLE_MATCHMADE
from fake_halo.wire import dumps
from ingest.store import landed
from ingest.store.writer import arrow_rows, insert_arrow
from ingest.vocabulary import ASSET_KINDS

CHUNK_MATCHES = 1_000
RUN_ID = "synthetic"
FILM_404 = (
    'HTTP 404: {"status":404,"error":"Not Found","message":"no film for match {id} '
    '(expired or never recorded)"}'
)

# The landing tables this generator fills (ugc_assets and players are upserted on their own).
TABLES: tuple[str, ...] = (
    "match_history", "match_stats", "match_skill", "film_manifests", "film_chunks", "ugc_assets", "players",
    "fetch_attempts",
)


@dataclass
class LoadReport:
    matches: int
    matches_landed: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    films_rendered: int = 0
    render_s: float = 0.0  # wall time of the whole load (rendering overlaps inserting)
    insert_s: float = 0.0  # time the parent spent inserting
    payload_mb: float = 0.0  # JSON text + chunk bytes landed


# -- the career ---------------------------------------------------------------------------------
def newest_first(career: Career) -> list[MatchMeta]:
    return sorted(career.matches, key=lambda m: (m.start_ms, m.match_id), reverse=True)


def film_matches(career: Career, films: int | None) -> set[str]:
    """The matches of the newest ``films`` films (every film when None)."""
    with_film = [m.match_id for m in newest_first(career) if m.film]
    return set(with_film if films is None else with_film[:films])


# -- rendering (runs in worker processes) -------------------------------------------------------
_API: FakeHaloApi | None = None  # set in the parent before forking; workers inherit it
_FILMS: set[str] = set()
_TRACKED: frozenset[int] = frozenset()


def render_match(
    api: FakeHaloApi, meta: MatchMeta, *, films: set[str], tracked: frozenset[int], fetched_at: datetime
) -> dict[str, list[tuple[Any, ...]]]:
    """The landing rows of one match, per table, in the order the ingester lands them."""
    career = api.career
    template = career.template(meta)
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLES}
    for xuid in meta.humans:
        if xuid in tracked:
            item = fake_payloads.history_item(career, meta, xuid)
            rows["match_history"].append(
                (str(xuid), meta.match_id, json.dumps(item, separators=(",", ":")), fetched_at)
            )
    stats = dumps(fake_payloads.match_stats(career, meta)).decode()
    rows["match_stats"].append((meta.match_id, stats, fetched_at))
    if template.lifecycle_mode == LIFECYCLE_MATCHMADE:
        humans = list(dict.fromkeys(meta.humans))
        skill = dumps(api.skill.render(meta, humans)).decode()
        rows["match_skill"].append((meta.match_id, skill, fetched_at, [str(x) for x in humans]))
    if meta.match_id in films:
        manifest = api.films.manifest(meta)
        last = manifest["CustomData"]["Chunks"][-1]
        rows["film_manifests"].append((meta.match_id, dumps(manifest).decode(), fetched_at))
        chunk = api.films.chunk(meta, last["Index"])
        rows["film_chunks"].append(
            (meta.match_id, last["Index"], last["ChunkType"],
             manifest["CustomData"]["FilmMajorVersion"], chunk, fetched_at)
        )
    else:
        rows["fetch_attempts"].append(
            ("film_manifest", meta.match_id, fetched_at, 404, FILM_404.replace("{id}", meta.match_id),
             1, "not_found", True, RUN_ID)
        )
    return rows


def _render_chunk(args: tuple[list[int], datetime]) -> tuple[dict[str, pa.Table], int]:
    indexes, fetched_at = args
    api = _API
    assert api is not None, "render workers need the career (fork start method)"
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLES}
    for index in indexes:
        for name, more in render_match(
            api, api.career.matches[index], films=_FILMS, tracked=_TRACKED, fetched_at=fetched_at
        ).items():
            rows[name] += more
    tables = {name: arrow_rows(name, r) for name, r in rows.items() if name not in ("ugc_assets", "players")}
    return tables, len(rows["film_chunks"])


# -- landing --------------------------------------------------------------------------------------
def insert_table(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table, *, upsert_key: Sequence[str] = ()) -> int:
    """Bulk insert an Arrow table; with ``upsert_key``, rows whose key exists are left alone."""
    if table.num_rows == 0:
        return 0
    insert_arrow(con, name, table, f" on conflict ({', '.join(upsert_key)}) do nothing" if upsert_key else "")
    return table.num_rows


def _payload_bytes(table: pa.Table) -> int:
    total = 0
    for column in ("payload", "data"):
        if column in table.column_names:
            total += pc.sum(pc.binary_length(table.column(column))).as_py() or 0
    return total


def land_reference(
    con: duckdb.DuckDBPyConnection, api: FakeHaloApi, metas: Sequence[MatchMeta], fetched_at: datetime,
    run_id: str = RUN_ID,
) -> dict[str, int]:
    """Tracked players, medal metadata (once), one complete history crawl per tracked player under
    ``run_id``, and the assets and profiles that ``metas`` reference and the warehouse does not
    hold yet (the ingester fetches each once)."""
    career = api.career
    counts: dict[str, int] = {}
    for player in career.spec.players:
        con.execute(
            "insert into landing.tracked_players (xuid, gamertag, added_at, friends) values (?, ?, ?, ?) "
            "on conflict (xuid) do nothing",
            [player.xuid, player.gamertag, fetched_at, list(player.friends)],
        )
        con.execute(
            "insert into landing.history_crawls (run_id, player_xuid, match_type, started_at, finished_at, "
            "complete) values (?, ?, 'all', ?, ?, true) on conflict do nothing",
            [run_id, player.xuid, fetched_at, fetched_at],
        )
    if not con.execute("select count(*) from landing.medal_metadata").fetchall()[0][0]:
        con.execute(
            "insert into landing.medal_metadata (payload, fetched_at) values (?, ?)",
            [career.fixtures.medal_metadata.decode(), fetched_at],
        )
    # The CSR season calendar, as the ingester lands it: when it differs from the latest landed.
    calendar = dumps(career.calendar_payload()).decode()
    if calendar != landed.latest_csr_season_calendar(con):
        con.execute("insert into landing.csr_season_calendar (payload, fetched_at) values (?, ?)", [calendar, fetched_at])
    assets: dict[tuple[str, str, str], str] = {}
    for template_index in sorted({m.template for m in metas}):
        info = career.fixtures.templates[template_index].match_info
        for field_name, kind in ASSET_KINDS.items():
            ref = info.get(field_name)
            if isinstance(ref, dict) and ref.get("AssetId"):
                found = api.assets.find(kind, ref["AssetId"], ref["VersionId"])
                if found is not None:
                    assets[(kind, ref["AssetId"], ref["VersionId"])] = dumps(api.assets.render(found)).decode()
    landed_assets = set(con.execute("select asset_kind, asset_id, version_id from landing.ugc_assets").fetchall())
    asset_rows = [(k[0], k[1], k[2], text, fetched_at) for k, text in sorted(assets.items()) if k not in landed_assets]
    counts["ugc_assets"] = insert_table(
        con, "ugc_assets", arrow_rows("ugc_assets", asset_rows), upsert_key=("asset_kind", "asset_id", "version_id")
    )
    known = {r[0] for r in con.execute("select xuid from landing.players").fetchall()}
    humans = sorted({x for m in metas for x in m.humans} - {int(x) for x in known})
    profile_rows = []
    for xuid in humans:
        player = career.player(xuid)
        if player is not None:
            user = fake_payloads.user(career, player)
            profile_rows.append((str(xuid), json.dumps(user, separators=(",", ":")), fetched_at))
    if profile_rows:
        counts["players"] = insert_table(con, "players", arrow_rows("players", profile_rows), upsert_key=("xuid",))
    return counts


def land_matches(
    con: duckdb.DuckDBPyConnection,
    api: FakeHaloApi,
    metas: Sequence[MatchMeta],
    *,
    films: set[str],
    fetched_at: datetime | None = None,
    workers: int | None = None,
    run_id: str = RUN_ID,
    progress: Callable[[LoadReport], None] | None = None,
) -> LoadReport:
    """Render ``metas`` (in worker processes) and land them, one transaction per chunk;
    ``progress`` is called with the report after each chunk (``matches_landed`` so far)."""
    global _API, _FILMS, _TRACKED
    fetched_at = fetched_at or datetime.now(UTC)
    started = time.perf_counter()
    report = LoadReport(matches=len(metas))
    index_of = {m.match_id: i for i, m in enumerate(api.career.matches)}
    indexes = [index_of[m.match_id] for m in metas]
    workers = workers or os.cpu_count() or 1
    # Several chunks per worker keep both busy to the end (films make some chunks much slower).
    size = max(50, min(CHUNK_MATCHES, -(-len(indexes) // (workers * 4))))
    chunks = [(indexes[i:i + size], fetched_at) for i in range(0, len(indexes), size)]
    _API, _FILMS = api, films
    _TRACKED = frozenset(int(p.xuid) for p in api.career.spec.players)
    for name, n in land_reference(con, api, metas, fetched_at, run_id).items():
        report.rows[name] = report.rows.get(name, 0) + n
    for (tables, film_count), (indexes_done, _) in zip(_rendered(chunks, workers), chunks, strict=True):
        began = time.perf_counter()
        con.execute("begin transaction")
        try:
            for name, table in tables.items():
                report.rows[name] = report.rows.get(name, 0) + insert_table(con, name, table)
                report.payload_mb += _payload_bytes(table) / 1e6
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        report.insert_s += time.perf_counter() - began
        report.films_rendered += film_count
        report.matches_landed += len(indexes_done)
        if progress is not None:
            progress(report)
    report.render_s = time.perf_counter() - started
    return report


def _rendered(chunks: list[tuple[list[int], datetime]], workers: int) -> Iterator[tuple[dict[str, pa.Table], int]]:
    if workers <= 1 or len(chunks) <= 1:
        yield from map(_render_chunk, chunks)
        return
    # fork: the workers inherit the career (rebuilding it per worker would cost seconds).
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        yield from pool.imap(_render_chunk, chunks)
