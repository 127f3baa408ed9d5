"""What Cliniko already sent: its own reminder flags and the reminders,
confirmations and SMS in the patient's communications log appear in the
details and the send confirmation; the sweep can leave out patients Cliniko
already reminded, so nobody gets three messages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import NOW, settle
from console_helpers import dialog_text, find, open_send
from frontdesk.cli import main
from frontdesk.domain.clock import date_and_time
from frontdesk.domain.wording import reminder_flags
from frontdesk.services.day_loader import DayLoader
from frontdesk.services.sweep import cliniko_reminded, plan_sweep
from frontdesk.services.team_log import day_team_sends, sent_since
from frontdesk.widgets.detail_pane import DetailPane


@pytest.mark.parametrize("email, sms, words", [(True, False, "email sent · SMS not sent"),
                                               (None, True, "email unknown · SMS sent"),
                                               (False, None, "email not sent · SMS unknown")])
def test_reminder_flags_say_unknown_when_cliniko_does_not_say(email, sms, words):
    assert reminder_flags(email, sms) == words


async def test_the_days_log_holds_clinikos_own_messages(client, clock, sandbox):
    day = await DayLoader(client, clock=clock).load(NOW.date())
    found = await day_team_sends(client, day.appointments.values(), day.appointment_types, day.attendees_of, NOW,
                                 cliniko=True)
    seeded = {c["patient_id"] for c in sandbox.store.communications.values() if c["category_code"] in (1, 4, 7)}
    assert found.messages and set(found.messages) <= seeded
    kinds = {m.what for messages in found.messages.values() for m in messages}
    assert kinds <= {"reminder", "confirmation", "SMS message"} and kinds


def _log_of(app, view):
    return sent_since(app.screen.day.cliniko_messages.get(view.primary_attendee().attendee.patient_id or "", ()),
                      view.appointment.created_at)


def _with_log(app):
    return find(app, lambda v: v.kind == "individual" and v.telehealth == "on" and _log_of(app, v)
                and v.decision(v.primary_attendee(), NOW).allowed)


async def test_details_and_confirmation_say_what_cliniko_sent(make_app):
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        view = _with_log(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        details = str(app.screen.query_one(DetailPane).describe())
        appt = view.appointment
        assert f"Cliniko's: {reminder_flags(appt.email_reminder_sent, appt.sms_reminder_sent)}" in details
        newest = _log_of(app, view)[0]
        assert f"Cliniko sent {newest.what}" in details.replace("\n", " ") and "(may carry the link)" in details
        dialog = await open_send(app, pilot, view)
        await settle(pilot)  # earlier sends and Cliniko's log are read after the dialog opens
        text = " ".join(dialog_text(dialog).split())
        assert "Cliniko's own reminders: email" in text and f"Cliniko sent: {newest.what}" in text


async def test_the_sweep_can_leave_out_those_cliniko_reminded(client, clock):
    day = await DayLoader(client, clock=clock).load(NOW.date() + timedelta(days=1))
    views = day.views()
    everyone = plan_sweep(views, NOW, ("email", "sms"), {}, {}, date_and_time)
    skipping = plan_sweep(views, NOW, ("email", "sms"), {}, {}, date_and_time, skip_reminded=True)
    reminded = [i for i in everyone.items if cliniko_reminded(i.view, i.attendee)]
    assert reminded and len(skipping.items) == len(everyone.items) - len(reminded)
    reasons = [o.reason for o in skipping.left_out if o.reason.startswith("Cliniko already sent its reminder")]
    assert len(reasons) == len(reminded) and all(r.endswith("it may carry the link") for r in reasons)


async def test_r_in_the_sweep_switches_the_reminded_out_and_back(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await pilot.pause()
        screen = app.screen
        before = len(screen.plan.items)
        await pilot.press("r")
        await pilot.pause()
        assert len(screen.plan.items) < before and "r: include" in str(screen.query_one("#sweep-hint").render())
        assert screen.query_one("#sweep-list").has_focus
        await pilot.press("r")
        await pilot.pause()
        assert len(screen.plan.items) == before


def test_cli_sweep_skip_reminded(capsys):
    now = "2026-11-24T10:05:00+11:00"
    main(["sweep", "--demo", "--now", now])
    everyone = int(capsys.readouterr().out.split(": ", 1)[1].split(" to send")[0])
    main(["sweep", "--demo", "--now", now, "--skip-reminded"])
    out = capsys.readouterr().out
    assert int(out.split(": ", 1)[1].split(" to send")[0]) < everyone
    assert "Cliniko already sent its reminder" in out


async def test_a_sends_fresh_re_read_asks_cliniko_for_memos_only(client, clock, sandbox):
    """The guarded send re-reads the patient's memos just before sending;
    Cliniko's own messages are for the screens, not for that."""
    from urllib.parse import unquote

    from frontdesk.services.team_log import team_sends

    patient = next(iter(sandbox.store.patients))
    sandbox.requests.clear()
    await team_sends(client, [patient], NOW - timedelta(days=30))
    [asked] = [unquote(r.query) for r in sandbox.requests if r.path == "/v1/communications"]
    assert "q[]=category_code:=12&" in asked  # and not 12,1,4,7
