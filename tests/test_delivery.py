"""Guarded delivery: real SMTP (aiosmtpd) and the fake Twilio gateway on
loopback, the memo in the sandbox, and the audit log."""

import socket
import sqlite3
from datetime import timedelta

import pytest

from frontdesk.config import EmailSection, SMSSection
from frontdesk.domain.links import LinkRefused, PatientLink, PractitionerLink
from frontdesk.domain.message import DEFAULT_BODY, DEFAULT_SMS, DEFAULT_SUBJECT
from frontdesk.sandbox.server import DEMO_SMS_SID, DEMO_SMS_TOKEN
from frontdesk.sandbox.smtp import MailCatcher
from frontdesk.services.audit import AuditLog
from frontdesk.services.day_loader import DayLoader
from frontdesk.services.delivery.email import EmailSender
from frontdesk.services.delivery.errors import AlreadySent, ChannelFailed, SendRefused
from frontdesk.services.delivery.service import DeliveryService, Templates
from frontdesk.services.delivery.sms import TwilioSender

from conftest import NOW

SMTP_PASSWORD = "smtp-Secret-Pa55"


@pytest.fixture
def mail():  # this module's catcher checks the login
    with MailCatcher(username="desk", password=SMTP_PASSWORD) as catcher:
        yield catcher


@pytest.fixture
def setup(client, sandbox, server, mail, tmp_path, clock, monkeypatch):
    monkeypatch.setenv("FD_SMTP_PASSWORD", SMTP_PASSWORD)
    email = EmailSection(host="127.0.0.1", port=mail.port, security="none", username="desk",
                         password_env="FD_SMTP_PASSWORD", from_address="reception@harbour.example", timeout_seconds=3)
    sms = SMSSection(account_sid=DEMO_SMS_SID, auth_token=DEMO_SMS_TOKEN, from_number="+61290000000",
                     base_url=server.base_url.removesuffix("/v1") + "/twilio", timeout_seconds=3)
    audit = AuditLog(tmp_path / "audit.sqlite3", clock=clock)
    user = [None]

    async def sign_in():
        user[0] = await client.current_user()

    service = DeliveryService(
        client, audit, email=EmailSender(email), sms=TwilioSender(sms),
        templates=Templates(DEFAULT_SUBJECT, DEFAULT_BODY, DEFAULT_SMS), clock=clock, user=lambda: user[0],
    )
    service.sign_in = sign_in
    return service


async def _day(client, clock):
    return await DayLoader(client, clock=clock).load(NOW.date() + timedelta(days=1))


def _pick(day, predicate):
    for view in day.views():
        for a in view.attendees:
            if predicate(view, a):
                return view, a
    raise LookupError


def _eligible(view, a, channel="email"):
    if not view.decision(a, NOW).allowed:
        return False
    return bool(a.patient.email) if channel == "email" else a.patient.mobile is not None


async def test_email_delivered_with_memo_and_audit(setup, client, clock, sandbox, mail, tmp_path):
    await setup.sign_in()
    day = await _day(client, clock)
    view, a = _pick(day, _eligible)
    outcome = await setup.send(a.link, "email", kind=view.kind, practitioner=view.practitioner_name)
    assert outcome.memo_error is None and outcome.memo_id
    [received] = mail.received
    assert received.recipients == [a.patient.email]
    msg = received.message
    assert msg["From"] == "reception@harbour.example" and msg["To"] == a.patient.email
    assert msg["Subject"].startswith("Your Telehealth appointment on ")
    assert msg["Message-ID"]
    plain, html = received.body("plain"), received.body("html")
    first = a.patient.preferred_first_name or a.patient.first_name
    assert a.link.url in plain and f'href="{a.link.url}"' in html
    assert f"Hi {first}," in plain and view.practitioner_name in plain
    assert view.appointment.practitioner_id and view.practitioner_link.url not in plain + html
    [memo] = sandbox.memos()
    assert (memo["category_code"], memo["type_code"], memo["direction_code"]) == (12, 2, 1)
    assert memo["to"] == a.patient.email and memo["patient_id"] == a.patient.id
    assert "/c/" not in memo["content"] and a.link.url.rsplit("/", 1)[1] not in memo["content"]
    assert "Rosa Delgado" in memo["content"] and "frontdesk" in memo["content"]
    rows = sqlite3.connect(tmp_path / "audit.sqlite3").execute(
        "SELECT action, channel, recipient, outcome, memo_id, link_fingerprint FROM audit").fetchall()
    assert rows == [("send", "email", outcome.recipient, "sent", memo["id"], a.link.fingerprint())]
    assert "•••@" in outcome.recipient


async def test_sms_delivered_through_the_gateway(setup, client, clock, sandbox):
    await setup.sign_in()
    day = await _day(client, clock)
    view, a = _pick(day, lambda v, a: _eligible(v, a, "sms"))
    outcome = await setup.send(a.link, "sms", kind=view.kind, practitioner=view.practitioner_name)
    [sms] = sandbox.sms_outbox
    assert sms["to"].startswith("+61") and sms["from"] == "+61290000000"
    assert a.link.url in sms["body"]
    [memo] = sandbox.memos()
    assert (memo["type_code"], memo["direction_code"]) == (1, 1) and memo["to"] == sms["to"]
    assert outcome.recipient.startswith("+61 ") and "•" in outcome.recipient


