"""Sent for the old time: a link that went before its appointment moved
(start, type or practitioner) counts as not sent for the appointment as it
is now; every screen names the change, and the sweep sends it again, once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import NOW
from frontdesk.cliniko.models import IndividualAppointment
from frontdesk.domain.clock import date_and_time
from frontdesk.domain.sent_for import SentFor, moved_since
from frontdesk.services.day_loader import DayLoader
from frontdesk.services.delivery.errors import AlreadySent
from frontdesk.services.row_marks import NOT_SENT, SENT, last_send, row_marks, send_words
from frontdesk.services.sweep import SENT as SWEPT, plan_sweep, run_sweep
from frontdesk.services.team_log import team_sends
from frontdesk.services.up_next import up_next
from test_sweep import NO_PACE, _delivery, mail  # noqa: F401 - the mail fixture

SYDNEY = ZoneInfo("Australia/Sydney")


def _appt(starts: datetime, kind: str = "7", who: str = "3") -> IndividualAppointment:
    return IndividualAppointment(id="1", starts_at=starts, ends_at=starts + timedelta(minutes=30),
                                 appointment_type_id=kind, practitioner_id=who)


def test_what_changed_since_the_link_went_in_words():
    nine = datetime(2026, 11, 23, 22, 0, tzinfo=timezone.utc)  # 09:00 in Sydney
    sent = SentFor.of(_appt(nine))
    assert moved_since(sent, _appt(nine), SYDNEY, "Consult", "Dr Hart") is None
    assert moved_since(sent, _appt(nine + timedelta(minutes=90)), SYDNEY, "Consult", "Dr Hart") == \
        "sent for 09:00 — moved to 10:30"
    assert moved_since(sent, _appt(nine + timedelta(days=1)), SYDNEY, "", "") == \
        "sent for 24 Nov 09:00 — moved to 25 Nov 09:00"
    assert moved_since(sent, _appt(nine, kind="8"), SYDNEY, "Follow-up", "") == \
        "sent for another appointment type — now ‘Follow-up’"
    assert moved_since(sent, _appt(nine, who="4"), SYDNEY, "", "Dr Nguyen") == \
        "sent for another practitioner — now with Dr Nguyen"
    assert moved_since(None, _appt(nine + timedelta(hours=1)), SYDNEY, "", "") is None  # unknown: nothing claimed


@pytest.mark.parametrize("text", ["", "{", "[]", '{"starts": 5}', '{"starts": "2026-11-24T09:00:00"}',
                                  '{"starts": "soon"}'])
def test_what_a_send_was_for_is_read_carefully(text):
    assert SentFor.read(text) is None
    round_trip = SentFor.of(_appt(datetime(2026, 11, 23, 22, tzinfo=timezone.utc)))
    assert SentFor.read(round_trip.text()) == round_trip


async def _day(client, clock):
    return await DayLoader(client, clock=clock).load(NOW.date() + timedelta(days=1))


def _first_email(day):
    for view in day.views():
        for a in view.attendees:
            if view.kind == "individual" and view.decision(a, NOW, ("email",)).allowed and a.patient.email:
                return view, a
    raise LookupError


def _move(sandbox, appointment_id: str, minutes: int) -> None:
    row = sandbox.store.individual_appointments[appointment_id]
    for name in ("starts_at", "ends_at"):
        moment = datetime.fromisoformat(row[name].replace("Z", "+00:00")) + timedelta(minutes=minutes)
        row[name] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_a_moved_appointment_is_flagged_and_swept_again_once(client, server, mail, tmp_path, clock,  # noqa: F811
                                                                    sandbox):
    user = [await client.current_user()]
    desk = _delivery(client, server, mail, tmp_path / "audit.sqlite3", clock, user)
    other = _delivery(client, server, mail, tmp_path / "audit.sqlite3", clock, user)  # a second window
    view, attendee = _first_email(await _day(client, clock))
    await desk.send(attendee.link, "email", kind=view.kind, practitioner=view.practitioner_name)
    memo = next(m for m in sandbox.store.communications.values() if "frontdesk-sent" in (m.get("content") or ""))
    assert '"for":{"starts":' in memo["content"]
    before = view.appointment.starts_at.astimezone(view.zone).strftime("%H:%M")
    _move(sandbox, view.id, 90)

    day = await _day(client, clock)
    moved = next(v for v in day.views() if v.id == view.id)
    a = next(x for x in moved.attendees if x.attendee.id == attendee.attendee.id)
    mine = desk.audit.sends_for([moved.id])
    sent = last_send(moved, a.attendee.id, a.link.fingerprint(), mine.get(moved.id, {}), {})
    after = moved.appointment.starts_at.astimezone(moved.zone).strftime("%H:%M")
    change = f"sent for {before} — moved to {after}"
    assert sent.moved == change and not sent.current
    assert change in send_words(sent, date_and_time) and "not sent for this time" in send_words(sent, date_and_time)
    assert row_marks(moved, NOW, timedelta(minutes=5), ("email",), mine.get(moved.id, {}), {}).sent == NOT_SENT
    strip = up_next(moved, NOW, mine.get(moved.id, {}), {}, str, lambda t: t.strftime("%H:%M"))
    assert strip.link == f"link {change}: not sent for this time"
    # another desk, which has only Cliniko's memo, sees the same
    [theirs] = await team_sends(client, [a.patient.id], NOW - timedelta(days=1), desk="another-desk")
    assert theirs.sent_for == SentFor.read(mine[moved.id][(a.attendee.id, a.link.fingerprint())].sent_for)
    seen = last_send(moved, a.attendee.id, a.link.fingerprint(), {}, {(moved.id, a.attendee.id): theirs})
    assert seen.moved == change
    plan = plan_sweep(day.views(), NOW, ("email",), mine, {}, date_and_time)
    [again] = [i for i in plan.items if i.key == (moved.id, a.attendee.id)]
    assert again.again == change
    # two windows sweep it at once: it goes again, once
    first, second = await asyncio.gather(run_sweep(desk, [again], pace=NO_PACE), run_sweep(other, [again], pace=NO_PACE))
    assert [r.outcome for r in first + second].count(SWEPT) == 1
    assert sum(attendee.link.url in m.message.get_body(("plain",)).get_content() for m in mail.received) == 2
    # now it was sent for this time: left out, and a plain send asks first
    mine = desk.audit.sends_for([moved.id])
    again_plan = plan_sweep(day.views(), NOW, ("email",), mine, {}, date_and_time)
    assert (moved.id, a.attendee.id) not in {i.key for i in again_plan.items}
    assert row_marks(moved, NOW, timedelta(minutes=5), ("email",), mine.get(moved.id, {}), {}).sent == SENT
    with pytest.raises(AlreadySent):
        await desk.send(a.link, "email", kind=moved.kind, practitioner=moved.practitioner_name, again_if_moved=True)
