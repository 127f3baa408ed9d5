"""A working session: the Cliniko client, the day loader, delivery, the audit
log and the clock, built from the config or from the embedded sandbox (--demo)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pydantic import SecretStr

from tui.cliniko.client import ClinikoClient
from tui.cliniko.models import User
from tui.config import Config, EmailSection, SMSSection
from tui.domain.message import DEFAULT_BODY, DEFAULT_SMS, DEFAULT_SUBJECT
from tui.paths import data_dir
from tui.redact import mask_patient_links
from tui.services.account import AccountInfo
from tui.services.audit import AuditLog
from tui.services.day_loader import DayLoader
from tui.services.delivery.email import EmailSender
from tui.services.delivery.service import DeliveryService, Templates
from tui.services.delivery.sms import TwilioSender

Clock = Callable[[], datetime]
DEMO_CONTACT = "demo@frontdesk.example"


def system_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class OutboxItem:
    channel: str
    to: str
    subject: str
    body: str  # patient links masked


@dataclass
class Session:
    client: ClinikoClient
    loader: DayLoader
    audit: AuditLog
    clock: Clock
    config: Config
    account: AccountInfo
    delivery: DeliveryService | None = None
    demo_server: object | None = None
    demo_mail: object | None = None
    user: User | None = None
    _closers: list[Callable[[], None]] = field(default_factory=list)

    async def sign_in(self) -> User:
        self.user = await self.client.current_user()
        return self.user

    def outbox(self) -> list[OutboxItem]:
        """What was delivered: the demo's catchers, else this log's sends."""
        items: list[OutboxItem] = []
        if self.demo_mail is not None:
            for mail in self.demo_mail.received:  # type: ignore[attr-defined]
                items.append(OutboxItem("email", ", ".join(mail.recipients), str(mail.message["Subject"]),
                                        mask_patient_links(mail.body("plain"))))
        if self.demo_server is not None:
            for sms in self.demo_server.sandbox.sms_outbox:  # type: ignore[attr-defined]
                items.append(OutboxItem("sms", sms["to"], "", mask_patient_links(sms["body"])))
        if self.demo_mail is None and self.demo_server is None:
            for entry in self.audit.entries():
                if entry.action == "send":
                    items.append(OutboxItem(entry.channel or "", entry.recipient or "", entry.outcome or "",
                                            f"appointment {entry.appointment_id} at {entry.at:%d %b %H:%M} UTC"))
        return items

    async def aclose(self) -> None:
        await self.client.aclose()
        for close in self._closers:
            close()
        self._closers.clear()
        self.audit.close()


def open_session(config: Config, *, clock: Clock = system_now, audit_dir: Path | None = None) -> Session:
    client = ClinikoClient(
        config.cliniko.key() or "",
        config.cliniko.contact_email,
        base_url=config.cliniko.base_url,
        requests_per_minute=config.cliniko.requests_per_minute,
        timeout=config.cliniko.timeout_seconds,
        deadline=config.cliniko.deadline_seconds,
    )
    folder = audit_dir or data_dir()
    account = AccountInfo(client)
    loader = DayLoader(client, business_id=config.cliniko.business_id, clock=clock,
                       location_cache=folder / "locations.json", account=account)
    audit = AuditLog(folder / "audit.sqlite3", clock=clock)
    session = Session(client=client, loader=loader, audit=audit, clock=clock, config=config, account=account)
    session.delivery = DeliveryService(
        client,
        audit,
        email=EmailSender(config.email) if config.email else None,
        sms=TwilioSender(config.sms) if config.sms else None,
        templates=Templates(
            email_subject=config.email.subject_template if config.email else DEFAULT_SUBJECT,
            email_body=config.email.body_template if config.email else DEFAULT_BODY,
            sms_body=config.sms.body_template if config.sms else DEFAULT_SMS,
        ),
        clock=clock,
        user=lambda: session.user,
        account=account,
    )
    return session


def open_demo_session(config: Config, *, now: datetime | None = None, latency: float = 0.0) -> Session:
    """Start the sandbox (with its SMS gateway) and a loopback SMTP server,
    and point a session at them. Nothing leaves this machine."""
    from tui.sandbox.clock import fixed_clock, system_clock
    from tui.sandbox.faults import FaultPlan
    from tui.sandbox.runner import SandboxServer
    from tui.sandbox.seed import DEMO_KEY
    from tui.sandbox.server import DEMO_SMS_SID, DEMO_SMS_TOKEN, Sandbox
    from tui.sandbox.smtp import MailCatcher

    clock = fixed_clock(now) if now is not None else system_clock
    # FRONTDESK_DEMO_PORT pins the sandbox's port, so a script can watch it
    port = int(os.environ.get("FRONTDESK_DEMO_PORT") or 0)
    server = SandboxServer(Sandbox(clock=clock, faults=FaultPlan(latency=latency)), port=port).start()
    mail = MailCatcher().start()
    cliniko = config.cliniko.model_copy(
        update={
            "api_key": SecretStr(DEMO_KEY),
            "base_url": server.base_url,
            "contact_email": DEMO_CONTACT,
            "business_id": None,  # a real clinic's location ids mean nothing here
        }
    )
    demo_config = config.model_copy(
        update={
            "cliniko": cliniko,
            "email": EmailSection(host="127.0.0.1", port=mail.port, security="none",
                                  from_address="reception@harbourhealth.example"),
            "sms": SMSSection(account_sid=DEMO_SMS_SID, auth_token=SecretStr(DEMO_SMS_TOKEN), from_number="+61290000000",
                              base_url=server.base_url.removesuffix("/v1") + "/twilio"),
        }
    )
    session = open_session(demo_config, clock=clock, audit_dir=data_dir() / "demo")
    session.demo_server = server
    session.demo_mail = mail
    session._closers += [server.stop, mail.stop]
    return session
