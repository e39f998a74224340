"""Human-readable summaries of a run (one screen, no tokens, no tracebacks)."""

from __future__ import annotations

from rich.console import Console

from .ingest_run import RunSummary

ENDPOINT_LABELS = {
    "match_history": "history pages",
    "match_stats": "match stats",
    "match_skill": "match skill",
    "film_manifest": "film manifests",
    "film_chunk": "film highlight chunks",
    "ugc_asset": "map/mode/playlist assets",
    "medal_metadata": "medal metadata",
    "csr_season_calendar": "CSR season calendar",
    "player_profile": "player profiles",
}


def print_run_summary(console: Console, summary: RunSummary) -> None:
    for entry in summary.players:
        listing = entry.listing
        if listing is None:
            detail = "listing not finished"
        else:
            state = "complete" if listing.complete else ("failed" if listing.failed else "partial")
            detail = f"{listing.new_ids} new of {listing.listed} listed in {listing.pages} page(s), listing {state}"
        console.print(f"{entry.player.gamertag} (xuid {entry.player.xuid}): {detail}")
    landed = ", ".join(
        f"{n} {ENDPOINT_LABELS.get(k, k)}" for k, n in sorted(summary.landed.items()) if n
    )
    console.print(f"landed: {landed or 'nothing new'}")
    if summary.terminal:
        gone = ", ".join(f"{n} {ENDPOINT_LABELS.get(k, k)}" for k, n in sorted(summary.terminal.items()))
        console.print(f"not available (explained, not retried): {gone}")
    if summary.failed:
        failed = ", ".join(f"{n} {ENDPOINT_LABELS.get(k, k)}" for k, n in sorted(summary.failed.items()))
        console.print(f"[yellow]failed (will be retried next run): {failed}[/yellow]")
    console.print(
        f"{summary.requests} requests ({summary.retried} retries, {summary.throttled} throttled) "
        f"in {summary.elapsed_s:.1f} s; {summary.still_missing} match(es) still missing a payload"
    )


def stopped_line(summary: RunSummary) -> str:
    landed = summary.landed.get("match_stats", 0)
    unlisted = any(e.listing is None or not e.listing.complete for e in summary.players)
    listing_note = " (history listing not finished: more may follow)" if unlisted else ""
    return (
        f"stopped: {landed} matches landed, {summary.still_missing} still missing{listing_note}; "
        "run again to continue"
    )
