"""Token sources for the HTTP client. The pasted-token mode lives here; the refresh-token chain
(unattended runs) plugs in through the same two methods."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class StaticTokens:
    """A Spartan token pasted by the user (its expiry is unknown: a 401 ends the run)."""

    spartan_token: str
    clearance: str | None = None

    async def headers(self) -> dict[str, str]:
        headers = {"x-343-authorization-spartan": self.spartan_token}
        if self.clearance:
            headers["343-clearance"] = self.clearance
        return headers

    async def refresh(self) -> bool:
        return False
