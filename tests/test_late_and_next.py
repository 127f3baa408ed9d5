"""Late patients, up next, the sent column and the status filter (issue 13
§2, §4), with a clock the test moves: the nudge appears once, and clears
when the patient is marked arrived or the call ends. Nothing is ever sent
without staff pressing s and confirming."""

from __future__ import annotations

from datetime import datetime, timedelta

from frontdesk.app import FrontdeskApp
from frontdesk.cliniko.governor import RateGovernor
from frontdesk.screens.send import SendConfirmScreen
from frontdesk.services.session import open_session
from frontdesk.widgets.appointment_table import AppointmentTable
from frontdesk.widgets.up_next import UpNextStrip

from conftest import NOW, console_config, settle
from console_helpers import Heard, dialog_text, links_text, open_send, screen_lines

SIZE = (80, 24)


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def a_video_call(sandbox, *, started_before: datetime) -> dict:
    """An individual Telehealth appointment under way at *started_before*,
    not archived or cancelled, whose patient has an email address."""
    store = sandbox.store
    for row in store.individual_appointments.values():
        kind = store.appointment_types[row["appointment_type_id"]]
        if kind["telehealth_enabled"] is True and not row["cancelled_at"] and not row.get("archived_at") \
                and store.patients[row["patient_id"]]["email"] \
                and parse(row["starts_at"]) <= started_before - timedelta(minutes=6) < parse(row["ends_at"]):
            return row
    raise LookupError


def app_at(server, tmp_path, mail, clock: Clock) -> FrontdeskApp:
    config = console_config(server, mail, idle_lock_seconds=0)
    session = open_session(config, clock=clock)
    session.client.governor = RateGovernor(limit=200)
    return FrontdeskApp(config, config_path=tmp_path / "c.toml", session=session)


async def test_the_late_nudge_appears_once_and_clears_when_arrived(server, sandbox, mail, tmp_path):
    call = a_video_call(sandbox, started_before=NOW)
    call["patient_arrived"] = False
    starts = parse(call["starts_at"])
    clock = Clock(starts + timedelta(minutes=4))  # not late yet
    heard = Heard()
    app = app_at(server, tmp_path, mail, clock)
    async with app.run_test(size=SIZE, message_hook=heard) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(AppointmentTable)
        assert table.cell(call["id"], "status") == "booked" and "late" not in heard
        clock.moment = starts + timedelta(minutes=6)
        screen.tick()
        await pilot.pause()
        assert table.cell(call["id"], "status") == "late?"
        patient = sandbox.store.patients[call["patient_id"]]
        first = patient["preferred_first_name"] or patient["first_name"]
        start = screen.state.views_of_day()[[v.id for v in screen.state.views_of_day()].index(call["id"])].local_start
        said = [n for n in heard.notes if "late for" in n]
        assert said == [f"{first} {patient['last_name'][0]}. is 6 min late for {start} "
                        f"{sandbox.store.appointment_types[call['appointment_type_id']]['name']} — s to send the link"]
        screen.tick()
        await pilot.pause()
        assert len([n for n in heard.notes if "late for" in n]) == 1  # once, not on every tick
        screen.select_appointment(call["id"])
        await pilot.pause()
        assert "Late? Not marked arrived 6 min after the start — s sends the link" in links_text(app)  # never sent
        assert len(sandbox.memos()) == 0 and mail.received == []  # nothing sent on its own
        await pilot.press("A")
        await settle(pilot)
        assert table.cell(call["id"], "status") == "arrived" and "Late?" not in links_text(app)


