"""One ingest run: list every tracked player's history and fetch every payload still missing.

Matches are processed newest first by a pool of workers (stats, then skill and film); asset
versions and player profiles have their own queues. The HTTP client paces each host, so keeping
enough work queued is all it takes to keep every service's budget busy.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb

from ..api.client import HaloHttp
from ..api.profiles import PROFILE_BATCH_SIZE, ResolvedPlayer
from ..store import landed
from ..store.landed import MatchNeeds
from ..store.writer import LandingWriter, utc_now
from ..vocabulary import FILM_ENDPOINTS, MATCH_ENDPOINTS, AssetRef, asset_refs, human_xuids
from .fetchers import Fetcher
from .history import ListingResult, list_history
from .match_queue import NewestFirst
from .options import IngestOptions, ProfileScope
from .progress import Reporter

# A match that ended only minutes ago may still 404 while the service processes it. The history
# lists a match once it has ended, so a match that *started* within this window (longer than any
# usual match plus the service's delay) gets a few retries on a 404; elsewhere a 404 is terminal.
# (Start, not end: the end time is a derived column, defined once, in dbt staging.)
FRESH_MATCH_WINDOW = timedelta(hours=2)
FRESH_MATCH_NOT_FOUND_RETRIES = 5
PROFILE_BATCH_WAIT_S = 1.0


async def _together(work: list[Awaitable[None]]) -> None:
    """Run ``work`` concurrently; when one fails, cancel the others before raising (a plain gather
    would leave them running, retrying against a closed client long after the run stopped)."""
    tasks = [asyncio.ensure_future(job) for job in work]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


@dataclass
class PlayerListing:
    player: ResolvedPlayer
    listing: ListingResult | None = None


@dataclass
class RunSummary:
    run_id: str
    players: list[PlayerListing]
    landed: dict[str, int]
    failed: dict[str, int]
    terminal: dict[str, int]
    requests: int
    throttled: int
    retried: int
    elapsed_s: float
    matches_done: int
    still_missing: int = 0
    interrupted: bool = False


class IngestRun:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        http: HaloHttp,
        options: IngestOptions,
        reporter: Reporter,
        players: list[ResolvedPlayer],
    ) -> None:
        self.con = con
        self.players = players
        self.http = http
        self.options = options
        self.reporter = reporter
        self.run_id = uuid.uuid4().hex[:12]
        self.writer = LandingWriter(con, batch_size=options.batch_size)
        self.fetcher = Fetcher(http, self.writer, self.run_id)
        self.matches = NewestFirst()
        self.assets: asyncio.Queue[AssetRef] = asyncio.Queue()
        self.profile_xuids: asyncio.Queue[str] = asyncio.Queue()
        self._scheduled: set[str] = set()
        self._asset_keys: set[str] = set()
        self._profile_xuids_seen: set[str] = set()
        self._listings: list[PlayerListing] = []
        self._matches_done = 0
        self._started = time.monotonic()
        self._tasks: list[asyncio.Task[None]] = []
        self._fatal: BaseException | None = None
        self._stop = asyncio.Event()

    @property
    def endpoints(self) -> tuple[str, ...]:
        if self.options.film:
            return MATCH_ENDPOINTS
        return tuple(e for e in MATCH_ENDPOINTS if e not in FILM_ENDPOINTS)

    # -- entry point ----------------------------------------------------------------------------
    async def run(self) -> RunSummary:
        try:
            players = self._record_players()
            # Listing first: a few pages per player, and afterwards the newest-first order and the
            # progress total cover everything. (Pages and stats share one host budget anyway.)
            self._tasks.append(asyncio.create_task(self._flusher()))
            await self._until_fatal(asyncio.gather(*(self._list(p) for p in players)))
            self._seed_known_sets()
            for player in players:
                await self._queue_backlog(player.xuid)
            self._tasks += [asyncio.create_task(self._match_worker()) for _ in range(self.options.workers)]
            self._tasks += [asyncio.create_task(self._asset_worker()) for _ in range(2)]
            self._tasks.append(asyncio.create_task(self._profile_worker()))
            if not landed.has_medal_metadata(self.con):
                await self._until_fatal(self.fetcher.medal_metadata())
            await self._until_fatal(self.matches.join())
            await self._until_fatal(self.assets.join())
            await self._until_fatal(self.profile_xuids.join())
            self.writer.flush()
            return self._summary(interrupted=False)
        finally:
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            if self.writer.failure is None:
                self.writer.flush()  # whatever landed is kept, whatever the way out

    async def _until_fatal(self, awaitable: Awaitable[object]) -> None:
        """Await ``awaitable`` unless a worker hits an error that must stop the run (e.g. a 401)."""
        work = asyncio.ensure_future(awaitable)
        stop = asyncio.create_task(self._stop.wait())
        try:
            await asyncio.wait({work, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
        if self._fatal is not None:
            work.cancel()
            await asyncio.gather(work, return_exceptions=True)
            raise self._fatal
        work.result()

    def _stop_run(self, exc: BaseException) -> None:
        if self._fatal is None:
            self._fatal = exc
        self._stop.set()

    def summary_after_interrupt(self) -> RunSummary:
        self.writer.flush()
        return self._summary(interrupted=True)

    # -- players ----------------------------------------------------------------------------------
    def _record_players(self) -> list[ResolvedPlayer]:
        """Track the players of this run and land their profiles (gamertags) before anything else."""
        for player in self.players:
            self.con.execute(
                """
                insert into landing.tracked_players (xuid, gamertag, added_at) values (?, ?, ?)
                on conflict (xuid) do update set gamertag = excluded.gamertag
                """,
                [player.xuid, player.gamertag, utc_now()],
            )
            if player.profile:  # an empty profile: the service did not answer for this player
                self.writer.player(player.xuid, player.profile)
            self._profile_xuids_seen.add(player.xuid)
            self._listings.append(PlayerListing(player))
        self.writer.flush()
        # Into the database file itself, not only its write-ahead log: a log cut short later (a
        # power loss) may cost payloads, which the next run fetches again, never who is tracked.
        self.con.execute("checkpoint")
        return self.players

    def _seed_known_sets(self) -> None:
        self._asset_keys = landed.settled_asset_keys(self.con, self.options.retry_failed)
        all_profiles = self.options.profiles == ProfileScope.ALL
        assets, humans = landed.landed_stats_references(self.con, humans=all_profiles)
        for ref in assets:
            self._schedule_asset(ref)
        self._profile_xuids_seen |= landed.known_profile_xuids(self.con)
        if all_profiles:
            self._schedule_profiles(humans)

    # -- listing ----------------------------------------------------------------------------------
    async def _queue_backlog(self, xuid: str) -> None:
        backlog = landed.matches_needing_payloads(
            self.con, xuid, newest=self.options.max_matches,
            retry_failed=self.options.retry_failed, endpoints=self.endpoints,
        )
        await self._schedule(backlog)

    async def _list(self, player: ResolvedPlayer) -> None:
        async def on_new(match_ids: list[str]) -> None:
            self.reporter.listed(len(match_ids))

        listing = await list_history(
            self.con, self.fetcher, player.xuid, self.options.match_type,
            max_matches=self.options.max_matches, on_new=on_new,
        )
        for entry in self._listings:
            if entry.player.xuid == player.xuid:
                entry.listing = listing

    async def _schedule(self, needs: list[MatchNeeds]) -> None:
        fresh = [n for n in needs if n.match_id not in self._scheduled]
        self._scheduled.update(n.match_id for n in fresh)
        self.reporter.scheduled(len(fresh))
        for item in fresh:
            await self.matches.put(item)

    def _schedule_asset(self, ref: AssetRef) -> None:
        if ref.key not in self._asset_keys:
            self._asset_keys.add(ref.key)
            self.assets.put_nowait(ref)

    def _schedule_profiles(self, xuids: set[str] | list[str]) -> None:
        for xuid in sorted(set(xuids) - self._profile_xuids_seen):
            self._profile_xuids_seen.add(xuid)
            self.profile_xuids.put_nowait(xuid)

    # -- workers ----------------------------------------------------------------------------------
    async def _match_worker(self) -> None:
        while True:
            needs = await self.matches.get()
            try:
                await self._process(needs)
            except Exception as exc:  # noqa: BLE001 - a 401, a full disk, a bug: stop the run, keep what landed
                self._stop_run(exc)
            finally:
                self._matches_done += 1
                self.reporter.match_done()
                self.matches.task_done()

    async def _process(self, needs: MatchNeeds) -> None:
        not_found_retries = 0
        if needs.start_time and datetime.now(UTC) - needs.start_time < FRESH_MATCH_WINDOW:
            not_found_retries = FRESH_MATCH_NOT_FOUND_RETRIES
        stats = None
        if "match_stats" in needs.needs:
            stats = await self.fetcher.match_stats(needs.match_id, not_found_retries)
            if stats is not None:
                for ref in asset_refs(stats):
                    self._schedule_asset(ref)
                if self.options.profiles == ProfileScope.ALL:
                    self._schedule_profiles(human_xuids(stats))
        work = []
        if "match_skill" in needs.needs:
            if stats is None and "match_stats" not in needs.needs:
                stats = landed.landed_stats(self.con, needs.match_id)
            humans = human_xuids(stats) if stats else []
            if humans:
                work.append(self.fetcher.match_skill(needs.match_id, humans, not_found_retries))
        if "film_manifest" in needs.needs or "film_chunk" in needs.needs:
            work.append(self._film(needs))
        await _together(work)

    async def _film(self, needs: MatchNeeds) -> None:
        if "film_manifest" in needs.needs:
            manifest = await self.fetcher.film_manifest(needs.match_id)
        else:
            manifest = landed.landed_manifest(self.con, needs.match_id)
        if manifest is not None:
            await self.fetcher.film_highlights(needs.match_id, manifest)

    async def _asset_worker(self) -> None:
        while True:
            ref = await self.assets.get()
            try:
                await self.fetcher.asset(ref)
            except Exception as exc:  # noqa: BLE001 - handed to the main task, which re-raises it
                self._stop_run(exc)
            finally:
                self.assets.task_done()

    async def _profile_worker(self) -> None:
        while True:
            batch = [await self.profile_xuids.get()]
            # The profile service allows ~1 req/s: waiting up to a second to fill the batch of
            # 20 costs no throughput and saves calls.
            deadline = time.monotonic() + PROFILE_BATCH_WAIT_S
            while len(batch) < PROFILE_BATCH_SIZE:
                remaining = deadline - time.monotonic()
                if remaining <= 0 and self.profile_xuids.empty():
                    break
                try:
                    # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation.
                    async with asyncio.timeout(max(remaining, 0.001)):
                        batch.append(await self.profile_xuids.get())
                except TimeoutError:
                    break
            try:
                await self.fetcher.profiles(batch)
            except Exception as exc:  # noqa: BLE001 - handed to the main task, which re-raises it
                self._stop_run(exc)
            finally:
                for _ in batch:
                    self.profile_xuids.task_done()

    async def _flusher(self) -> None:
        while True:
            await asyncio.sleep(0.5)
            try:
                self.writer.flush_if_due()
            except Exception as exc:  # noqa: BLE001 - handed to the main task, which re-raises it
                self._stop_run(exc)

    # -- summary ----------------------------------------------------------------------------------
    def _summary(self, *, interrupted: bool) -> RunSummary:
        tally = self.fetcher.tally
        counters = self.http.counters
        missing = 0
        for entry in self._listings:
            missing += len(
                landed.matches_needing_payloads(self.con, entry.player.xuid, endpoints=self.endpoints)
            )
        return RunSummary(
            run_id=self.run_id, players=self._listings,
            landed=dict(tally.landed), failed=dict(tally.failed), terminal=dict(tally.terminal),
            requests=counters.sent, throttled=counters.throttled, retried=counters.retried,
            elapsed_s=time.monotonic() - self._started, matches_done=self._matches_done,
            still_missing=missing, interrupted=interrupted,
        )