async def test_only_patient_links_are_accepted(setup, client, clock, sandbox, mail):
    day = await _day(client, clock)
    view, a = _pick(day, _eligible)
    with pytest.raises(TypeError):
        await setup.send(view.practitioner_link, "email", kind=view.kind, practitioner="x")
    with pytest.raises(LinkRefused):  # a patient link cannot even be dressed up as one
        PractitionerLink(url=a.link.url, appointment_id=view.id)
    # a well-formed patient link of another Cliniko account: the service checks the host again
    other = PatientLink(url=a.link.url.replace("harbourhealth.", "otherclinic."), appointment_id=view.id,
                        attendee_id=a.attendee.id)
    with pytest.raises(SendRefused, match="not a Cliniko patient link"):
        await setup.send(other, "email", kind=view.kind, practitioner="x")
    assert mail.received == [] and sandbox.memos() == []


@pytest.mark.parametrize("state, words", [("off", "Telehealth is off"), ("unknown", "Telehealth setting unknown")])
async def test_the_service_refuses_non_telehealth_types(setup, client, clock, sandbox, mail, state, words):
    day = await _day(client, clock)
    view, a = _pick(day, lambda v, a: v.telehealth == state and a.patient and a.patient.email and v.appointment.ends_at > NOW)
    with pytest.raises(SendRefused, match=words):
        await setup.send(a.link, "email", kind=view.kind, practitioner="x")
    assert mail.received == [] and sandbox.memos() == [] and sandbox.sms_outbox == []


async def test_type_switched_off_between_load_and_send(setup, client, clock, sandbox, mail):
    day = await _day(client, clock)
    view, a = _pick(day, _eligible)
    sandbox.set_telehealth(view.appointment.appointment_type_id, False)
    with pytest.raises(SendRefused, match="Telehealth is off"):
        await setup.send(a.link, "email", kind=view.kind, practitioner="x")
    sandbox.set_telehealth(view.appointment.appointment_type_id, None)
    with pytest.raises(SendRefused, match="unknown"):
        await setup.send(a.link, "email", kind=view.kind, practitioner="x")
    assert mail.received == [] and sandbox.memos() == []


async def test_cancelled_between_load_and_send(setup, client, clock, sandbox, mail):
    day = await _day(client, clock)
    view, a = _pick(day, lambda v, a: _eligible(v, a) and v.kind == "individual")
    sandbox.cancel_appointment(view.id)
    with pytest.raises(SendRefused, match="Appointment cancelled"):
        await setup.send(a.link, "email", kind=view.kind, practitioner="x")
    assert mail.received == []


async def test_group_attendee_cancelled_or_removed(setup, client, clock, sandbox, mail):
    day = await _day(client, clock)
    view, a = _pick(day, lambda v, a: _eligible(v, a) and v.kind == "group")
    row = sandbox.store.attendees[a.attendee.id]
    row["cancelled_at"] = "2026-11-23T22:00:00Z"
    with pytest.raises(SendRefused, match="Attendee cancelled"):
        await setup.send(a.link, "email", kind="group", practitioner="x")
    # Cliniko hides archived rows by id too; the re-read asks for them, so
    # the refusal names the real reason rather than "not found"
    row["cancelled_at"], row["archived_at"] = None, "2026-11-23T22:00:00Z"
    with pytest.raises(SendRefused, match="Not sent: Attendee archived"):
        await setup.send(a.link, "email", kind="group", practitioner="x")
    row["archived_at"] = None
    del sandbox.store.attendees[a.attendee.id]
    with pytest.raises(SendRefused, match="Not sent: Cliniko has no attendee"):
        await setup.send(a.link, "email", kind="group", practitioner="x")
    assert mail.received == []


async def test_reread_failure_fails_closed(setup, client, clock, sandbox, mail):
    day = await _day(client, clock)
    view, a = _pick(day, _eligible)
    client.retries = 0
    sandbox.faults.add("503", path="/appointment_types/", times=1)
    with pytest.raises(SendRefused, match="could not re-check"):
        await setup.send(a.link, "email", kind=view.kind, practitioner="x")
    sandbox.faults.add("html", path="/attendees/", times=1)
    with pytest.raises(SendRefused, match="Not sent"):
        await setup.send(a.link, "email", kind=view.kind, practitioner="x")
    assert mail.received == [] and sandbox.memos() == []


