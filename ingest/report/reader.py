"""Reading the marts for the report: named SQL queries on a read-only connection.

A :class:`Query` names the relations it reads (``main.<mart>`` or ``reference.<seed>``, always
schema-qualified, so they can be listed: the dbt exposure of the report is checked against them).
:meth:`Reader.rows` runs one and returns plain JSON-ready dicts (times as wall-clock strings in the
report's time zone, decimals as floats). When a relation is missing (a fresh warehouse, one built
by an older version) or lacks a column the query names, it raises :class:`Unavailable` with a
sentence a player can act on: the section says "not available yet" instead of failing the report.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import duckdb

from ..errors import UsageError

RELATION = re.compile(r"\b(main|reference)\.([a-z_][a-z0-9_]*)\b")
# Wall-clock times in the report's zone, without an offset: Vega-Lite reads them as local times of
# the browser and shows them unchanged, whatever the zone of the machine that opens the file.
WALL_CLOCK = "%Y-%m-%dT%H:%M:%S"


T = TypeVar("T")


class Unavailable(Exception):
    """A section cannot be shown; the message says why (shown after "not available yet:")."""


@dataclass(frozen=True)
class Query:
    """One SQL statement of a section, with ``$name`` parameters (``$player``, ...)."""

    sql: str

    @property
    def relations(self) -> frozenset[str]:
        """``schema.name`` of every relation the statement reads."""
        return frozenset(f"{schema}.{name}" for schema, name in RELATION.findall(self.sql))


def json_value(value: Any, zone: dt.tzinfo) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(zone)
        return value.strftime(WALL_CLOCK)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float) and value != value:  # NaN: JSON has none
        return None
    if isinstance(value, list | tuple):
        return [json_value(v, zone) for v in value]
    return value


class Reader:
    """The report's only access to the warehouse (a read-only DuckDB connection)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, zone: dt.tzinfo, zone_name: str) -> None:
        self.con = con
        self.zone = zone
        self.zone_name = zone_name
        self._memo: dict[str, Any] = {}
        # Date parts (hour, weekday, day buckets) computed in SQL follow the report's zone.
        try:
            con.execute("set TimeZone = '{}'".format(zone_name.replace("'", "''")))
        except duckdb.Error as exc:
            raise UsageError(f"--tz {zone_name!r} is not a time zone DuckDB knows") from exc
        self.relations = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = current_database() "
                "union all select schema_name, view_name from duckdb_views() "
                "where database_name = current_database() and not internal"
            ).fetchall()
        }

    def has(self, relation: str) -> bool:
        return relation in self.relations

    def require(self, query: Query) -> None:
        missing = sorted(r for r in query.relations if r not in self.relations)
        if missing:
            raise Unavailable(
                f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not in this warehouse "
                "(a fresh warehouse, or one built by an older version: run `halo build`)"
            )

    def rows(self, query: Query, **params: Any) -> list[dict[str, Any]]:
        self.require(query)
        try:
            cursor = self.con.execute(query.sql, params or None)
        except (duckdb.BinderException, duckdb.CatalogException) as exc:
            # A mart of another version (a column renamed or not there yet): this section only.
            first = str(exc).splitlines()[0]
            raise Unavailable(
                f"{', '.join(sorted(query.relations))} lack what this report reads ({first}); "
                "run `halo build` with this version"
            ) from exc
        names = [d[0] for d in cursor.description]
        return [{n: json_value(v, self.zone) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per report (for what every player's page takes a part of)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def rows_or_reason(self, query: Query, **params: Any) -> list[dict[str, Any]] | str:
        """The rows, or why they are not available (for a part of a section that is optional)."""
        try:
            return self.rows(query, **params)
        except Unavailable as exc:
            return str(exc)

    def one(self, query: Query, **params: Any) -> dict[str, Any]:
        found = self.rows(query, **params)
        if len(found) != 1:
            raise ValueError(f"expected one row, got {len(found)}")
        return found[0]
