"""Errors that end a command with one clear line (the CLI prints ``str(error)``, never a traceback)."""

from __future__ import annotations


class HaloError(Exception):
    """Base class: the message is meant for the user, already redacted."""

    exit_code = 1


class UsageError(HaloError):
    """Bad input on the command line or in the environment (nothing was written)."""

    exit_code = 2


class AuthError(HaloError):
    """The API refused our credentials (401/403): the run stops, landed work is kept."""

    exit_code = 3


class ApiUnavailableError(HaloError):
    """Too many consecutive failures on a host: stop instead of hammering a broken service."""

    exit_code = 4


class WarehouseLockedError(HaloError):
    """Another process holds the DuckDB file."""

    exit_code = 5


class StorageError(HaloError):
    """The warehouse file could not be written or read back (disk full, read-only file system,
    a damaged write-ahead log): what was committed before is kept; the message says what to do."""

    exit_code = 6
