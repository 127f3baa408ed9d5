"""The send's intent, claim and outcome in the audit log; whose memo is whose.

Windows are real processes: one that dies holding a claim is released at
once by the next (no ten-minute wait), and what it left says what happened.
"""

import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from conftest import NOW, ROOT
from frontdesk.cliniko.models import Communication
from frontdesk.services.audit import AuditLog, SendInProgress
from frontdesk.services.team_log import MARKER, marker, read_marker

CHILD = """
import os, sys
from pathlib import Path
from frontdesk.services.audit import AuditLog
log = AuditLog(Path(sys.argv[1]))
claim = log.claim_send("appt", "att", "f" * 16, repeat_ok=False, channel="sms", user_name="Rosa Delgado")
if sys.argv[2] == "delivering":
    log.delivering(claim, "+61 4•• ••• •12", "William Nguyen")
print("claimed", flush=True)
os._exit(0)  # dies holding the claim: no release, no outcome
"""


def die_holding_a_claim(path, phase: str) -> None:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), phase], cwd=ROOT, capture_output=True, text=True,
                         timeout=30)
    assert out.stdout.strip() == "claimed", out.stderr


def test_a_dead_window_before_delivery_leaves_no_trace_and_no_wait(tmp_path):
    path = tmp_path / "audit.sqlite3"
    die_holding_a_claim(path, "sending")
    log = AuditLog(path, clock=lambda: NOW)
    claim = log.claim_send("appt", "att", "f" * 16, repeat_ok=False, channel="sms")  # at once, not in 10 minutes
    assert claim.previous is None and claim.intent_id is not None
    assert [e.outcome for e in log.entries()] == ["sending"]  # this window's own intent, nothing of the dead one


def test_a_dead_window_while_delivering_is_an_interrupted_send(tmp_path):
    path = tmp_path / "audit.sqlite3"
    die_holding_a_claim(path, "delivering")
    log = AuditLog(path, clock=lambda: NOW)
    [entry] = log.entries()
    assert entry.outcome == "interrupted" and entry.unfinished
    assert entry.recipient == "+61 4•• ••• •12" and entry.patient_name == "William Nguyen"
    assert log.last_send("appt", "att", "f" * 16) == entry  # counts as a send: repeat needs confirming
    refused = log.claim_send("appt", "att", "f" * 16, repeat_ok=False)
    assert refused.previous == entry and refused.intent_id is None
    again = log.claim_send("appt", "att", "f" * 16, repeat_ok=True, channel="sms")
    assert again.intent_id is not None


def test_a_live_window_keeps_its_claim(tmp_path):
    path = tmp_path / "audit.sqlite3"
    mine = AuditLog(path, clock=lambda: NOW)
    mine.claim_send("appt", "att", "f" * 16, repeat_ok=False, channel="email")
    other = AuditLog(path, clock=lambda: NOW)
    with pytest.raises(SendInProgress) as held:
        other.claim_send("appt", "att", "f" * 16, repeat_ok=False)
    assert held.value.since == NOW


