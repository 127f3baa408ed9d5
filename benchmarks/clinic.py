"""The benchmarks' clinic: the sandbox in its own process (as Cliniko
would be), sized and slowed as asked, and a session against it."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NOW = "2026-11-24T10:05:00+11:00"
DAY = date(2026, 11, 24)
NOW_UTC = datetime(2026, 11, 23, 23, 5, tzinfo=timezone.utc)
CONTACT = "bench@frontdesk.example"
KEY_REPEAT = 1 / 30  # a held-down key repeats about 30 times a second


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SandboxProcess:
    def __init__(self, individual: int, groups: int, latency: float) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "frontdesk", "sandbox", "--port", str(self.port), "--now", NOW,
             "--latency", str(latency), "--individual", str(individual), "--groups", str(groups),
             "--rate-limit", "100000"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.post(f"http://127.0.0.1:{self.port}/_sandbox/stats", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("sandbox did not start")

    def requests(self, reset: bool = True) -> int:
        import httpx

        method = httpx.post if reset else httpx.get
        return method(f"http://127.0.0.1:{self.port}/_sandbox/stats", timeout=5).json()["requests"]

    def round_trips(self) -> int:
        """Sequential waves of requests since the last reset (and reset)."""
        import httpx

        return httpx.post(f"http://127.0.0.1:{self.port}/_sandbox/stats", timeout=5).json()["round_trips"]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def env_for(sandbox: SandboxProcess, tmp: Path) -> dict[str, str]:
    from frontdesk.sandbox.seed import DEMO_KEY

    return os.environ | {
        "CLINIKO_API_KEY": DEMO_KEY, "CLINIKO_BASE_URL": sandbox.base_url, "FRONTDESK_CONTACT_EMAIL": CONTACT,
        "FRONTDESK_CONFIG": str(tmp / "none.toml"), "FRONTDESK_DATA_DIR": str(tmp / "data"),
    }


def make_session(sandbox: SandboxProcess, tmp: Path):
    from frontdesk.cliniko.governor import RateGovernor
    from frontdesk.config import Config
    from frontdesk.sandbox.clock import fixed_clock
    from frontdesk.sandbox.seed import DEMO_KEY
    from frontdesk.services.session import open_session

    config = Config.model_validate(
        {"cliniko": {"api_key": DEMO_KEY, "contact_email": CONTACT, "base_url": sandbox.base_url}})
    session = open_session(config, clock=fixed_clock(NOW_UTC), audit_dir=tmp)
    session.client.governor = RateGovernor(limit=100_000)
    return session, config


async def jobs_done(app) -> None:
    """Until every job of *app* has ended (what ``wait_for_complete`` waits
    for), counting one cancelled by a newer job of its exclusive group as
    ended rather than raising."""
    from textual.worker import WorkerCancelled

    while unfinished := [w for w in app.workers if not w.is_finished]:
        results = await asyncio.gather(*(w.wait() for w in unfinished if w.is_running), return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException) and not isinstance(r, WorkerCancelled)]
        if failed:
            raise failed[0]
        await asyncio.sleep(0.001)
