"""A fake Halo Infinite API on loopback, serving a deterministic synthetic career.

Payloads are cloned from the recorded responses shipped in ``fake_halo/data`` (SPNKr, MIT; see its
NOTICE.md; ``fake_halo.recorded`` gives their paths).
Typical use::

    api = FakeHaloApi(Career(CareerSpec.demo()))
    with running(api) as server:
        ...  # point HALO_API_BASE_URL at server.base_url
"""

from __future__ import annotations

from .api import DEFAULT_TOKEN, FakeHaloApi, RequestRecord
from .career import Career, Player
from .faults import FaultConfig, FaultRule, RateLimit
from .schedule import MatchMeta
from .server import RunningServer, running, serve
from .spec import CareerSpec, PlayerSpec

__all__ = [
    "DEFAULT_TOKEN",
    "Career",
    "CareerSpec",
    "FakeHaloApi",
    "FaultConfig",
    "FaultRule",
    "MatchMeta",
    "Player",
    "PlayerSpec",
    "RateLimit",
    "RequestRecord",
    "RunningServer",
    "running",
    "serve",
]
