"""Listing a player's match history (newest first, 25 per page) into ``landing.match_history``.

The first listing pages to the end. Later listings stop at the first page holding an
already-listed match, but only when the latest listing of that player ran to completion: a listing
that died part-way leaves ``complete = false`` and the next one pages to the end again, so an
interrupted run can never leave a permanent gap. A match appearing mid-listing shifts offsets by one;
the duplicate it causes is dropped, and the new match itself is listed by the next run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import duckdb

from ..api import urls
from ..store import landed
from ..store.writer import utc_now
from .fetchers import Fetcher

PAGE_SIZE = 25


@dataclass
class ListingResult:
    pages: int = 0
    listed: int = 0
    new_ids: int = 0
    complete: bool = False
    failed: bool = False


async def list_history(
    con: duckdb.DuckDBPyConnection,
    fetcher: Fetcher,
    xuid: str,
    match_type: str,
    *,
    max_matches: int | None,
    on_new: Callable[[list[str]], Awaitable[None]],
) -> ListingResult:
    """List ``xuid``'s history, landing unseen items page by page and handing their ids to ``on_new``."""
    incremental = landed.last_listing_complete(con, xuid, match_type)
    known = landed.known_history_ids(con, xuid)
    started_at = utc_now()
    con.execute(
        "insert into landing.history_crawls (run_id, player_xuid, match_type, started_at) values (?, ?, ?, ?)",
        [fetcher.run_id, xuid, match_type, started_at],
    )
    result = ListingResult()
    seen: set[str] = set()
    start = 0
    try:
        while True:
            page = await fetcher.http.get(
                urls.match_history(xuid), params={"start": str(start), "count": str(PAGE_SIZE), "type": match_type}
            )
            key = f"{xuid}:{match_type}:{start}"
            items = page.data.get("Results") if page.ok and isinstance(page.data, dict) else None
            if not isinstance(items, list):
                fetcher.record("match_history", key, page, None if not page.ok else "200 without a Results list")
                result.failed = True
                break
            result.pages += 1
            page_ids = [str(i["MatchId"]) for i in items if isinstance(i, dict) and i.get("MatchId")]
            new_ids = []
            for item in items:
                match_id = str(item.get("MatchId") or "") if isinstance(item, dict) else ""
                if not match_id or match_id in seen:
                    continue
                seen.add(match_id)
                if max_matches is not None and len(seen) > max_matches:
                    break
                if match_id not in known:
                    fetcher.writer.history_item(xuid, match_id, item)
                    new_ids.append(match_id)
            fetcher.writer.flush()  # a listed page is durable before its matches are fetched
            result.new_ids += len(new_ids)
            if new_ids:
                await on_new(new_ids)
            if max_matches is not None and len(seen) >= max_matches:
                result.complete = len(items) < PAGE_SIZE
                break
            if len(items) < PAGE_SIZE:
                result.complete = True
                break
            if incremental and any(m in known for m in page_ids):
                result.complete = True
                break
            start += len(items)
    finally:
        result.listed = min(len(seen), max_matches) if max_matches is not None else len(seen)
        con.execute(
            """
            update landing.history_crawls
            set finished_at = ?, pages = ?, listed = ?, new_matches = ?, complete = ?
            where run_id = ? and player_xuid = ? and match_type = ?
            """,
            [utc_now(), result.pages, result.listed, result.new_ids, result.complete,
             fetcher.run_id, xuid, match_type],
        )
    return result
