"""Faults the sandbox can inject: latency, random 5xx/timeouts, 429 bursts,
and scripted one-off faults aimed at a method and path."""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field

#: faults that change an otherwise correct answer (the rest replace it)
DISTORTIONS = {
    "unknown_fields", "null_flag", "missing_optional", "foreign_next",
    "endless_next", "endless_pages", "huge_total", "lose_next", "short_list", "next_drops_filters",
}
KINDS = DISTORTIONS | {
    "500", "502", "503", "timeout", "reset", "truncated", "not_json", "html",
    "429_reset", "429_retry_after", "429_none", "401", "403", "404", "slow",
    # hostile: a server that misbehaves on purpose
    "slowloris", "gzip_bomb", "huge_body",
    "429_retry_after_inf", "429_reset_inf", "429_retry_after_text", "429_reset_far",
}


@dataclass
class ScriptedFault:
    kind: str
    path: re.Pattern[str]
    method: str
    times: int


@dataclass
class FaultPlan:
    latency: float = 0.0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_seconds: float = 30.0
    #: the slowloris fault's pause between bytes
    trickle_seconds: float = 2.0
    burst_429: int = 0
    seed: int = 11
    scripted: list[ScriptedFault] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()

    def add(self, kind: str, path: str = ".*", method: str = "GET", times: int = 1) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}")
        with self._lock:
            self.scripted.append(ScriptedFault(kind, re.compile(path), method.upper(), times))

    def clear(self) -> None:
        with self._lock:
            self.scripted.clear()
            self.burst_429 = 0

    def pick(self, method: str, path: str) -> str | None:
        with self._lock:
            for fault in self.scripted:
                if fault.times > 0 and fault.method == method and fault.path.search(path):
                    fault.times -= 1
                    if fault.times == 0:
                        self.scripted.remove(fault)
                    return fault.kind
            if self.burst_429 > 0:
                self.burst_429 -= 1
                return "429_reset"
            if self.timeout_rate and self._rng.random() < self.timeout_rate:
                return "timeout"
            if self.error_rate and self._rng.random() < self.error_rate:
                return "503"
        return None