async def test_smtp_refusal_and_timeout_send_no_memo_and_audit_failed(setup, client, clock, sandbox, mail, tmp_path):
    day = await _day(client, clock)
    view, a = _pick(day, _eligible)
    mail.refuse.add(a.patient.email)
    with pytest.raises(ChannelFailed, match="refused the patient's address"):
        await setup.send(a.link, "email", kind=view.kind, practitioner="x")
    mail.refuse.clear()
    with socket.socket() as silent:  # accepts the connection, never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        setup.email.section = setup.email.section.model_copy(
            update={"port": silent.getsockname()[1], "timeout_seconds": 0.5})
        with pytest.raises(ChannelFailed, match="did not answer in time|did not take"):
            await setup.send(a.link, "email", kind=view.kind, practitioner="x")
    setup.email.section = setup.email.section.model_copy(update={"port": 9})
    with pytest.raises(ChannelFailed):
        await setup.send(a.link, "email", kind=view.kind, practitioner="x")
    assert sandbox.memos() == []
    outcomes = [r[0] for r in sqlite3.connect(tmp_path / "audit.sqlite3").execute("SELECT outcome FROM audit")]
    assert outcomes == ["failed", "failed", "failed"]


async def test_smtp_wrong_password(setup, client, clock, mail, monkeypatch):
    monkeypatch.setenv("FD_SMTP_PASSWORD", "wrong")
    day = await _day(client, clock)
    view, a = _pick(day, _eligible)
    with pytest.raises(ChannelFailed, match="refused frontdesk's login") as err:
        await setup.send(a.link, "email", kind=view.kind, practitioner="x")
    assert "wrong" not in str(err.value) and SMTP_PASSWORD not in str(err.value)
    assert mail.received == []


async def test_gateway_errors(setup, client, clock, sandbox):
    day = await _day(client, clock)
    view, a = _pick(day, lambda v, a: _eligible(v, a, "sms"))
    sandbox.faults.add("500", path="/twilio/", method="POST", times=1)
    with pytest.raises(ChannelFailed, match="refused the message \\(500"):
        await setup.send(a.link, "sms", kind=view.kind, practitioner="x")
    sandbox.sms_credentials[DEMO_SMS_SID] = "rotated"
    with pytest.raises(ChannelFailed, match="credentials") as err:
        await setup.send(a.link, "sms", kind=view.kind, practitioner="x")
    assert DEMO_SMS_TOKEN not in str(err.value)
    assert sandbox.sms_outbox == [] and sandbox.memos() == []


async def test_memo_failure_after_delivery_is_recorded_not_resent(setup, client, clock, sandbox, mail, tmp_path):
    day = await _day(client, clock)
    view, a = _pick(day, _eligible)
    sandbox.faults.add("503", path="/communications", method="POST", times=1)
    outcome = await setup.send(a.link, "email", kind=view.kind, practitioner="x")
    assert outcome.memo_id is None and "did not record the memo" in outcome.memo_error
    assert len(mail.received) == 1 and sandbox.memos() == []
    posts = [r for r in sandbox.requests if r.method == "POST" and r.path == "/v1/communications"]
    assert len(posts) == 1  # never retried
    [(outcome_text,)] = sqlite3.connect(tmp_path / "audit.sqlite3").execute("SELECT outcome FROM audit")
    assert outcome_text == "sent; memo failed"


async def test_double_send_needs_explicit_confirmation(setup, client, clock, mail):
    await setup.sign_in()
    day = await _day(client, clock)
    view, a = _pick(day, _eligible)
    await setup.send(a.link, "email", kind=view.kind, practitioner="x")
    with pytest.raises(AlreadySent) as err:
        await setup.send(a.link, "email", kind=view.kind, practitioner="x")
    assert err.value.who == "Rosa Delgado"
    assert len(mail.received) == 1
    await setup.send(a.link, "email", kind=view.kind, practitioner="x", confirm_repeat=True)
    assert len(mail.received) == 2


async def test_changed_link_is_refused(setup, client, clock, mail):
    day = await _day(client, clock)
    view, a = _pick(day, _eligible)
    stale = PatientLink(url=a.link.url[:-3] + "xyz", appointment_id=view.id, attendee_id=a.attendee.id)
    with pytest.raises(SendRefused, match="link changed"):
        await setup.send(stale, "email", kind=view.kind, practitioner="x")
    assert mail.received == []


async def test_concurrent_second_send_does_nothing(setup, client, clock, mail):
    import asyncio

    day = await _day(client, clock)
    view, a = _pick(day, _eligible)
    results = await asyncio.gather(
        setup.send(a.link, "email", kind=view.kind, practitioner="x"),
        setup.send(a.link, "email", kind=view.kind, practitioner="x"),
        return_exceptions=True,
    )
    assert sum(isinstance(r, SendRefused) for r in results) == 1
    assert len(mail.received) == 1


async def test_audit_log_never_holds_a_link_or_credential(setup, client, clock, mail, tmp_path, sandbox):
    await setup.sign_in()
    day = await _day(client, clock)
    sent = []
    for view in day.views():
        for a in view.attendees:
            if _eligible(view, a) and len(sent) < 3:
                await setup.send(a.link, "email", kind=view.kind, practitioner=view.practitioner_name)
                sent.append(a.link.url)
    dump = (tmp_path / "audit.sqlite3").read_bytes()
    for url in sent:
        assert url.rsplit("/", 1)[1].encode() not in dump
    for secret in (SMTP_PASSWORD, DEMO_SMS_TOKEN):
        assert secret.encode() not in dump
