"""A synthetic warehouse in one command: what every benchmark figure is measured on.

    python -m bench.synth --matches N --db PATH [--players P] [--seed S] [--films F|all]
    python -m bench.synth --db PATH --add M

The first creates a landing warehouse holding a synthetic career of N matches (P tracked players
in circles of up to 4 friends, ~8 humans a match; ``fake_halo.CareerSpec.scale``), landed exactly
as ``halo ingest`` lands it from the fake API (``bench.synth_landing``), with the highlight chunks
of the newest F films (default 2,000, as the benchmarks assume: films expire on the real service,
the older ones land as expired). The second lands the next M matches of the same career, newer than
everything landed, with their films: what a sync brings (``bench.career_growth``). A warehouse
remembers its career in ``bench_synth.career`` (outside the landing schema, which holds only what
the ingester would land), so ``--add`` needs nothing else. The same arguments always land the same rows, apart
from the landing times.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from bench.career_growth import continue_career
from bench.synth_landing import RUN_ID, LoadReport, film_matches, land_matches
from fake_halo import Career, CareerSpec, FakeHaloApi
from ingest.store.schema import ensure_landing_schema
from ingest.store.warehouse import connect

DEFAULT_PLAYERS = 8
DEFAULT_SEED = 7
DEFAULT_FILMS = 2_000  # a full-size highlight chunk is ~270 KB, and old films expire on the service

CAREER_SCHEMA = "bench_synth"
CAREER_TABLE = f"{CAREER_SCHEMA}.career"


def career_table(con: duckdb.DuckDBPyConnection) -> str:
    """The record's table, qualified with the database's own name (a file named like the schema
    would make the bare name ambiguous)."""
    [(catalog,)] = con.execute("select current_database()").fetchall()
    return f'"{catalog}".{CAREER_TABLE}'


def create_career_table(con: duckdb.DuckDBPyConnection) -> str:
    [(catalog,)] = con.execute("select current_database()").fetchall()
    con.execute(f'create schema if not exists "{catalog}".{CAREER_SCHEMA}')
    table = career_table(con)
    con.execute(f"""
        create table if not exists {table} (
            players integer not null, matches integer not null, seed integer not null,
            films integer,  -- the newest films landed when created; null: all of them
            added integer not null,  -- matches of the career's continuation landed since (--add)
            created_at timestamptz not null
        )
    """)
    return table


class SynthError(Exception):
    """A synthetic warehouse cannot be created or extended as asked (one line for the user)."""


@dataclass(frozen=True)
class CareerRecord:
    players: int
    matches: int
    seed: int
    films: int | None
    added: int = 0

    @property
    def spec(self) -> CareerSpec:
        return CareerSpec.scale(self.players, self.matches, self.seed)


Progress = Callable[[LoadReport], None]


@functools.lru_cache(maxsize=2)
def _fake_api(players: int, matches: int, seed: int) -> FakeHaloApi:
    return FakeHaloApi(Career(CareerSpec.scale(players, matches, seed)))


def fake_api(record: CareerRecord) -> FakeHaloApi:
    """The fake API serving ``record``'s career (generating a 50k career takes seconds: kept per
    process), without any continuation."""
    api = _fake_api(record.players, record.matches, record.seed)
    api.career.reset()
    return api


def open_quietly(db: Path) -> duckdb.DuckDBPyConnection:
    """The warehouse, without DuckDB's own progress bars (this command prints its progress)."""
    con = connect(db)
    con.execute("set enable_progress_bar = false")
    return con


def check_arguments(players: int, matches: int, films: int | None) -> None:
    if players < 1:
        raise SynthError(f"--players must be at least 1, got {players}")
    if matches < players:
        raise SynthError(f"--matches must be at least --players ({players}), got {matches}")
    if films is not None and films < 0:
        raise SynthError(f"--films must be a count >= 0 or 'all', got {films}")


def create(
    db: Path, *, players: int = DEFAULT_PLAYERS, matches: int, seed: int = DEFAULT_SEED,
    films: int | None = DEFAULT_FILMS, workers: int | None = None, progress: Progress | None = None,
) -> LoadReport:
    """A new landing warehouse at ``db`` (replacing any file there) holding the career of
    ``matches`` matches; its record is written last, so a killed run leaves no warehouse ``--add``
    would take for finished."""
    check_arguments(players, matches, films)
    record = CareerRecord(players, matches, seed, films)
    db.parent.mkdir(parents=True, exist_ok=True)
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    api = fake_api(record)
    con = open_quietly(db)
    try:
        ensure_landing_schema(con)
        report = land_matches(con, api, api.career.matches, films=film_matches(api.career, films),
                              workers=workers, run_id=RUN_ID, progress=progress)
        con.execute(f"insert into {create_career_table(con)} values (?, ?, ?, ?, 0, ?)",
                    [players, matches, seed, films, datetime.now(UTC)])
        con.execute("checkpoint")
    finally:
        con.close()
    return report


