"""The morning sweep, from the outside: over the seeded day on the loopback
sandbox, real SMTP (aiosmtpd) and the sandbox's SMS gateway. Exactly the
eligible, not-yet-sent patients get one message each (counted in the mail
server, the SMS outbox and Cliniko's memos); the rest are left out with
their reason; one failing recipient and a 429 do not stop it; two windows
sweeping at once send nothing twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from conftest import NOW
from frontdesk.cli import main
from frontdesk.config import EmailSection, SMSSection
from frontdesk.domain.clock import date_and_time
from frontdesk.domain.message import DEFAULT_BODY, DEFAULT_SMS, DEFAULT_SUBJECT
from frontdesk.sandbox.server import DEMO_SMS_SID, DEMO_SMS_TOKEN
from frontdesk.sandbox.smtp import MailCatcher
from frontdesk.services.audit import AuditLog
from frontdesk.services.day_loader import DayLoader
from frontdesk.services.delivery.email import EmailSender
from frontdesk.services.delivery.service import DeliveryService, Templates
from frontdesk.services.delivery.sms import TwilioSender
from frontdesk.services.sweep import FAILED, NOT_SENT, SENT, plan_sweep, run_sweep

NO_PACE = {"sms": 0.0, "email": 0.0}


@pytest.fixture
def mail():
    with MailCatcher() as catcher:
        yield catcher


def _delivery(client, server, mail, audit_path, clock, user):
    email = EmailSection(host="127.0.0.1", port=mail.port, security="none", from_address="desk@harbour.example",
                         timeout_seconds=3)
    sms = SMSSection(account_sid=DEMO_SMS_SID, auth_token=DEMO_SMS_TOKEN, from_number="+61290000000",
                     base_url=server.base_url.removesuffix("/v1") + "/twilio", timeout_seconds=3)
    return DeliveryService(client, AuditLog(audit_path, clock=clock), email=EmailSender(email),
                           sms=TwilioSender(sms), templates=Templates(DEFAULT_SUBJECT, DEFAULT_BODY, DEFAULT_SMS),
                           clock=clock, user=lambda: user[0])


@pytest.fixture
async def desk(client, server, mail, tmp_path, clock):
    user = [await client.current_user()]
    return _delivery(client, server, mail, tmp_path / "audit.sqlite3", clock, user)


async def _plan(client, clock, delivery, configured=("email", "sms")):
    day = await DayLoader(client, clock=clock).load(NOW.date() + timedelta(days=1))
    views = day.views()
    mine = delivery.audit.sends_for([v.id for v in views])
    return views, plan_sweep(views, NOW, configured, mine, {}, date_and_time)


def _memos(sandbox):
    return [m for m in sandbox.store.communications.values() if "frontdesk" in (m.get("content") or "")]


async def test_a_sweep_sends_each_eligible_patient_once_and_says_who_is_left_out(desk, client, clock, sandbox, mail):
    views, plan = await _plan(client, clock, desk)
    assert plan.items and plan.left_out
    for item in plan.items:  # the one rule decided each
        assert item.view.telehealth == "on" and item.view.decision(item.attendee, NOW, ("email", "sms")).allowed
    reasons = {out.reason for out in plan.left_out}
    assert any("ended" in r for r in reasons) and any("email address or mobile" in r for r in reasons)
    heard = []
    results = await run_sweep(desk, list(plan.items), on_result=lambda n, r: heard.append((n, r.outcome)),
                              pace=NO_PACE)
    assert [r.outcome for r in results] == [SENT] * len(plan.items)
    assert heard == [(n, SENT) for n in range(len(plan.items))]
    emails = [i for i in plan.items if i.channel == "email"]
    texts = [i for i in plan.items if i.channel == "sms"]
    assert len(mail.received) == len(emails) and len(sandbox.sms_outbox) == len(texts)
    bodies = [m.message.get_body(("plain",)).get_content() for m in mail.received]
    for item in emails:  # each patient's own link, in exactly one message
        assert sum(item.attendee.link.url in body for body in bodies) == 1
    assert len(_memos(sandbox)) == len(plan.items)
    # swept again: everyone was sent, nobody goes twice
    _, again = await _plan(client, clock, desk)
    assert again.items == ()
    assert sum(1 for out in again.left_out if out.reason.startswith("Already sent")) == len(plan.items)
    assert len(mail.received) == len(emails)


async def test_one_failing_recipient_and_a_429_do_not_stop_the_rest(desk, client, clock, sandbox, mail):
    _, plan = await _plan(client, clock, desk, configured=("email",))
    emails = [i for i in plan.items if i.channel == "email"]
    assert len(emails) >= 3
    refused = emails[1].attendee.patient.email
    mail.refuse.add(refused)
    sandbox.faults.add("429_retry_after", path="/attendees/", times=1)  # a 429 on a fresh re-check
    results = await run_sweep(desk, emails, pace=NO_PACE)
    outcomes = [r.outcome for r in results]
    assert outcomes[1] == FAILED and outcomes.count(SENT) == len(emails) - 1
    assert "Failed:" in results[1].words and refused not in results[1].words
    assert len(mail.received) == len(emails) - 1


async def test_two_windows_sweeping_at_once_send_nothing_twice(client, server, mail, tmp_path, clock, sandbox):
    user = [await client.current_user()]
    one = _delivery(client, server, mail, tmp_path / "audit.sqlite3", clock, user)
    other = _delivery(client, server, mail, tmp_path / "audit.sqlite3", clock, user)  # the same desk's log
    _, plan = await _plan(client, clock, one, configured=("email",))
    first, second = await asyncio.gather(run_sweep(one, list(plan.items), pace=NO_PACE),
                                         run_sweep(other, list(reversed(plan.items)), pace=NO_PACE))
    sent = [r.item.key for r in first + second if r.outcome == SENT]
    assert sorted(sent) == sorted(i.key for i in plan.items)  # each exactly once, between the two
    assert {r.outcome for r in first + second} <= {SENT, NOT_SENT}  # the other window's claim or memo: not sent
    assert len(mail.received) == len(plan.items) and len(_memos(sandbox)) == len(plan.items)


async def test_cancel_stops_after_the_send_in_flight(desk, client, clock, mail):
    _, plan = await _plan(client, clock, desk, configured=("email",))
    stop = asyncio.Event()
    results = await run_sweep(desk, list(plan.items), on_result=lambda n, r: stop.set() if n == 1 else None,
                              stop=stop, pace=NO_PACE)
    assert len(results) == 2 and len(mail.received) == 2


async def test_the_sms_pace_is_kept(desk, client, clock, sandbox):
    _, plan = await _plan(client, clock, desk, configured=("sms",))
    texts = [i for i in plan.items if i.channel == "sms"][:3]
    assert len(texts) == 3
    loop = asyncio.get_running_loop()
    started = loop.time()
    await run_sweep(desk, texts, pace={"sms": 0.3, "email": 0.0})
    assert loop.time() - started >= 0.6 and len(sandbox.sms_outbox) == 3


def test_cli_sweep_is_a_dry_run_unless_yes(capsys, isolated_dirs):
    now = "2026-11-24T10:05:00+11:00"
    assert main(["sweep", "--demo", "--now", now]) == 0
    out = capsys.readouterr().out
    planned = int(out.split(": ", 1)[1].split(" to send")[0])
    assert planned > 0 and "Dry run: nothing was sent" in out and "Left out:" in out
    assert main(["sweep", "--demo", "--now", now, "--yes"]) == 0
    out = capsys.readouterr().out
    assert out.count("Sent by ") == planned and f"Sent {planned} of {planned}; 0 failed" in out
    assert main(["sweep", "--demo", "--now", now, "--yes", "--dry-run"]) == 2
    assert "give one" in capsys.readouterr().err
