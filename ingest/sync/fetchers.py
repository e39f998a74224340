"""One function per endpoint: fetch a payload and land it (or record why it did not land)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from analytics.film_manifest import FILM_CHUNK_TYPE_HIGHLIGHTS, highlight_chunk, manifest_chunks
from analytics.film_model import FilmDecodeError

from ..api import urls
from ..api.client import FetchResult, HaloHttp
from ..store.writer import LandingWriter
from ..vocabulary import AssetRef, player_id


@dataclass
class Tally:
    """What this run landed and what failed, per endpoint."""

    landed: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    terminal: Counter[str] = field(default_factory=Counter)


@dataclass
class Fetcher:
    http: HaloHttp
    writer: LandingWriter
    run_id: str
    tally: Tally = field(default_factory=Tally)

    def record(self, endpoint: str, key: str, result: FetchResult, error: str | None = None) -> None:
        if result.ok and error is None:
            self.tally.landed[endpoint] += 1
            if result.attempts > 1:  # retried fetches stay visible in the log
                self.writer.attempt(
                    endpoint, key, outcome="landed", http_status=200,
                    attempts=result.attempts, run_id=self.run_id,
                )
            return
        terminal = result.outcome == "terminal" or (result.ok and error is not None)
        outcome = "not_found" if result.status == 404 else "failed"
        (self.tally.terminal if terminal else self.tally.failed)[endpoint] += 1
        self.writer.attempt(
            endpoint, key, outcome=outcome, http_status=result.status,
            error=error or result.error, attempts=result.attempts,
            terminal=terminal, run_id=self.run_id,
        )

    async def match_stats(self, match_id: str, not_found_retries: int = 0) -> dict | None:
        result = await self.http.get(urls.match_stats(match_id), not_found_retries=not_found_retries)
        if result.ok and not (isinstance(result.data, dict) and isinstance(result.data.get("Players"), list)):
            self.record("match_stats", match_id, result, "200 without a Players list")
            return None
        self.record("match_stats", match_id, result)
        if not result.ok:
            return None
        self.writer.match_stats(match_id, result.text)
        return result.data

    async def match_skill(self, match_id: str, xuids: Sequence[str], not_found_retries: int = 0) -> None:
        params = {"players": [player_id(x) for x in xuids]}
        result = await self.http.get(urls.match_skill(match_id), params=params, not_found_retries=not_found_retries)
        if result.ok and not (isinstance(result.data, dict) and isinstance(result.data.get("Value"), list)):
            self.record("match_skill", match_id, result, "200 without a Value list")
            return
        self.record("match_skill", match_id, result)
        if result.ok:
            self.writer.match_skill(match_id, result.text, list(xuids))

    async def film_manifest(self, match_id: str) -> dict | None:
        result = await self.http.get(urls.film_manifest(match_id))
        chunks = manifest_chunks(result.data) if result.ok else None
        if result.ok and chunks is None:
            self.record("film_manifest", match_id, result, "200 without CustomData.Chunks")
            return None
        self.record("film_manifest", match_id, result)
        if not result.ok:
            return None
        self.writer.film_manifest(match_id, result.text)
        return result.data

    async def film_highlights(self, match_id: str, manifest: dict) -> None:
        chunks = manifest_chunks(manifest) or []
        failure = None
        try:
            last = highlight_chunk(manifest)
        except FilmDecodeError:
            failure = (
                "the film manifest has no highlight-events chunk "
                f"(last chunk is not type {FILM_CHUNK_TYPE_HIGHLIGHTS})"
            )
        else:
            try:
                url = urls.film_chunk_url(
                    str(manifest.get("BlobStoragePathPrefix") or ""), str(last.get("FileRelativePath") or "")
                )
            except ValueError as exc:
                failure = f"refusing film chunk URL outside the Halo services: {exc}"
        if failure:
            self.tally.terminal["film_chunk"] += 1
            self.writer.attempt("film_chunk", match_id, outcome="failed", error=failure,
                                terminal=True, run_id=self.run_id)
            return
        result = await self.http.get(url, expect_json=False)
        expected_size = last.get("ChunkSize")
        if result.ok and isinstance(expected_size, int) and len(result.content) != expected_size:
            # A cut-off download is retried next run rather than landed as garbage.
            result.outcome = "failed"
            result.error = f"chunk is {len(result.content)} bytes, manifest says {expected_size}"
        self.record("film_chunk", match_id, result)
        if result.ok:
            version = (manifest.get("CustomData") or {}).get("FilmMajorVersion")
            self.writer.film_chunk(
                match_id, int(last.get("Index", len(chunks) - 1)), FILM_CHUNK_TYPE_HIGHLIGHTS,
                int(version) if isinstance(version, int) else None, result.content,
            )

    async def asset(self, ref: AssetRef) -> None:
        result = await self.http.get(urls.ugc_asset(ref.kind, ref.asset_id, ref.version_id))
        self.record("ugc_asset", ref.key, result)
        if result.ok:
            self.writer.ugc_asset(ref.kind, ref.asset_id, ref.version_id, result.text)

    async def medal_metadata(self) -> None:
        result = await self.http.get(urls.medal_metadata())
        self.record("medal_metadata", "metadata.json", result)
        if result.ok:
            self.writer.medal_metadata(result.text)

    async def csr_season_calendar(self, latest_landed: str | None) -> None:
        """Fetch the CSR season calendar; land it only when it differs from ``latest_landed`` (the
        calendar changes a few times a year, and each landed version rebuilds the CSR marts)."""
        result = await self.http.get(urls.csr_season_calendar())
        if result.ok and not (isinstance(result.data, dict) and isinstance(result.data.get("Seasons"), list)):
            self.record("csr_season_calendar", "CsrSeasonCalendar.json", result, "200 without a Seasons list")
            return
        self.record("csr_season_calendar", "CsrSeasonCalendar.json", result)
        if result.ok and result.text != latest_landed:
            self.writer.csr_season_calendar(result.text)

    async def profiles(self, xuids: Sequence[str]) -> None:
        result = await self.http.get(urls.users_by_xuids(), params={"xuids": list(xuids)})
        if not result.ok or not isinstance(result.data, list):
            for xuid in xuids:
                self.record("player_profile", xuid, result, None if not result.ok else "not a JSON array")
            return
        answered = set()
        for user in result.data:
            xuid = str(user.get("xuid", "")) if isinstance(user, dict) else ""
            if xuid in xuids:
                answered.add(xuid)
                self.writer.player(xuid, user)
                self.tally.landed["player_profile"] += 1
        for xuid in xuids:
            if xuid not in answered:  # unknown or private: explained, not asked again
                self.tally.terminal["player_profile"] += 1
                self.writer.attempt("player_profile", xuid, outcome="not_found", http_status=200,
                                    error="not returned by the profile service", terminal=True,
                                    run_id=self.run_id)

