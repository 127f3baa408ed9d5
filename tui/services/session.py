"""A working session: the Cliniko client, the day loader, delivery, the audit
log and the clock, built from the config. (``--demo`` builds one on the
embedded sandbox in :mod:`frontdesk.demo`; nothing here knows the sandbox.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime, timezone
from pathlib import Path

from frontdesk.cliniko.client import ClinikoClient
from frontdesk.cliniko.models import User
from frontdesk.config import Config
from frontdesk.domain.clock import current as current_clock
from frontdesk.domain.clock import style_for, use_clock
from frontdesk.domain.contact import Channel
from frontdesk.domain.terms import use_term
from frontdesk.domain.message import DEFAULT_BODY, DEFAULT_SMS, DEFAULT_SUBJECT
from frontdesk.paths import data_dir
from frontdesk.services.account import AccountInfo
from frontdesk.services.arrivals import Arrivals
from frontdesk.services.audit import AuditLog, outcome_words
from frontdesk.services.day_loader import DayLoader
from frontdesk.services.shared_claims import SharedClaims
from frontdesk.services.desk import desk_id
from frontdesk.services.lookup import PatientLookup
from frontdesk.services.delivery.email import EmailSender
from frontdesk.services.delivery.service import DeliveryService, Templates
from frontdesk.services.delivery.sms import TwilioSender

Clock = Callable[[], datetime]


def system_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class OutboxItem:
    """One message that went out, as staff may see it: recipient masked,
    patient links masked."""

    channel: str
    to: str  # masked
    patient: str
    at: datetime | None
    subject: str
    body: str  # what was sent (links masked), or what became of it


@dataclass
class Session:
    client: ClinikoClient
    loader: DayLoader
    audit: AuditLog
    clock: Clock
    config: Config
    account: AccountInfo
    delivery: DeliveryService | None = None
    #: a demo session on the embedded sandbox (the header says so)
    demo: bool = False
    #: what the demo's loopback mail and SMS catchers received (the outbox)
    delivered: Callable[[], list[OutboxItem]] | None = None
    user: User | None = None
    #: this desk's id, named in the memos it posts (see frontdesk.services.desk)
    desk: str | None = None
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def channels(self) -> tuple[Channel, ...]:
        """The delivery channels set up (none when delivery is not)."""
        return tuple(self.delivery.configured()) if self.delivery else ()

    @property
    def arrivals(self) -> Arrivals:
        return Arrivals(self.client, self.audit)

    @cached_property
    def lookup(self) -> PatientLookup:
        """One per session: it keeps the coming days' patients for phone searches."""
        return PatientLookup(self.client, self.loader, self.audit, self.desk)

    def apply_account_ways(self) -> bool:
        """Write times and name people the clinic's way: ``[ui] clock``,
        else the account's country, and its word for patients, once the
        account is known. True when that changed what the screen says."""
        account = self.account.known
        style = style_for(account.country_code if account else None, self.config.ui.clock)
        renamed = use_term(account.patient_term if account else None)
        if style == current_clock():
            return renamed
        use_clock(style)
        return True

    async def sign_in(self) -> User:
        self.user = await self.client.current_user()
        return self.user

    def outbox(self) -> list[OutboxItem]:
        """What was delivered: the demo's catchers, else this log's sends;
        either way with the sends cut off while delivering (they may have
        reached the patient)."""
        sends = [entry for entry in self.audit.entries() if entry.action == "send"]
        if self.delivered is not None:
            sends = [entry for entry in sends if entry.unfinished]
        logged = [OutboxItem(entry.channel or "", entry.recipient or "", entry.patient_name or "a patient", entry.at,
                             "", outcome_words(entry)) for entry in sends]
        if self.delivered is None:
            return logged
        return sorted(self.delivered() + logged, key=lambda item: item.at or datetime.min.replace(tzinfo=timezone.utc),
                      reverse=True)

    async def aclose(self) -> None:
        await self.client.aclose()
        for close in self._closers:
            close()
        self._closers.clear()
        self.audit.close()


def open_session(config: Config, *, clock: Clock = system_now, audit_dir: Path | None = None,
                 client_options: dict[str, Any] | None = None) -> Session:
    """*client_options* go to :class:`ClinikoClient` as given (tests use
    short timeouts and instant back-off sleeps)."""
    options: dict[str, Any] = dict(
        base_url=config.cliniko.base_url,
        requests_per_minute=config.cliniko.requests_per_minute,
        timeout=config.cliniko.timeout_seconds,
        deadline=config.cliniko.deadline_seconds,
    )
    options.update(client_options or {})
    client = ClinikoClient(config.cliniko.key() or "", config.cliniko.contact_email, **options)
    folder = audit_dir or data_dir()
    account = AccountInfo(client)
    loader = DayLoader(client, business_id=config.cliniko.business_id, clock=clock,
                       location_cache=folder / "locations.json", account=account)
    audit = AuditLog(folder / "audit.sqlite3", clock=clock)
    desk = desk_id(folder)
    session = Session(client=client, loader=loader, audit=audit, clock=clock, config=config, account=account,
                      desk=desk)
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
        desk=desk,
        shared=SharedClaims(Path(config.audit.shared_dir), clock) if config.audit.shared_dir else None,
    )
    session.apply_account_ways()  # [ui] clock at once; the account's country once it is read
    return session
