"""A player as the user names one (``--player``, ``--friend``, ``halo track``): an xuid or a gamertag."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import UsageError
from .vocabulary import xuid_of_input

# Classic gamertags: letters, digits, spaces (≤ 15). Modern ones add a '#1234' suffix and allow
# other alphabets. Anything else (slashes, quotes, control characters) is a typo.
_GAMERTAG = re.compile(r"^[\w ]{1,16}(?:#\d{1,5})?$", re.UNICODE)


@dataclass(frozen=True)
class PlayerSpec:
    xuid: str | None = None
    gamertag: str | None = None

    def __str__(self) -> str:
        return self.gamertag or f"xuid({self.xuid})"


def parse_player_spec(raw: str) -> PlayerSpec:
    text = (raw or "").strip()
    if not text:
        raise UsageError("--player is empty: give a gamertag or a 16-digit xuid")
    try:
        xuid = xuid_of_input(text)
    except ValueError:
        raise UsageError(f"malformed xuid {text!r}: an xuid is exactly 16 digits") from None
    if xuid is not None:
        return PlayerSpec(xuid=xuid)
    if not _GAMERTAG.match(text) or "_" in text.replace(" ", ""):
        raise UsageError(
            f"{text!r} is neither a gamertag (letters, digits, spaces, optional #1234 suffix) "
            "nor a 16-digit xuid"
        )
    return PlayerSpec(gamertag=text)
