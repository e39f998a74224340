"""Spartan token input and secret redaction.

A token may be pasted bare or as the whole request-header line copied from a browser
(``x-343-authorization-spartan: v4=...``). Secrets are registered with :data:`REDACTOR` as soon as
they are known so that no message, stored error or log line can carry them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import UsageError

_HEADER_PREFIX = re.compile(r"^\s*x-343-authorization-spartan\s*:\s*", re.IGNORECASE)
_CLEARANCE_PREFIX = re.compile(r"^\s*343-clearance\s*:\s*", re.IGNORECASE)
# Spartan tokens are long opaque strings (v4=..., base64-ish); anything with whitespace inside,
# control characters or non-ASCII is a copy/paste accident.
_TOKEN_SHAPE = re.compile(r"^[\x21-\x7e]{8,}$")


@dataclass
class Redactor:
    """Replaces every registered secret with a fixed marker."""

    secrets: set[str] = field(default_factory=set)

    def register(self, secret: str | None) -> None:
        if secret and len(secret) >= 4:
            self.secrets.add(secret)

    def __call__(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "[redacted]")
        return text


REDACTOR = Redactor()


def parse_spartan_token(raw: str | None) -> str:
    """Accept a bare token or a pasted ``x-343-authorization-spartan: ...`` header line."""
    if raw is None or not raw.strip():
        raise UsageError(
            "no Spartan token: set HALO_SPARTAN_TOKEN or pass --spartan-token "
            "(or run `halo demo`, which needs none)"
        )
    token = _HEADER_PREFIX.sub("", raw.strip()).strip()
    REDACTOR.register(raw.strip())
    REDACTOR.register(token)
    if not _TOKEN_SHAPE.match(token):
        raise UsageError(
            "the Spartan token does not look like a token (empty, too short, or containing "
            "spaces or control characters); copy the value of the x-343-authorization-spartan "
            "request header"
        )
    return token


def parse_clearance(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    value = _CLEARANCE_PREFIX.sub("", raw.strip()).strip()
    REDACTOR.register(value)
    if not re.fullmatch(r"[\x21-\x7e]+", value):
        raise UsageError("the clearance token does not look like a 343-clearance value")
    return value