async def test_the_late_flag_clears_when_the_call_ends(server, sandbox, mail, tmp_path):
    call = a_video_call(sandbox, started_before=NOW)
    call["patient_arrived"] = False
    clock = Clock(parse(call["starts_at"]) + timedelta(minutes=7))
    app = app_at(server, tmp_path, mail, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(AppointmentTable)
        assert table.cell(call["id"], "status") == "late?"
        clock.moment = parse(call["ends_at"])
        app.screen.tick()
        await pilot.pause()
        assert table.cell(call["id"], "status") == "booked"


async def test_s_on_a_late_patient_is_the_full_guarded_send(server, sandbox, mail, tmp_path):
    call = a_video_call(sandbox, started_before=NOW)
    call["patient_arrived"] = False
    clock = Clock(parse(call["starts_at"]) + timedelta(minutes=6))
    app = app_at(server, tmp_path, mail, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = next(v for v in app.screen.views if v.id == call["id"])
        assert view.decision(view.primary_attendee(), clock()).allowed
        await open_send(app, pilot, view)
        await pilot.press("y")
        await settle(pilot)
        assert len(mail.received) + len(sandbox.sms_outbox) == 1
        dialog = await open_send(app, pilot, view)  # the fresh check, the confirmation, as always
        assert "Already sent" in dialog_text(dialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SendConfirmScreen) and "press y again to resend" in dialog_text(app.screen)
        await pilot.press("escape")
        await settle(pilot)
        assert len(mail.received) + len(sandbox.sms_outbox) == 1


async def test_up_next_the_sent_column_and_u(make_app, sandbox, mail):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        strip = screen.query_one(UpNextStrip)
        upcoming = strip.upcoming
        assert upcoming is not None and upcoming.view.telehealth == "on"
        assert upcoming.view.appointment.ends_at > NOW
        line = screen_lines(strip)[0]
        # on the list's clock: the strip's time is the row's time
        assert line.strip().startswith(f"Up next {screen.table.cell(upcoming.view.id, 'time')} ")
        assert line.rstrip().endswith(" · not sent")  # at 80 columns: the short words, never cut
        table = screen.query_one(AppointmentTable)
        lines = screen_lines(table)
        assert lines[0].split()[:8] == ["Time", "Loc", "Patient", "Pract…", "Type", "Telehealth", "✓", "Status"]
        marks = screen.state.marks
        for view in screen.views:
            expected = {"sent": "✓", "not_sent": "·", "": ""}[marks[view.id].sent]
            assert table.cell(view.id, "sent") == expected
            if view.telehealth != "on":
                assert expected == "" or expected == "✓"
        await pilot.press("u")
        await pilot.pause()
        assert screen.state.current_id == upcoming.view.id
        assert upcoming.view.kind == "individual" and upcoming.link == "link not sent"  # the seeded day at 10:05
        assert upcoming.view.decision(upcoming.view.primary_attendee(), NOW).allowed
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert table.cell(upcoming.view.id, "sent") == "✓"
        assert strip.upcoming.link == "link sent 10:05 by Rosa Delgado"
        assert "· sent 10:05" in screen_lines(strip)[0]  # the short words at 80 columns


async def test_u_shows_the_call_even_when_a_filter_hid_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzzz", "enter")
        await pilot.pause()
        assert app.screen.views == ()
        await pilot.press("u")
        await pilot.pause()
        upcoming = app.screen.query_one(UpNextStrip).upcoming
        assert app.screen.state.current_id == upcoming.view.id and app.screen.state.filter_text == ""


async def test_the_status_filter_cycles(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        everything = len(screen.views)
        await pilot.press("w")
        assert screen.views and all(v.status == "booked" for v in screen.views) and len(screen.views) < everything
        assert "not arrived yet" in screen.query_one("#header").render().plain
        await pilot.press("w")
        assert all(screen.state.marks[v.id].late for v in screen.views)  # nobody is late at 10:05 in the seed
        await pilot.press("w")
        assert screen.views and all(screen.state.marks[v.id].sent == "not_sent" for v in screen.views)
        await pilot.press("w")
        assert len(screen.views) == everything


async def test_up_next_moves_on_when_the_patient_is_marked(make_app, sandbox):
    """Marked arrived (in session) or did not arrive: the strip names the next call."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        strip = app.screen.query_one(UpNextStrip)
        first = strip.upcoming.view
        await pilot.press("u", "D")
        await pilot.pause()
        await pilot.press("y")  # it has not ended: asked first
        await settle(pilot)
        assert strip.upcoming is not None and strip.upcoming.view.id != first.id
        assert strip.upcoming.view.appointment.starts_at >= first.appointment.starts_at
