"""The ``halo`` command line: one module per command (group), assembled here.

Every command is wrapped by ``guard.error_guard`` (one ``error: …`` line and an exit code on
failure) and the root group is ``guard.OneLineErrorsGroup`` (the same for usage errors).
"""

from __future__ import annotations

import typer

from .auth_cmd import auth_app
from .build_cmd import BUILD_CONTEXT, build
from .demo_cmd import demo
from .export_cmd import export
from .fake_api_cmd import fake_api
from .guard import OneLineErrorsGroup
from .ingest_cmd import ingest
from .report_cmd import report
from .status_cmd import status
from .track_cmd import track

app = typer.Typer(
    cls=OneLineErrorsGroup,
    add_completion=False,
    no_args_is_help=True,
    help="Land Halo Infinite match data in DuckDB and keep the dbt warehouse complete.",
    pretty_exceptions_enable=False,
)
app.command()(ingest)
app.command()(status)
app.command(context_settings=BUILD_CONTEXT)(build)
app.command()(track)
app.command()(report)
app.command()(export)
app.command("fake-api")(fake_api)
app.command()(demo)
app.add_typer(auth_app, name="auth")
