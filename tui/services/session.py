"""A working session: the Cliniko client, the day loader, the audit log and
the clock, built from the config or from the embedded sandbox (--demo)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from tui.cliniko.client import ClinikoClient
from tui.cliniko.models import User
from tui.cliniko.shard import parse_key
from tui.config import Config
from tui.paths import data_dir
from tui.redact import key_hint
from tui.services.audit import AuditLog
from tui.services.day_loader import DayLoader

Clock = Callable[[], datetime]
DEMO_CONTACT = "demo@frontdesk.example"


def system_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Session:
    client: ClinikoClient
    loader: DayLoader
    audit: AuditLog
    clock: Clock
    key_label: str
    config: Config
    demo_server: object | None = None
    user: User | None = None

    async def sign_in(self) -> User:
        self.user = await self.client.current_user()
        return self.user

    async def aclose(self) -> None:
        await self.client.aclose()
        if self.demo_server is not None:
            self.demo_server.stop()  # type: ignore[attr-defined]
            self.demo_server = None


def open_session(config: Config, *, clock: Clock = system_now, audit_dir: Path | None = None) -> Session:
    key = config.cliniko.api_key or ""
    client = ClinikoClient(
        key,
        config.cliniko.contact_email,
        base_url=config.cliniko.base_url,
        requests_per_minute=config.cliniko.requests_per_minute,
        timeout=config.cliniko.timeout_seconds,
    )
    loader = DayLoader(client, business_id=config.cliniko.business_id, clock=clock)
    audit = AuditLog((audit_dir or data_dir()) / "audit.sqlite3", clock=clock)
    label = f"key {key_hint(key)} on shard {parse_key(key).shard}"
    return Session(client=client, loader=loader, audit=audit, clock=clock, key_label=label, config=config)


def open_demo_session(config: Config, *, now: datetime | None = None, latency: float = 0.0) -> Session:
    """Start the sandbox on loopback and point a session at it."""
    from tui.sandbox.clock import fixed_clock, system_clock
    from tui.sandbox.faults import FaultPlan
    from tui.sandbox.runner import SandboxServer
    from tui.sandbox.seed import DEMO_KEY
    from tui.sandbox.server import Sandbox

    clock = fixed_clock(now) if now is not None else system_clock
    server = SandboxServer(Sandbox(clock=clock, faults=FaultPlan(latency=latency))).start()
    demo_config = config.model_copy(
        update={
            "cliniko": config.cliniko.model_copy(
                update={
                    "api_key": DEMO_KEY,
                    "base_url": server.base_url,
                    "contact_email": DEMO_CONTACT,
                    "business_id": None,  # a real clinic's location ids mean nothing here
                }
            )
        }
    )
    session = open_session(demo_config, clock=clock, audit_dir=data_dir() / "demo")
    session.demo_server = server
    session.key_label = "demo sandbox (no real patients)"
    return session
