"""Options shared by several commands, and typed choices that fail with one clear line."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

E = TypeVar("E", bound=StrEnum)


class ChoiceError(typer.BadParameter):
    """A value outside an option's choices; the message already names the option."""

    def format_message(self) -> str:
        return self.message


def choice(enum: type[E], option: str) -> Callable[[str | E], E]:
    """A parser for ``typer.Option(parser=...)``: the enum member named by the value (exactly)."""

    def parse(value: str | E) -> E:
        if isinstance(value, enum):
            return value
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            raise ChoiceError(f"{option} must be one of {allowed}, not {value!r}") from None

    return parse


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Warehouse file (default: $HALO_DB or warehouse/halo.duckdb)."),
]


def resolve_db(db: Path | None) -> Path:
    from ..store.warehouse import db_path_from_env  # lazy: `halo --help` needs no DuckDB

    return db if db is not None else db_path_from_env()