def read_record(con: duckdb.DuckDBPyConnection, db: Path) -> CareerRecord:
    try:
        rows = con.execute(f"select players, matches, seed, films, added from {career_table(con)}").fetchall()
    except duckdb.CatalogException:
        rows = []
    if len(rows) != 1:
        raise SynthError(f"{db} is not a finished synthetic warehouse (no {CAREER_TABLE} record): "
                         "create one with --matches N")
    return CareerRecord(*rows[0])


def add(db: Path, count: int, *, workers: int | None = None, progress: Progress | None = None) -> LoadReport:
    """Land the next ``count`` matches of ``db``'s synthetic career (newer than everything landed,
    with their films), as one sync would."""
    if count < 1:
        raise SynthError(f"--add must be at least 1, got {count}")
    if not db.is_file():
        raise SynthError(f"no warehouse at {db}: create one with --matches N first")
    try:
        con = open_quietly(db)
    except duckdb.Error as exc:
        raise SynthError(f"cannot open {db}: {str(exc).splitlines()[0]}") from exc
    try:
        record = read_record(con, db)
        api = fake_api(record)
        new = continue_career(api.career, record.added + count)[record.added:]
        ids = [m.match_id for m in new]
        [(present,)] = con.execute("select count(*) from landing.match_stats where list_contains(?, match_id)",
                                   [ids]).fetchall()
        if present:
            raise SynthError(f"{db} already holds {present} of the {count} matches to add "
                             "(landed by another tool?): nothing added")
        report = land_matches(con, api, new, films={m.match_id for m in new if m.film}, workers=workers,
                              run_id=f"{RUN_ID}-add-{record.added + count}", progress=progress)
        con.execute(f"update {career_table(con)} set added = ?", [record.added + count])
        con.execute("checkpoint")
    finally:
        con.close()
    return report


# -- the command ----------------------------------------------------------------------------------
def _films(text: str) -> int | None:
    if text == "all":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a count or 'all', got {text!r}") from None


def _progress_printer(verb: str) -> Progress:
    started = time.perf_counter()

    def show(report: LoadReport) -> None:
        elapsed = time.perf_counter() - started
        print(f"synth: {verb} {report.matches_landed:,} of {report.matches:,} matches "
              f"({report.films_rendered:,} films) in {elapsed:.0f} s", file=sys.stderr, flush=True)

    return show


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.synth", description=__doc__.split("\n\n")[0],
        epilog="Create: --matches N --db PATH [--players P] [--seed S] [--films F|all] [--replace]. "
               "Extend: --db PATH --add M.",
    )
    parser.add_argument("--db", type=Path, required=True, help="the warehouse file")
    parser.add_argument("--matches", type=int, help="create a warehouse of this many matches")
    parser.add_argument("--add", type=int, help="land this many newer matches into the warehouse")
    parser.add_argument("--players", type=int, help=f"tracked players (default {DEFAULT_PLAYERS})")
    parser.add_argument("--seed", type=int, help=f"the career's seed (default {DEFAULT_SEED})")
    parser.add_argument("--films", type=_films, default=argparse.SUPPRESS,
                        help=f"land the newest F films' highlight chunks (default {DEFAULT_FILMS:,}; 'all')")
    parser.add_argument("--replace", action="store_true", help="replace an existing file at --db")
    parser.add_argument("--workers", type=int, default=None, help="rendering processes (default: one per CPU)")
    return parser


def main(argv: list[str] | None = None) -> int:
    cli = parser()
    args = cli.parse_args(argv)
    try:
        if (args.matches is None) == (args.add is None):
            raise SynthError("give --matches N (a new warehouse) or --add M (newer matches), not both")
        if args.add is not None:
            given = [f"--{name}" for name in ("players", "seed") if getattr(args, name) is not None]
            given += ["--films"] if hasattr(args, "films") else []
            given += ["--replace"] if args.replace else []
            if given:
                raise SynthError(f"{', '.join(given)}: only when creating; --add continues the career "
                                 f"recorded in {args.db}")
            report = add(args.db, args.add, workers=args.workers, progress=_progress_printer("added"))
        else:
            players = DEFAULT_PLAYERS if args.players is None else args.players
            films = getattr(args, "films", DEFAULT_FILMS)
            check_arguments(players, args.matches, films)
            if args.db.exists() and not args.replace:
                raise SynthError(f"{args.db} exists: add matches to it with --add M, or pass --replace")
            print(f"synth: a career of {args.matches:,} matches, {players} players, seed "
                  f"{DEFAULT_SEED if args.seed is None else args.seed} …", file=sys.stderr, flush=True)
            report = create(args.db, players=players, matches=args.matches,
                            seed=DEFAULT_SEED if args.seed is None else args.seed, films=films,
                            workers=args.workers, progress=_progress_printer("landed"))
    except SynthError as exc:
        cli.error(str(exc))
    rows = ", ".join(f"{n:,} {table}" for table, n in sorted(report.rows.items()) if n)
    print(f"synth: {args.db}: {report.matches:,} matches landed ({rows}; {report.payload_mb:,.0f} MB of "
          f"payloads) in {report.render_s:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
