"""Another process holding a warehouse open, for the tests of what a command does when it is locked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
print("holding", flush=True)
time.sleep(float(sys.argv[3]))
"""


def hold(db: Path, mode: str, seconds: float) -> subprocess.Popen[str]:
    """A process that has opened ``db`` (``mode`` "rw" or "ro") and keeps it for ``seconds``; it has
    the file when this returns. The caller kills and waits for it."""
    holder = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", HOLD, str(db), mode, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    return holder
