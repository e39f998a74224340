"""Benchmark: fast film highlight decoder vs the bit-by-bit reference decoder.

Run: .venv/bin/python bench/film_decode.py [--fast-repeats N] [--reference-repeats N]

Times each fixture chunk (median of the repeats, zlib decompression included in both), checks
both decoders agree first, prints a table and writes bench/results/film_decode.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import statistics
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench/results/film_decode.json"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analytics.film import decode_highlight_events  # noqa: E402
from bench.film_reference import decode_reference  # noqa: E402
from fake_halo.recorded import FILMS_DIR  # noqa: E402


def without_names(events: list[dict]) -> list[dict]:
    """The reference's events as the fast decoder gives them (it emits medal codes, not names)."""
    return [{k: v for k, v in e.items() if k != "medal_name"} for e in events]


def fixture_chunks() -> list[tuple[str, int, bytes]]:
    chunks = []
    for path in sorted(FILMS_DIR.glob("*.gzip")):
        version = 37 if path.name == "highlight_events.gzip" else int(path.name.split("_")[0])
        chunks.append((path.name, version, path.read_bytes()))
    return chunks


def median_ms(run: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast-repeats", type=int, default=25)
    parser.add_argument("--reference-repeats", type=int, default=5)
    args = parser.parse_args()

    rows = []
    for name, version, data in fixture_chunks():
        fast_events = [dataclasses.asdict(e) for e in decode_highlight_events(data, version)]
        if fast_events != without_names(decode_reference(data, version)):
            raise SystemExit(f"{name}: fast and reference decoders disagree; not benchmarking")
        inflated = zlib.decompress(data)
        rows.append(
            {
                "file": name,
                "major_version": version,
                "compressed_bytes": len(data),
                "inflated_bytes": len(inflated),
                "events": len(fast_events),
                "inflate_ms": median_ms(lambda d=data: zlib.decompress(d), args.fast_repeats),
                "fast_ms": median_ms(
                    lambda d=data, v=version: decode_highlight_events(d, v), args.fast_repeats
                ),
                "reference_ms": median_ms(
                    lambda d=data, v=version: decode_reference(d, v),
                    args.reference_repeats,
                ),
            }
        )

    count = len(rows)
    fast_total = sum(r["fast_ms"] for r in rows)
    reference_total = sum(r["reference_ms"] for r in rows)
    inflated_mb = sum(r["inflated_bytes"] for r in rows) / 1e6
    summary = {
        "chunks": count,
        "events": sum(r["events"] for r in rows),
        "inflated_mb": round(inflated_mb, 3),
        "fast_ms_per_chunk": round(fast_total / count, 3),
        "reference_ms_per_chunk": round(reference_total / count, 3),
        "inflate_ms_per_chunk": round(sum(r["inflate_ms"] for r in rows) / count, 3),
        "fast_chunks_per_s": round(1000 * count / fast_total, 1),
        "reference_chunks_per_s": round(1000 * count / reference_total, 2),
        "fast_ms_per_inflated_mb": round(fast_total / inflated_mb, 3),
        "reference_ms_per_inflated_mb": round(reference_total / inflated_mb, 3),
        "speedup": round(reference_total / fast_total, 1),
        "fast_repeats": args.fast_repeats,
        "reference_repeats": args.reference_repeats,
        "statistic": "median per chunk; per-chunk figures are means of the medians",
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    for row in rows:
        row["speedup"] = round(row["reference_ms"] / row["fast_ms"], 1)
        for key in ("inflate_ms", "fast_ms", "reference_ms"):
            row[key] = round(row[key], 3)

    print(
        f"{'chunk':<46} {'v':>3} {'MB':>6} {'events':>6} {'inflate':>8} {'fast':>8} "
        f"{'reference':>10} {'speed-up':>8}"
    )
    for r in rows:
        print(
            f"{r['file']:<46} {r['major_version']:>3} {r['inflated_bytes'] / 1e6:>6.2f} "
            f"{r['events']:>6} {r['inflate_ms']:>6.2f}ms {r['fast_ms']:>6.2f}ms "
            f"{r['reference_ms']:>8.1f}ms {r['speedup']:>7.1f}x"
        )
    print(
        f"\n{count} chunks: fast {summary['fast_ms_per_chunk']:.2f} ms/chunk "
        f"({summary['fast_chunks_per_s']:.0f} chunks/s), reference "
        f"{summary['reference_ms_per_chunk']:.1f} ms/chunk "
        f"({summary['reference_chunks_per_s']:.1f} chunks/s), speed-up {summary['speedup']:.1f}x; "
        f"decompression alone {summary['inflate_ms_per_chunk']:.2f} ms/chunk"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"summary": summary, "chunks": rows}, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
