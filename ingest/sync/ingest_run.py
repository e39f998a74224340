"""One ingest run: list every tracked player's history and fetch every payload still missing.

Matches are processed newest first by a pool of workers (stats, then skill and film); asset
versions and player profiles have their own queues. The HTTP client paces each host, so keeping
enough work queued is all it takes to keep every service's budget busy: everything starts at once.
A listed page's matches are queued as soon as the page is committed, while the next page is
listed; what has landed before is read in another thread (a second connection) instead of holding
up the event loop; a sync refreshes the tracked players' gamertags in one profile call meanwhile.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb

from ..api.aio import all_or_none
from ..api.client import HaloHttp
from ..api.profiles import PROFILE_BATCH_SIZE, ResolvedPlayer
from ..store import landed
from ..store.landed import MatchNeeds
from ..store.writer import LandingWriter, utc_now
from ..vocabulary import FILM_ENDPOINTS, MATCH_ENDPOINTS, AssetRef, asset_refs, human_xuids
from .fetchers import Fetcher
from .history import ListingResult, list_history
from .landed_reads import LandedReader, read_landed_references
from .match_queue import NewestFirst
from .options import IngestOptions, ProfileScope
from .players import resolve_tracked
from .progress import Reporter

# A match that ended only minutes ago may still 404 while the service processes it. The history
# lists a match once it has ended, so a match that *started* within this window (longer than any
# usual match plus the service's delay) gets a few retries on a 404; elsewhere a 404 is terminal.
# (Start, not end: the end time is a derived column, defined once, in dbt staging.)
FRESH_MATCH_WINDOW = timedelta(hours=2)
FRESH_MATCH_NOT_FOUND_RETRIES = 5
PROFILE_BATCH_WAIT_S = 1.0


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
        *,
        refresh_profiles: bool = False,
    ) -> None:
        self.con = con
        self.players = players
        # A sync starts from the tracked players' last known gamertags and refreshes them meanwhile.
        self.refresh_profiles = refresh_profiles
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
        # Until what has landed is known, assets and profiles to fetch are held back here.
        self._landed_known = False
        self._held_assets: list[AssetRef] = []
        self._held_profiles: list[str] = []
        self._reader = LandedReader(con)
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
            self._tasks.append(asyncio.create_task(self._flusher()))
            self._tasks += [asyncio.create_task(self._match_worker()) for _ in range(self.options.workers)]
            self._tasks += [asyncio.create_task(self._asset_worker()) for _ in range(2)]
            self._tasks.append(asyncio.create_task(self._profile_worker()))
            # The listings feed the match workers page by page (newest first within what is queued).
            first: list[Coroutine[object, object, None]] = [self._list(p) for p in players]
            if self.refresh_profiles:
                first.append(self._refresh_tracked_profiles())
            if not landed.has_medal_metadata(self.con):
                first.append(self.fetcher.medal_metadata())
            # Every run: new seasons are added to the calendar over time (landed only if changed).
            first.append(self.fetcher.csr_season_calendar(landed.latest_csr_season_calendar(self.con)))
            started = [asyncio.create_task(work) for work in first]
            self._tasks += started  # cancelled on the way out like the workers, should one fail
            await self._until_fatal(asyncio.gather(*started))
            # Then what earlier runs left: the matches they did not land, and the assets and profiles
            # that landed stats refer to (read once the listings' own reads are done: it parses
            # every landed stats payload, ~0.3 s at 10k matches, ~1.2 s at 50k).
            known = asyncio.create_task(self._learn_what_landed())
            self._tasks.append(known)
            await self._until_fatal(self._queue_backlog())
            await self._until_fatal(known)
            await self._until_fatal(self.matches.join())
            await self._until_fatal(self.assets.join())
            await self._until_fatal(self.profile_xuids.join())
            self.writer.flush()
            return self._summary(interrupted=False)
        finally:
            await _cancel_until_done(self._tasks)
            self._reader.stop()
            if self.writer.failure is None:
                self.writer.flush()  # whatever landed is kept, whatever the way out

    async def _until_fatal(self, awaitable: Awaitable[object]) -> None:
        """Await ``awaitable`` unless a worker hits an error that must stop the run (e.g. a 401)."""
        work = asyncio.ensure_future(awaitable)
        stop = asyncio.create_task(self._stop.wait())
        try:
            await asyncio.wait({work, stop}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            # Ctrl+C: the work stops too, and its own clean-up runs now (a listing records itself as
            # unfinished), while the warehouse is still open.
            work.cancel()
            await asyncio.gather(work, return_exceptions=True)
            raise
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
            self._track(player)
            self._profile_xuids_seen.add(player.xuid)
            self._listings.append(PlayerListing(player))
        self.writer.flush()
        # Into the database file itself, not only its write-ahead log: a log cut short later (a
        # power loss) may cost payloads, which the next run fetches again, never who is tracked.
        self.con.execute("checkpoint")
        return self.players

    def _track(self, player: ResolvedPlayer) -> None:
        self.con.execute(
            """
            insert into landing.tracked_players (xuid, gamertag, added_at) values (?, ?, ?)
            on conflict (xuid) do update set gamertag = excluded.gamertag
            """,
            [player.xuid, player.gamertag, utc_now()],
        )
        if player.profile:  # an empty profile: the service did not answer for this player
            self.writer.player(player.xuid, player.profile)

    async def _refresh_tracked_profiles(self) -> None:
        """The tracked players' current gamertags, in one batched profile call beside the listing."""
        fresh = {p.xuid: p for p in await resolve_tracked(self.http, [(p.xuid, p.gamertag) for p in self.players])}
        for entry in self._listings:
            player = fresh.get(entry.player.xuid)
            if player is not None and player.profile:
                self._track(player)
                entry.player = player
        self.writer.flush()

    # -- what has landed (read in another thread) --------------------------------------------------
    async def _learn_what_landed(self) -> None:
        all_profiles = self.options.profiles == ProfileScope.ALL
        known = await self._reader.read(read_landed_references, retry_failed=self.options.retry_failed, humans=all_profiles)
        self._asset_keys |= known.settled_assets
        self._profile_xuids_seen |= known.known_profiles
        self._landed_known = True
        for ref in [*known.referenced_assets, *self._held_assets]:
            self._schedule_asset(ref)
        self._held_assets.clear()
        if all_profiles:
            self._schedule_profiles(known.referenced_humans)
        self._schedule_profiles(self._held_profiles)
        self._held_profiles.clear()

    # -- listing ----------------------------------------------------------------------------------
    async def _queue_backlog(self) -> None:
        """What earlier runs listed and did not land (the listings have queued what is new)."""
        backlog = await self._reader.read(
            landed.matches_needing_payloads, [p.xuid for p in self.players], newest=self.options.max_matches,
            retry_failed=self.options.retry_failed, endpoints=self.endpoints,
        )
        await self._schedule(backlog)

    async def _list(self, player: ResolvedPlayer) -> None:
        async def on_new(match_ids: list[str]) -> None:
            # The page is committed: its matches are fetched while the next page is listed.
            self.reporter.listed(len(match_ids))
            needs = await self._reader.read(
                landed.matches_needing_payloads, [player.xuid], match_ids=match_ids,
                retry_failed=self.options.retry_failed, endpoints=self.endpoints,
            )
            await self._schedule(needs)

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
        if not self._landed_known:
            self._held_assets.append(ref)
        elif ref.key not in self._asset_keys:
            self._asset_keys.add(ref.key)
            self.assets.put_nowait(ref)

    def _schedule_profiles(self, xuids: set[str] | list[str]) -> None:
        if not self._landed_known:
            self._held_profiles += xuids
            return
        for xuid in sorted(set(xuids) - self._profile_xuids_seen):
            self._profile_xuids_seen.add(xuid)
            self.profile_xuids.put_nowait(xuid)

    # -- workers ----------------------------------------------------------------------------------
    async def _match_worker(self) -> None:
        while True:
            needs = await self.matches.get()
            if self._stop.is_set():  # a stopping run starts nothing new (a refused token: no more 401s)
                self.matches.task_done()
                continue
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
        await all_or_none(work)

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
            if self._stop.is_set():
                self.assets.task_done()
                continue
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
                if not self._stop.is_set():
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
        missing = len(landed.matches_needing_payloads(self.con, [p.xuid for p in self.players], endpoints=self.endpoints))
        return RunSummary(
            run_id=self.run_id, players=self._listings,
            landed=dict(tally.landed), failed=dict(tally.failed), terminal=dict(tally.terminal),
            requests=counters.sent, throttled=counters.throttled, retried=counters.retried,
            elapsed_s=time.monotonic() - self._started, matches_done=self._matches_done,
            still_missing=missing, interrupted=interrupted,
        )


async def _cancel_until_done(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel ``tasks`` and wait for them, cancelling again any that outlive a second: a
    cancellation can be absorbed on its way through the HTTP stack (seen on Python 3.11), and a
    worker that then waited for the next match kept a stopped run from ever ending."""
    pending = set(tasks)
    while pending:
        for task in pending:
            task.cancel()
        done, pending = await asyncio.wait(pending, timeout=1.0)
        for task in done:
            if not task.cancelled():
                task.exception()  # retrieved: the run's own error is raised by the caller
