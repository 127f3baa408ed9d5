"""``--demo``: the CLI's wiring of a session to the embedded sandbox (with
its SMS gateway) and a loopback SMTP server. Nothing leaves this machine.
The only place outside the sandbox itself that imports it."""

from __future__ import annotations

import os
from datetime import datetime, timezone

from pydantic import SecretStr

from frontdesk.config import Config, EmailSection, SMSSection
from frontdesk.domain.contact import mask_email, mask_phone
from frontdesk.paths import data_dir
from frontdesk.redact import mask_patient_links
from frontdesk.sandbox.clock import fixed_clock, system_clock
from frontdesk.sandbox.faults import FaultPlan
from frontdesk.sandbox.live import live_store
from frontdesk.sandbox.runner import SandboxServer
from frontdesk.sandbox.seed import DEMO_KEY
from frontdesk.sandbox.server import DEMO_SMS_SID, DEMO_SMS_TOKEN, Sandbox
from frontdesk.sandbox.smtp import MailCatcher
from frontdesk.services.session import OutboxItem, Session, open_session

DEMO_CONTACT = "demo@frontdesk.example"


def open_demo_session(config: Config, *, now: datetime | None = None, latency: float = 0.0) -> Session:
    clock = fixed_clock(now) if now is not None else system_clock
    # FRONTDESK_DEMO_PORT pins the sandbox's port, so a script can watch it
    port = int(os.environ.get("FRONTDESK_DEMO_PORT") or 0)
    # without --now the day is built around this moment, so it is live at any hour
    store = live_store(clock()) if now is None else None
    server = SandboxServer(Sandbox(clock=clock, faults=FaultPlan(latency=latency), store=store), port=port).start()
    mail = MailCatcher(clock=clock).start()
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
            "sms": SMSSection(account_sid=DEMO_SMS_SID, auth_token=SecretStr(DEMO_SMS_TOKEN),
                              from_number="+61290000000", base_url=server.base_url.removesuffix("/v1") + "/twilio"),
        }
    )
    session = open_session(demo_config, clock=clock, audit_dir=data_dir() / "demo")
    session.demo = True

    def who(address: str) -> str:
        for patient in server.sandbox.store.patients.values():
            numbers = {"+" + p.get("normalized_number", "") for p in patient.get("patient_phone_numbers") or []}
            if address == patient.get("email") or address in numbers:
                first = patient.get("preferred_first_name") or patient.get("first_name") or ""
                return f"{first} {patient.get('last_name') or ''}".strip()  # as the console names them
        return "a patient"

    def delivered() -> list[OutboxItem]:
        items = [OutboxItem("email", ", ".join(mask_email(r) for r in m.recipients), who(m.recipients[0]), m.at,
                            str(m.message["Subject"]), mask_patient_links(m.body("plain"))) for m in mail.received]
        items += [OutboxItem("sms", mask_phone(sms["to"]), who(sms["to"]), datetime.fromisoformat(
                  sms["date_created"].replace("Z", "+00:00")), "", mask_patient_links(sms["body"]))
                  for sms in server.sandbox.sms_outbox]
        return sorted(items, key=lambda item: item.at or datetime.min.replace(tzinfo=timezone.utc), reverse=True)

    session.delivered = delivered
    session._closers += [server.stop, mail.stop]
    return session
