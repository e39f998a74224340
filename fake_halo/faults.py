"""Injected trouble: latency, per-host rate limits and scripted failures.

Everything random is drawn from generators seeded by ``FaultConfig.seed`` (one for latency jitter,
one per rule), so a given sequence of requests always meets the same faults. The rate limit is a
token bucket per host and depends on real time, like the service it imitates.
"""

from __future__ import annotations

import math
import random
import re
import threading
import time
from dataclasses import asdict, dataclass, field, fields

ACTIONS = ("status", "truncated_json", "invalid_json", "drop", "slow")


@dataclass(frozen=True)
class FaultRule:
    """What to do to which requests.

    Matching: every given criterion must hold (``host``: first path segment, ``endpoint``: short
    endpoint name, ``path_regex``: searched in the request target, path and query). Triggering: among matching
    requests, the first ``times`` ones (all when None), each with ``probability``.
    """

    action: str
    status: int = 500  # for action "status"
    host: str | None = None
    endpoint: str | None = None
    path_regex: str | None = None
    times: int | None = None
    probability: float = 1.0
    delay_s: float = 0.0  # for action "slow"
    retry_after: int | None = None  # for action "status": send a Retry-After header

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown fault action {self.action!r}; known: {', '.join(ACTIONS)}")
        if not 100 <= self.status <= 599:
            raise ValueError(f"status must be an HTTP status, got {self.status}")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must lie in [0, 1]")
        if self.times is not None and self.times < 0:
            raise ValueError("times must be >= 0")
        if self.delay_s < 0:
            raise ValueError("delay_s must be >= 0")
        if self.path_regex is not None:
            re.compile(self.path_regex)

    def matches(self, host: str, endpoint: str, path: str) -> bool:
        return (
            (self.host is None or self.host == host)
            and (self.endpoint is None or self.endpoint == endpoint)
            and (self.path_regex is None or re.search(self.path_regex, path) is not None)
        )


@dataclass(frozen=True)
class RateLimit:
    """A token bucket per host: ``requests_per_second`` sustained, ``burst`` at once."""

    requests_per_second: float
    burst: int = 2
    retry_after: bool = True  # send Retry-After with the 429 (the real service may not)
    hosts: tuple[str, ...] | None = None  # None: every host

    def __post_init__(self) -> None:
        if self.requests_per_second <= 0 or self.burst < 1:
            raise ValueError("rate limit needs requests_per_second > 0 and burst >= 1")


@dataclass(frozen=True)
class FaultConfig:
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    rate_limit: RateLimit | None = None
    rules: tuple[FaultRule, ...] = field(default_factory=tuple)
    seed: int = 0

    @classmethod
    def from_dict(cls, data: dict) -> FaultConfig:
        """Parse the JSON form (as POSTed to ``/_control/faults``); ValueError when malformed."""
        if not isinstance(data, dict):
            raise ValueError("fault config must be a JSON object")
        _check_keys(data, cls, "fault config")
        try:
            limit = data.get("rate_limit")
            if limit is not None:
                _check_keys(limit, RateLimit, "rate_limit")
                hosts = limit.get("hosts")
                limit = RateLimit(**{**limit, "hosts": None if hosts is None else tuple(hosts)})
            rules = []
            for rule in data.get("rules", []):
                _check_keys(rule, FaultRule, "rule")
                rules.append(FaultRule(**rule))
            return cls(
                latency_ms=float(data.get("latency_ms", 0.0)),
                jitter_ms=float(data.get("jitter_ms", 0.0)),
                rate_limit=limit,
                rules=tuple(rules),
                seed=int(data.get("seed", 0)),
            )
        except (TypeError, re.error) as exc:  # wrong value types or a bad regex
            raise ValueError(f"invalid fault config: {exc}") from exc

    def to_dict(self) -> dict:
        return asdict(self)


def _check_keys(data: object, kind: type, label: str) -> None:
    if not isinstance(data, dict):
        raise ValueError(f"{label} must be a JSON object")
    unknown = set(data) - {f.name for f in fields(kind)}
    if unknown:
        raise ValueError(f"unknown {label} keys: {', '.join(sorted(unknown))}")


@dataclass(frozen=True)
class Decision:
    """What the server does to one request: wait ``delay_s``, then either serve it normally
    (``action`` None) or apply ``action``."""

    delay_s: float = 0.0
    action: str | None = None
    status: int = 200
    retry_after: int | None = None
    label: str | None = None  # for the request log, e.g. "rate_limit" or "status:503"


class FaultEngine:
    """The stateful side of a FaultConfig (counters, generators, buckets); thread-safe."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self.configure(config or FaultConfig())

    def configure(self, config: FaultConfig) -> None:
        with self._lock:
            self.config = config
            self._jitter = random.Random(f"{config.seed}:jitter")
            self._rule_rngs = [
                random.Random(f"{config.seed}:rule:{i}") for i in range(len(config.rules))
            ]
            self._rule_counts = [0] * len(config.rules)
            self._buckets: dict[str, tuple[float, float]] = {}  # host -> (tokens, last refill)

    def decide(self, host: str, endpoint: str, path: str) -> Decision:
        with self._lock:
            config = self.config
            delay = config.latency_ms / 1000.0
            if config.jitter_ms > 0:
                delay += self._jitter.uniform(0.0, config.jitter_ms) / 1000.0
            wait = self._take_token(host)
            if wait is not None:
                limit = config.rate_limit
                retry = max(1, math.ceil(wait)) if limit and limit.retry_after else None
                return Decision(delay, "status", 429, retry, "rate_limit")
            for index, rule in enumerate(config.rules):
                if not rule.matches(host, endpoint, path):
                    continue
                self._rule_counts[index] += 1
                if rule.times is not None and self._rule_counts[index] > rule.times:
                    continue
                if rule.probability < 1.0 and self._rule_rngs[index].random() >= rule.probability:
                    continue
                if rule.action == "slow":
                    return Decision(delay + rule.delay_s, None, label=f"slow:{rule.delay_s}")
                label = f"status:{rule.status}" if rule.action == "status" else rule.action
                return Decision(delay, rule.action, rule.status, rule.retry_after, label)
            return Decision(delay)

    def _take_token(self, host: str) -> float | None:
        """None when a token was taken; else the seconds until one will be available."""
        limit = self.config.rate_limit
        if limit is None or (limit.hosts is not None and host not in limit.hosts):
            return None
        now = time.monotonic()
        tokens, last = self._buckets.get(host, (float(limit.burst), now))
        tokens = min(float(limit.burst), tokens + (now - last) * limit.requests_per_second)
        if tokens >= 1.0:
            self._buckets[host] = (tokens - 1.0, now)
            return None
        self._buckets[host] = (tokens, now)
        return (1.0 - tokens) / limit.requests_per_second