def test_an_outcome_replaces_the_intent(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite3", clock=lambda: NOW)
    claim = log.claim_send("appt", "att", "f" * 16, repeat_ok=False, channel="email", user_name="Rosa")
    log.delivering(claim, "w•••@example.com", "William Nguyen")
    log.record("send", user_id="1", user_name="Rosa", appointment_id="appt", attendee_id="att", link_role="patient",
               link_fingerprint="f" * 16, channel="email", recipient="w•••@example.com", outcome="sent",
               patient_name="William Nguyen", claim=claim)
    [entry] = log.entries()
    assert entry.outcome == "sent" and not entry.unfinished
    log.claim_send("appt", "att2", "e" * 16, repeat_ok=False)  # the claim of att was given up


def test_release_before_delivery_drops_the_intent_and_after_marks_it(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite3", clock=lambda: NOW)
    early = log.claim_send("appt", "a1", "f" * 16, repeat_ok=False, channel="email")
    log.release(early)
    late = log.claim_send("appt", "a2", "e" * 16, repeat_ok=False, channel="email")
    log.delivering(late, "w•••@example.com", "W N")
    log.release(late, why="frontdesk ended (SIGHUP: the terminal or SSH connection closed)")
    [entry] = log.entries()
    assert (entry.attendee_id, entry.outcome) == ("a2", "interrupted") and "SIGHUP" in entry.detail


def memo(content: str) -> Communication:
    return Communication.model_validate({"id": "9", "content": content, "created_at": "2026-11-23T23:05:00Z"})


@pytest.mark.parametrize("named, ours, where", [
    ("aaaaaaaaaaaa", "aaaaaaaaaaaa", "this desk, recorded in Cliniko"),
    ("bbbbbbbbbbbb", "aaaaaaaaaaaa", "another desk"),
    (None, "aaaaaaaaaaaa", "recorded in Cliniko"),  # a memo from before desks were named: nobody can say
    ("bbbbbbbbbbbb", None, "recorded in Cliniko"),  # this desk has no id: no guess either way
])
def test_another_desk_only_when_the_marker_names_another_desk(named, ours, where):
    send = read_marker(memo("Telehealth link sent.\n" + marker("1", "2", "email", "Rosa", named)), ours)
    assert send is not None and send.where == where


async def test_a_memo_whose_audit_row_was_lost_is_this_desks(server, sandbox, mail, tmp_path):
    """The memo reached Cliniko but this desk's log lost the row: the repeat
    is refused as this desk's own send, never as another desk's."""
    from test_send_guards import desk, first_email_send
    from frontdesk.sandbox.seed import DEMO_KEY
    from frontdesk.services.delivery.errors import AlreadySent

    _, session = desk(server, mail, tmp_path, DEMO_KEY, "desk-a")
    try:
        view, a = await first_email_send(session)
        session.audit.close()
        os.remove(tmp_path / "desk-a" / "audit.sqlite3")
        with pytest.raises(AlreadySent) as refused:
            await session.delivery.send(a.link, "email", kind=view.kind, practitioner=view.practitioner_name)
        assert "(this desk, recorded in Cliniko)" in refused.value.message
        assert "another desk" not in refused.value.message
        assert MARKER in sandbox.memos()[0]["content"] and len(mail.received) == 1
    finally:
        await session.aclose()


def test_claims_written_before_owners_named_a_computer_still_expire(tmp_path):
    """A claim in the old form (no computer named) cannot be checked: it
    lives ten minutes, as before."""
    import sqlite3

    log = AuditLog(tmp_path / "audit.sqlite3", clock=lambda: NOW)
    log.check()
    with sqlite3.connect(tmp_path / "audit.sqlite3") as db:
        db.execute("INSERT INTO send_claims (attendee_id, appointment_id, claimed_at, owner) VALUES (?, ?, ?, ?)",
                   ("att", "appt", NOW.isoformat(), f"{os.getpid()}:1:x"))
    with pytest.raises(SendInProgress):
        log.claim_send("appt", "att", "f" * 16, repeat_ok=False)
    later = AuditLog(tmp_path / "audit.sqlite3", clock=lambda: datetime(2026, 11, 23, 23, 16, tzinfo=timezone.utc))
    assert later.claim_send("appt", "att", "f" * 16, repeat_ok=False).intent_id is not None


async def test_up_next_says_an_interrupted_send_may_have_reached_the_patient(make_app, tmp_path):
    from conftest import settle
    from frontdesk.widgets.up_next import UpNextStrip

    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        upcoming = app.screen.query_one(UpNextStrip).upcoming
        assert upcoming is not None and upcoming.link == "link not sent"
        link = upcoming.view.primary_attendee().link
        log = app.screen.session.audit
        claim = log.claim_send(link.appointment_id, link.attendee_id, link.fingerprint(), repeat_ok=False,
                               channel="sms", user_name="Rosa Delgado")
        log.delivering(claim, "+61 4•• ••• •12", "P")
        log.release(claim, why="frontdesk ended (SIGHUP: the terminal or SSH connection closed)")
        app.screen.read_sends()
        await settle(pilot)
        strip = app.screen.query_one(UpNextStrip)
        assert strip.upcoming.link == "send interrupted 10:05: may have reached the patient"
        assert "send interrupted 10:05: may have reached the patient" in str(strip.render())
        assert app.screen.state.marks[upcoming.view.id].sent == "unsure"
