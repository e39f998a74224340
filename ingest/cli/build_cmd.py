"""``halo build``: ``dbt build`` on the warehouse, after checking nobody holds the file."""

from __future__ import annotations

from typing import Annotated

import typer

from .guard import error_guard
from .options import DbOption, resolve_db


@error_guard
def build(
    ctx: typer.Context,
    db: DbOption = None,
    wait: Annotated[float, typer.Option("--wait", help="Seconds to wait for another process to release the warehouse.")] = 30.0,
    unit_tests: Annotated[bool, typer.Option(
        "--unit-tests/--no-unit-tests", help="Also run the dbt unit tests (SQL on fixed inputs; `make test` runs them).",
    )] = False,
    full_audit: Annotated[bool, typer.Option(
        "--full-audit", help="Reconciliation tests read every match, not only those this build wrote "
        "(docs/incremental.md; scripts/scheduled_run.sh does it weekly).",
    )] = False,
) -> None:
    """`dbt build` on the warehouse (extra arguments go to dbt), after checking nobody holds the file."""
    from ..store.warehouse import open_warehouse
    from ..transform.dbt_runner import dbt_build_streaming, sync_build_args

    path = resolve_db(db)
    # dbt answers a held lock with a traceback after its own retries; check first, clearly.
    open_warehouse(path, read_only=True, lock_wait_s=wait).close()
    # A writable open brings an older warehouse's landing tables up to date (once) before dbt
    # reads them.
    open_warehouse(path, lock_wait_s=wait).close()
    extra = [*ctx.args, "--vars", "{full_audit: true}"] if full_audit else list(ctx.args)
    code = dbt_build_streaming(path, sync_build_args(extra, unit_tests=unit_tests))
    if code:
        raise typer.Exit(code)


# Unknown options (and arguments) are dbt's: `halo build -s fct_sessions+`.
BUILD_CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}
