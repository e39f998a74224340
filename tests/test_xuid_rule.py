"""One xuid rule: Python (ingest.vocabulary) and SQL (the dbt macros halo_xuid, halo_is_xuid) give
the same answer for every tricky input. The SQL side is the real macros, run by `dbt show`.

The rule: an xuid is exactly 16 ASCII decimal digits. A stats/skill player id names one as
``xuid(<16 digits>)`` (nothing else: no spaces, no other case, bots are ``bid(...)``); a bare
string (user input, declared friends) is one when, trimmed of spaces, it is 16 ASCII digits.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ingest.transform.dbt_runner import dbt_command
from ingest.vocabulary import is_xuid, xuid_of_player_id

pytestmark = pytest.mark.dbt

XUID = "2533274900000042"
FULLWIDTH = "".join(chr(ord("０") + int(d)) for d in XUID)  # ２５３３… (Unicode digits)
ARABIC_INDIC = "".join(chr(0x0660 + int(d)) for d in XUID)

# input -> the xuid it names (worked out by hand from the rule above)
PLAYER_IDS: list[tuple[str | None, str | None]] = [
    (f"xuid({XUID})", XUID),
    ("xuid(0000000000000001)", "0000000000000001"),  # leading zeros are digits like any other
    (f"xuid({XUID[:15]})", None),  # 15 digits
    (f"xuid({XUID}7)", None),  # 17 digits
    (f"xuid( {XUID})", None),
    (f"xuid({XUID} )", None),
    (f" xuid({XUID})", None),
    (f"xuid({XUID})\n", None),
    (f"XUID({XUID})", None),  # the API writes lower case
    (f"xuid({XUID})x", None),
    ("xuid()", None),
    ("xuid(253327490000004a)", None),
    (f"xuid({FULLWIDTH})", None),
    (f"xuid({ARABIC_INDIC})", None),
    ("bid(41.0)", None),
    (XUID, None),  # bare: not a player id
    ("", None),
    (None, None),
]

# input -> is it an xuid as typed text?
BARE: list[tuple[str, bool]] = [
    (XUID, True),
    ("0000000000000000", True),
    (f" {XUID} ", True),  # surrounding spaces are trimmed
    (XUID[:15], False),
    (XUID + "7", False),
    (f"{XUID}\t", False),  # only spaces are trimmed
    ("2533 2749 0000 0042", False),
    (f"xuid({XUID})", False),
    (FULLWIDTH, False),
    (ARABIC_INDIC, False),
    ("-253327490000004", False),
    ("253327490000004.", False),
    ("Demo Spartan", False),
    ("", False),
]


def sql_literal(value: str | None) -> str:
    return "null" if value is None else "'" + value.replace("'", "''") + "'"


def run_macro(tmp_path: Path, macro: str, inputs: list[str | None]) -> list[object]:
    """``macro(input)`` for every input, computed by dbt on DuckDB, in input order."""
    rows = ", ".join(f"({i}, {sql_literal(v)})" for i, v in enumerate(inputs))
    sql = (
        f"select i, {{{{ {macro}('input') }}}} as answer "
        f"from (values {rows}) as inputs(i, input) order by i"
    )
    command, env = dbt_command(
        ["show", "--inline", sql, "--output", "json", "--limit", "-1", "--quiet"],
        tmp_path / "xuid.duckdb", target_path=tmp_path / "target", log_path=tmp_path / "logs",
    )
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    shown = json.loads(done.stdout[done.stdout.index("{"):])["show"]
    assert [row["i"] for row in shown] == list(range(len(inputs)))
    return [row["answer"] for row in shown]


def test_python_names_the_hand_worked_xuids() -> None:
    assert [xuid_of_player_id(value) for value, _ in PLAYER_IDS] == [x for _, x in PLAYER_IDS]
    assert [is_xuid(value) for value, _ in BARE] == [b for _, b in BARE]


def test_halo_xuid_macro_agrees_with_python(tmp_path: Path) -> None:
    inputs = [value for value, _ in PLAYER_IDS]
    sql_answers = run_macro(tmp_path, "halo_xuid", inputs)
    python_answers = [xuid_of_player_id(value) for value in inputs]
    assert list(zip(inputs, sql_answers, strict=True)) == list(zip(inputs, python_answers, strict=True))


def test_halo_is_xuid_macro_agrees_with_python(tmp_path: Path) -> None:
    inputs = [value for value, _ in BARE]
    sql_answers = run_macro(tmp_path, "halo_is_xuid", inputs)
    python_answers = [is_xuid(value) for value in inputs]
    assert list(zip(inputs, sql_answers, strict=True)) == list(zip(inputs, python_answers, strict=True))
