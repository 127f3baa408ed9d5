"""Shared fixtures: a fixed clock, the seeded sandbox over loopback HTTP,
clients with their own rate governor, and an isolated config/data dir."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from pathlib import Path

import pytest

from frontdesk.cliniko.client import ClinikoClient
from frontdesk.cliniko.governor import RateGovernor
from frontdesk.sandbox.clock import fixed_clock
from frontdesk.sandbox.runner import SandboxServer
from frontdesk.sandbox.seed import DEMO_KEY, SANDBOX_KEYS
from frontdesk.sandbox.server import Sandbox

# Tuesday 24 Nov 2026, 10:05 in Sydney (AEDT, UTC+11)
NOW = datetime(2026, 11, 23, 23, 5, tzinfo=timezone.utc)
CONTACT = "it@harbourhealth.example"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def clock_style_per_test():
    """How times are written and patients named is one per process (like a
    locale): each test starts on the default, whatever the last account set."""
    from frontdesk.domain.clock import ClockStyle, use_clock
    from frontdesk.domain.terms import use_term

    use_clock(ClockStyle())
    use_term(None)
    yield
    use_clock(ClockStyle())
    use_term(None)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Never read or write the developer's real config or audit log."""
    monkeypatch.setenv("FRONTDESK_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("FRONTDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FRONTDESK_SYSTEM_CONFIG", str(tmp_path / "etc" / "config.toml"))
    for var in ("CLINIKO_API_KEY", "CLINIKO_BASE_URL", "FRONTDESK_CONTACT_EMAIL", "NO_COLOR", "TMUX", "STY",
                "SSH_CONNECTION", "SSH_CLIENT"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


@pytest.fixture
def clock():
    return fixed_clock(NOW)


@pytest.fixture
def sandbox(clock):
    return Sandbox(clock=clock)


@pytest.fixture
def server(sandbox):
    with SandboxServer(sandbox) as running:
        yield running


@pytest.fixture
def make_client(server):
    """Clients against the loopback sandbox; each with a fresh governor and
    instant (recorded) back-off sleeps so retry tests run fast."""
    made: list[ClinikoClient] = []
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    def factory(key: str = DEMO_KEY, **kwargs) -> ClinikoClient:
        kwargs.setdefault("governor", RateGovernor(limit=200))
        kwargs.setdefault("sleep", fake_sleep)
        kwargs.setdefault("base_url", server.base_url)
        client = ClinikoClient(key, kwargs.pop("contact", CONTACT), **kwargs)
        made.append(client)
        return client

    factory.sleeps = sleeps  # type: ignore[attr-defined]
    yield factory


@pytest.fixture
def client(make_client):
    return make_client()


@pytest.fixture
def admin_key():
    return SANDBOX_KEYS["administrator"]


@pytest.fixture
def debug_logs(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


# -- console fixtures -----------------------------------------------------------

import pytest_textual_snapshot  # noqa: E402

from frontdesk.config import Config, UISection  # noqa: E402
from frontdesk.services.session import open_session  # noqa: E402


class _SnapshotsAtTopLevel(pytest_textual_snapshot.SVGImageExtension):
    """Keep SVG baselines in the top-level snapshots/ folder."""

    @classmethod
    def dirname(cls, *, test_location):  # type: ignore[override]
        return str(ROOT / "snapshots" / test_location.basename)


@pytest.fixture(autouse=True)
def snapshots_at_top_level(monkeypatch):
    monkeypatch.setattr(pytest_textual_snapshot, "SVGImageExtension", _SnapshotsAtTopLevel)


def console_config(server, mail=None, key=DEMO_KEY, **ui) -> Config:
    from pydantic import SecretStr

    from frontdesk.config import EmailSection, SMSSection
    from frontdesk.sandbox.server import DEMO_SMS_SID, DEMO_SMS_TOKEN

    config = Config()
    cliniko = config.cliniko.model_copy(update={"api_key": SecretStr(key), "contact_email": CONTACT,
                                                "base_url": server.base_url})
    update = {"cliniko": cliniko, "ui": UISection(**ui)}
    if mail is not None:
        update["email"] = EmailSection(host="127.0.0.1", port=mail.port, security="none",
                                       from_address="reception@harbour.example", timeout_seconds=3)
        update["sms"] = SMSSection(account_sid=DEMO_SMS_SID, auth_token=SecretStr(DEMO_SMS_TOKEN), from_number="+61290000000",
                                   base_url=server.base_url.removesuffix("/v1") + "/twilio", timeout_seconds=3)
    return config.model_copy(update=update)


@pytest.fixture
def mail():
    from frontdesk.sandbox.smtp import MailCatcher

    with MailCatcher() as catcher:
        yield catcher


@pytest.fixture
def make_app(server, clock, tmp_path, mail):
    """A console on the loopback sandbox with the fixed clock; email to a
    loopback SMTP catcher and SMS to the sandbox's gateway."""
    from frontdesk.app import FrontdeskApp

    def factory(channels=True, key=DEMO_KEY, client_options=None, **ui):
        ui.setdefault("idle_lock_seconds", 0)
        config = console_config(server, mail if channels else None, key, **ui)
        options = {"governor": RateGovernor(limit=200), **(client_options or {})}
        session = open_session(config, clock=clock, client_options=options)
        return FrontdeskApp(config, config_path=tmp_path / "config" / "config.toml", session=session)

    return factory


async def settle(pilot) -> None:
    """Let workers finish and the screen catch up. A job that a newer one
    of its exclusive group cancelled (a second read of this desk's sends)
    has ended too; one that failed still fails the test."""
    from textual.worker import WorkerCancelled, WorkerState

    for _ in range(2):
        await pilot.pause()
        while running := [w for w in pilot.app.workers if not w.is_finished]:
            try:
                await asyncio.gather(*(w.wait() for w in running if w.state is not WorkerState.PENDING))
            except WorkerCancelled:
                pass
            await asyncio.sleep(0)
    await pilot.pause()


def pytest_terminal_summary(terminalreporter):
    """Print the fault × phase matrix when the fault tests ran."""
    import test_fault_matrix

    if not test_fault_matrix.MATRIX:
        return
    text = test_fault_matrix.write_report(ROOT / "fault-matrix.md")
    terminalreporter.write_sep("=", "fault matrix: fault × phase → outcome")
    terminalreporter.write(text)
