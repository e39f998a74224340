"""How every ``halo`` command ends: one clear line on failure, never a traceback.

``error_guard`` wraps each command: a known error (:class:`~ingest.errors.HaloError`) prints
``error: <message>`` and exits with its code; anything else prints one line and exits 70
(``HALO_DEBUG=1`` shows the traceback instead). ``OneLineErrorsGroup`` does the same for what the
command line parser refuses (an unknown option, a value that is not one of the choices), which
never reaches a command.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console
from typer.core import TyperGroup

from ..api.credentials import REDACTOR
from ..errors import HaloError

P = ParamSpec("P")
R = TypeVar("R")
EXIT_UNEXPECTED = 70


def _console(stderr: bool) -> Console:
    # Not a terminal (CI logs, pipes): rich would wrap at 80 columns; logs read better unwrapped.
    probe = Console(stderr=stderr)
    width = None if probe.is_terminal else 160
    return Console(stderr=stderr, highlight=False, soft_wrap=not probe.is_terminal, width=width)


out = _console(stderr=False)
err = _console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"error: {REDACTOR(message)}", markup=False)
    raise typer.Exit(code)


def error_guard(command: Callable[P, R]) -> Callable[P, R]:
    """Decorate a command: known errors become one line and their exit code; anything else one
    line and exit 70, no traceback."""

    @functools.wraps(command)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except HaloError as exc:
            fail(str(exc), exc.exit_code)
        except Exception as exc:  # the last line of defence: never a traceback, always one line
            if os.environ.get("HALO_DEBUG"):
                raise
            first_line = str(exc).splitlines()[0] if str(exc) else ""
            fail(f"unexpected {type(exc).__name__}: {first_line} (set HALO_DEBUG=1 for details)",
                 EXIT_UNEXPECTED)

    return guarded


class OneLineErrorsGroup(TyperGroup):
    """The root command group: a usage error is one ``error: …`` line too, with click's exit code."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        run = functools.partial(
            super().main, args, prog_name, complete_var,
            standalone_mode=False, windows_expand_args=windows_expand_args, **extra,
        )
        if not standalone_mode:
            return run()
        try:
            code = run()
        except typer.TyperException as exc:  # click's usage errors, as typer vendors them
            # `halo` alone (NoArgsIsHelpError) has shown the help already: nothing to add.
            if type(exc).__name__ != "NoArgsIsHelpError":
                err.print(f"error: {REDACTOR(exc.format_message())}", markup=False)
            sys.exit(exc.exit_code)
        except typer.Abort:  # Ctrl+C or end of input at a prompt
            err.print("Aborted.", markup=False)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)
