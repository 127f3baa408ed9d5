"""The console driven with Pilot against the loopback sandbox."""

import sqlite3
import stat
from datetime import date, timedelta

import httpx

import pytest
from textual.widgets import Button, Input, OptionList

from tui.app import FrontdeskApp
from tui.screens.main import MainScreen
from tui.screens.logs import AuditScreen, OutboxScreen
from tui.screens.modals import HelpScreen, LocationPicker, LockScreen
from tui.screens.send import ResultsScreen, SendConfirmScreen
from tui.screens.setup import SetupScreen
from widgets.appointment_table import AppointmentTable
from widgets.detail_pane import DetailPane
from widgets.link_panel import LinkPanel
from widgets.text_lines import TextLines

from conftest import CONTACT, NOW, settle
from console_helpers import cancelled, eligible, find, group, of_state, screen_lines, views


def links_text(app) -> str:
    panel = app.screen.query_one(LinkPanel)
    return "\n".join(w.plain for w in panel.query(TextLines))


def detail_text(app) -> str:
    return str(app.screen.query_one(DetailPane).describe())


def header_text(app) -> str:
    return str(app.screen.query_one("#header").render())


def audit_rows(tmp_path):
    db = tmp_path / "data" / "audit.sqlite3"
    return sqlite3.connect(db).execute("SELECT action, appointment_id, attendee_id, link_fingerprint FROM audit").fetchall()


async def test_loads_the_day_and_moves_with_keys(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.day.complete
        table = screen.query_one(AppointmentTable)
        assert table.row_count == len(screen.day.appointments) >= 60
        assert "Rosa Delgado (receptionist)" in header_text(app) and "All locations" in header_text(app)
        assert "updated 10:05" in header_text(app) and "Tue 24 Nov 2026" in header_text(app)
        first = screen.current_id
        due = next(v for v in views(app) if v.appointment.ends_at > NOW and v.status != "cancelled")
        assert first == due.id  # the cursor starts on the next appointment due
        await pilot.press("j")
        second = screen.current_id
        await pilot.press("down")
        third = screen.current_id
        await pilot.press("k", "up")
        assert len({first, second, third}) == 3 and screen.current_id == first
        view = screen.current_view()
        assert view.patient_label() in detail_text(app)
        assert "PRACTITIONER / ADMIN LINK — needs a Cliniko login" in links_text(app)
        assert "PATIENT LINK — anyone with this link can join" in links_text(app)
        # the highlighted row carries a marker, not only a colour
        marked = [line for line in screen_lines(table) if "▶" in line]
        assert len(marked) == 1
        assert table.cell(first, "time") in marked[0] and table.cell(first, "patient") in marked[0]


async def test_cursor_moves_make_no_requests(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        before = len(sandbox.requests)
        for _ in range(15):
            await pilot.press("j")
        assert len(sandbox.requests) == before


async def test_telehealth_individual_is_sendable_with_masked_link(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        text = links_text(app)
        link = view.primary_attendee().link
        assert link.masked() in text and link.url not in text
        assert view.practitioner_link.url in text
        assert not app.screen.query_one("#send", Button).disabled
        assert "Ready to send" in text


@pytest.mark.parametrize(
    "state, words",
    [
        ("off", "Cannot send: Telehealth is off for ‘"),
        ("unknown", "Cannot send: Telehealth setting unknown for this type — treated as off"),
    ],
)
async def test_non_telehealth_disables_send_with_reason(make_app, sandbox, state, words):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = of_state(app, state)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        text = links_text(app)
        assert words in text
        assert "not a Telehealth appointment: this link leads nowhere" in text
        assert app.screen.query_one("#send", Button).disabled
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, SendConfirmScreen)
        await pilot.press("c")
        assert app.clipboard == ""
        assert sandbox.memos() == []


async def test_cancelled_row_is_marked_and_refused(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        view = cancelled(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        table = app.screen.query_one(AppointmentTable)
        assert table.cell(view.id, "status") == "✕ cancelled"
        assert "Cannot send: Appointment cancelled" in links_text(app)


async def test_group_shows_one_link_per_attendee(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = group(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        text = links_text(app)
        for attendee in view.attendees:
            assert attendee.name in text and attendee.link.masked() in text
            assert attendee.link.url not in text
        active = sum(1 for a in view.attendees if a.active)
        table = app.screen.query_one(AppointmentTable)
        assert table.cell(view.id, "patient").startswith(f"Group · {active}/")
        assert "▶ " in text  # the chosen attendee
        first = app.screen.query_one(LinkPanel).selected()
        await pilot.press("full_stop")
        assert app.screen.query_one(LinkPanel).selected() is not first
        await pilot.press("comma")
        assert app.screen.query_one(LinkPanel).selected().attendee.id == first.attendee.id


async def test_reveal_for_a_few_seconds_and_audited(make_app, tmp_path):
    app = make_app(reveal_seconds=1)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        link = view.primary_attendee().link
        await pilot.press("v")
        await pilot.pause()
        assert link.url in links_text(app)
        await pilot.pause(0.5)
        assert link.url in links_text(app)  # still shown within reveal_seconds
        for _ in range(40):  # hidden again once reveal_seconds have passed
            await pilot.pause(0.1)
            if link.url not in links_text(app):
                break
        assert link.url not in links_text(app) and link.masked() in links_text(app)
        rows = audit_rows(tmp_path)
        assert rows == [("reveal", view.id, view.primary_attendee().attendee.id, link.fingerprint())]


async def test_reveal_hides_when_the_cursor_moves(make_app):
    app = make_app(reveal_seconds=60)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        await pilot.press("v")
        await pilot.press("j")
        await pilot.press("k")
        assert view.primary_attendee().link.url not in links_text(app)


async def test_copy_patient_link_only_when_eligible(make_app, tmp_path):
    app = make_app()
    notes = []
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
        for screen in app.screen_stack:
            screen.notify = app.notify
        await settle(pilot)
        app.screen.notify = app.notify
        off = of_state(app, "off")
        app.screen.select_appointment(off.id)
        await pilot.press("c")
        assert app.clipboard == ""
        assert notes[-1].startswith("Patient link not copied: Telehealth is off")
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.press("c")
        assert app.clipboard == view.primary_attendee().link.url
        assert "Copied the PATIENT link" in notes[-1] and "anyone with it can join" in notes[-1]
        assert [r[0] for r in audit_rows(tmp_path)] == ["copy"]
        await pilot.press("p")
        assert app.clipboard == view.practitioner_link.url
        assert "PRACTITIONER / ADMIN link — needs a Cliniko login" in notes[-1]


async def _open_send(app, pilot, view):
    app.screen.select_appointment(view.id)
    await pilot.pause()
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(app.screen, SendConfirmScreen)
    return app.screen


def _dialog_text(screen) -> str:
    return "\n".join(str(w.render()) for w in screen.query("Static"))


async def test_send_by_email_with_confirmation(make_app, sandbox, mail, tmp_path):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = find(app, lambda v: v.kind == "individual" and v.send_eligibility(v.primary_attendee(), NOW).allowed
                    and v.primary_attendee().patient.email and (v.primary_attendee().patient.reminder_type or "").lower() != "sms")
        attendee = view.primary_attendee()
        dialog = await _open_send(app, pilot, view)
        text = _dialog_text(dialog)
        assert attendee.name in text and "Patient link" in text and view.practitioner_name in text
        assert attendee.link.masked() in text and attendee.link.url not in text
        assert attendee.patient.email not in text and "•••@" in text
        assert mail.received == []
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        [received] = mail.received
        assert received.recipients == [attendee.patient.email] and attendee.link.url in received.body("plain")
        [memo] = sandbox.memos()
        assert memo["type_code"] == 2 and "/c/" not in memo["content"]
        assert "Already sent" in links_text(app)
        assert [r[0] for r in audit_rows(tmp_path)] == ["send"]


async def test_cancel_sends_nothing(make_app, sandbox, mail):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await _open_send(app, pilot, eligible(app))
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await _open_send(app, pilot, eligible(app))
        await pilot.press("escape")
        await settle(pilot)
        assert mail.received == [] and sandbox.sms_outbox == [] and sandbox.memos() == []


async def test_switch_to_sms(make_app, sandbox, mail):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = find(app, lambda v: v.kind == "individual" and v.send_eligibility(v.primary_attendee(), NOW).allowed
                    and v.primary_attendee().patient.email and v.primary_attendee().patient.mobile)
        dialog = await _open_send(app, pilot, view)
        if dialog.channel == "email":
            await pilot.press("m")
        assert dialog.channel == "sms" and "+61 4••" in _dialog_text(dialog)
        await pilot.press("enter")
        await settle(pilot)
        assert len(sandbox.sms_outbox) == 1 and mail.received == []
        assert sandbox.sms_outbox[0]["body"].endswith(view.primary_attendee().link.url)


async def test_second_send_needs_a_second_confirmation(make_app, mail):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = find(app, lambda v: v.kind == "individual" and v.send_eligibility(v.primary_attendee(), NOW).allowed
                    and v.primary_attendee().patient.email)
        dialog = await _open_send(app, pilot, view)
        await pilot.press("y")
        await settle(pilot)
        count = len(mail.received) + 0
        dialog = await _open_send(app, pilot, view)
        assert "Already sent" in _dialog_text(dialog) and "Rosa Delgado" in _dialog_text(dialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SendConfirmScreen) and "press y again to resend" in _dialog_text(app.screen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert count >= 0 and len(app.screen.session.outbox()) == 2


async def test_group_send_to_all_eligible_attendees(make_app, sandbox, mail):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = group(app)
        dialog = await _open_send(app, pilot, view)
        eligible_count = dialog.plan.group_eligible
        assert eligible_count > 1
        await pilot.press("a")
        assert "all " in _dialog_text(dialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ResultsScreen)
        assert len(app.screen.rows) == eligible_count
        assert all(outcome.startswith("sent") for _, outcome in app.screen.rows)
        assert len(mail.received) + len(sandbox.sms_outbox) == eligible_count == len(sandbox.memos())


async def test_no_channel_set_up_says_why(make_app, mail):
    app = make_app(channels=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        assert "Cannot send: Sending is not set up" in links_text(app)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and mail.received == []


async def test_patient_without_contact_detail(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        patient = sandbox.store.patients[view.primary_attendee().patient.id]
        patient["email"], patient["patient_phone_numbers"] = None, []
        await pilot.press("r")
        await settle(pilot)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        assert "Cannot send: No email address or mobile number on file" in links_text(app)


async def test_key_presses_while_sending_do_nothing(make_app, mail):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        app.screen.select_appointment(eligible(app).id)
        app.screen.sending = True
        await pilot.press("s", "s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and mail.received == []


async def test_outbox_and_audit_viewer(make_app, mail):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = find(app, lambda v: v.kind == "individual" and v.send_eligibility(v.primary_attendee(), NOW).allowed
                    and v.primary_attendee().patient.email)
        await _open_send(app, pilot, view)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("v")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OutboxScreen)
        text = _dialog_text(app.screen)
        link = view.primary_attendee().link
        assert "EMAIL to " in text and "•••@" in text and view.id in text and link.url not in text
        await pilot.press("escape")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        text = _dialog_text(app.screen)
        lines = [line for line in text.splitlines() if "Rosa Delgado" in line]
        assert "revealed" in lines[0] and "by email to" in lines[1]  # newest first
        assert link.url not in text


async def test_filter_as_you_type_and_escape(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        total = len(views(app))
        target = eligible(app)
        name = target.patient_label()
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*name)
        await pilot.pause()
        shown = views(app)
        assert 0 < len(shown) < total and all(name.casefold() in v.patient_label().casefold() or any(name.casefold() in a.name.casefold() for a in v.attendees) for v in shown)
        assert "filter “" in header_text(app)
        await pilot.press("enter")
        assert isinstance(app.focused, AppointmentTable)
        await pilot.press("escape")
        await pilot.pause()
        assert len(views(app)) == total
        # by practitioner and by type too
        await pilot.press("slash", *"psychology")
        await pilot.pause()
        assert views(app) and all("Psychology" in v.type_name for v in views(app))


async def test_day_change_and_today(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        today_ids = set(app.screen.day.appointments)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "Wed 25 Nov 2026" in header_text(app)
        assert set(app.screen.day.appointments).isdisjoint(today_ids) and app.screen.day.appointments
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert "Mon 23 Nov 2026" in header_text(app)
        await pilot.press("t")
        await settle(pilot)
        assert "Tue 24 Nov 2026" in header_text(app) and set(app.screen.day.appointments) == today_ids


async def test_business_switch(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, LocationPicker)
        await pilot.press("down", "down", "enter")  # All, Sydney, Auckland
        await settle(pilot)
        assert "Harbour Health Auckland" in header_text(app)
        assert {v.business_name for v in views(app)} == {"Harbour Health Auckland"}
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("home", "enter")
        await settle(pilot)
        assert "All locations" in header_text(app)


async def test_telehealth_only_toggle(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        total = len(views(app))
        await pilot.press("f")
        assert views(app) and all(v.telehealth == "on" for v in views(app)) and len(views(app)) < total
        assert "Telehealth only" in header_text(app)
        await pilot.press("f")
        assert len(views(app)) == total


async def test_refresh_keeps_selection_and_picks_up_changes(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        sandbox.clock = lambda: NOW + timedelta(minutes=2)
        sandbox.cancel_appointment(view.id)
        before = len(sandbox.requests)
        app.screen.refresh_changes()
        await settle(pilot)
        for _ in range(30):  # the refreshed day arrives as a message
            if "Cannot send: Appointment cancelled" in links_text(app):
                break
            await pilot.pause(0.05)
        assert app.screen.current_id == view.id
        assert "Cannot send: Appointment cancelled" in links_text(app)
        assert len(sandbox.requests) - before == 3
        for _ in range(3):  # a full reload, whichever pages land first, keeps the selection
            await pilot.press("r")
            await settle(pilot)
            for _ in range(30):
                if app.screen.day is not None and app.screen.day.complete and not app.screen.busy:
                    break
                await pilot.pause(0.05)
            assert app.screen.current_id == view.id and app.screen.day.complete


async def test_reload_keeps_selection_when_its_page_lands_last(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        sandbox.faults.add("slow", path="/individual_appointments", times=1)  # groups arrive first
        await pilot.press("r")
        await settle(pilot)
        for _ in range(40):
            if app.screen.day is not None and app.screen.day.complete and not app.screen.busy:
                break
            await pilot.pause(0.05)
        assert app.screen.current_id == view.id
        assert view.patient_label() in detail_text(app)


@pytest.mark.parametrize(
    "fault, words",
    [
        ("401", "API key rejected"),
        ("403", "not allowed"),
        ("503", "Cliniko unavailable"),
        ("429_none", "rate limited"),
        ("reset", "offline"),
        ("timeout", "offline"),
    ],
)
async def test_errors_keep_last_data_and_say_what_happened(make_app, sandbox, fault, words):
    app = make_app()
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        shown = len(views(app))
        client = app.screen.session.client
        client.retries = 0
        client.max_rate_wait = 0
        sandbox.faults.timeout_seconds = 2
        client._http.timeout = httpx.Timeout(0.3)
        sandbox.faults.add(fault, path="/bookings", times=5)
        app.screen.refresh_changes()
        await settle(pilot)
        assert f"{words} since 10:05 — showing last data" in header_text(app)
        assert len(views(app)) == shown
        assert app._notifications and isinstance(app.screen, MainScreen)


async def test_offline_when_cliniko_is_unreachable(make_app, server):
    app = make_app()
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        shown = len(views(app))
        app.screen.session.client.retries = 0
        server.stop()
        app.screen.refresh_changes()
        await settle(pilot)
        assert "offline since 10:05 — showing last data" in header_text(app)
        assert len(views(app)) == shown


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light", "textual-light"])
async def test_themes_from_config(make_app, theme):
    app = make_app(theme=theme)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == theme


async def test_initial_load_failure_is_a_message_not_a_crash(make_app, sandbox):
    sandbox.faults.add("503", path="/businesses", times=10)
    app = make_app()
    app.session.client.retries = 0
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        assert "no data yet; press r to retry" in header_text(app)
        sandbox.faults.clear()
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.day.complete and "updated 10:05" in header_text(app)


async def test_privacy_initials(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        name = view.patient_label()
        await pilot.press("i")
        await pilot.pause()
        table = app.screen.query_one(AppointmentTable)
        assert name not in table.cell(view.id, "patient")
        assert name not in links_text(app) and name not in detail_text(app)
        assert "initials" in header_text(app)


async def test_privacy_from_config(make_app):
    app = make_app(privacy_initials=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        table = app.screen.query_one(AppointmentTable)
        assert table.cell(view.id, "patient") != view.patient_label()


async def test_idle_lock_hides_everything_until_a_key(make_app):
    app = make_app(idle_lock_seconds=1)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        for _ in range(50):
            await pilot.pause(0.1)
            if isinstance(app.screen, LockScreen):
                break
        assert isinstance(app.screen, LockScreen)
        await pilot.pause()  # the lock screen pushed during the last pause is mounted
        assert "press any key" in str(app.screen.query_one("#lock-message").render()).lower()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_lock_now_key(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)


async def test_help_lists_every_key_and_remaps_apply(make_app):
    app = make_app(keys={"send": "S", "reveal": "V"})
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {description: key for key, description, _ in app.screen.rows}
        for description in ("Filter", "Prev day", "Next day", "Today", "Location", "Telehealth only", "Reveal",
                            "Copy", "Copy pract.", "Send", "Refresh", "Initials", "Quit", "Help", "Palette"):
            assert description in rows
        assert rows["Send"] == "S" and rows["Reveal"] == "V"
        await pilot.press("escape")
        await pilot.pause()
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, SendConfirmScreen)


async def test_palette_runs_actions(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Telehealth only")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.telehealth_only


async def test_quit(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


# -- set-up screen ---------------------------------------------------------------

def setup_app(tmp_path, server, monkeypatch):
    from tui.config import Config
    from tui.services.session import open_session

    config = Config()
    config = config.model_copy(update={"cliniko": config.cliniko.model_copy(update={"base_url": server.base_url})})
    return FrontdeskApp(config, config_path=tmp_path / "config" / "config.toml", session_factory=open_session)


async def test_setup_good_key_saves_private_config(tmp_path, server, monkeypatch):
    from tui.sandbox.seed import DEMO_KEY

    app = setup_app(tmp_path, server, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        key_box = app.screen.query_one("#api-key", Input)
        assert key_box.password
        await pilot.press(*DEMO_KEY)
        await pilot.press("tab", *CONTACT)
        await pilot.press("enter")
        await settle(pilot)
        status = str(app.screen.query_one("#setup-status").render())
        assert "Signed in as Rosa Delgado (receptionist), shard au4" in status and DEMO_KEY not in status
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    path = tmp_path / "config" / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert DEMO_KEY in path.read_text() and CONTACT in path.read_text()


async def test_setup_rejected_key_saves_nothing(tmp_path, server, monkeypatch):
    app = setup_app(tmp_path, server, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*"WRONGKEY99999-au4")
        await pilot.press("tab", *CONTACT)
        await pilot.press("enter")
        await settle(pilot)
        status = str(app.screen.query_one("#setup-status").render())
        assert "Not saved: API key rejected: wrong key, or wrong shard." in status
        assert "WRONGKEY99999" not in status
        assert app.screen.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
    assert not (tmp_path / "config" / "config.toml").exists()


async def test_setup_missing_contact_email(tmp_path, server, monkeypatch):
    from tui.sandbox.seed import DEMO_KEY

    app = setup_app(tmp_path, server, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*DEMO_KEY, "enter")
        await settle(pilot)
        assert "contact email is required" in str(app.screen.query_one("#setup-status").render())


def test_ui_free_layers_do_not_import_textual():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import tui.cli, tui.cliniko.client, tui.domain.eligibility, tui.services.day_loader,"
        " tui.services.session, tui.commands.today, tui.commands.doctor, tui.sandbox.server\n"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


async def test_demo_outbox_lists_delivered_messages_masked(tmp_path):
    from datetime import timezone as tz

    from tui.config import Config
    from tui.services.session import open_demo_session

    session = open_demo_session(Config(), now=NOW)
    app = FrontdeskApp(Config(), config_path=tmp_path / "c.toml", session=session)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = find(app, lambda v: v.kind == "individual" and v.send_eligibility(v.primary_attendee(), NOW).allowed
                    and v.primary_attendee().patient.email)
        await _open_send(app, pilot, view)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        text = _dialog_text(app.screen)
        link = view.primary_attendee().link
        assert "Outbox — delivered in this demo" in text and link.masked() in text and link.url not in text
        assert f"EMAIL to {view.primary_attendee().patient.email}" in text
        assert NOW.tzinfo is tz.utc


def fill(screen, values: dict[str, str], security: str = "none") -> None:
    for selector, value in values.items():
        screen.query_one(selector, Input).value = value
    screen.query_one("#smtp-security").value = security


async def test_setup_configures_email_and_sms(tmp_path, server, monkeypatch):
    from tui.config import load_config
    from tui.sandbox.seed import DEMO_KEY
    from tui.sandbox.server import DEMO_SMS_SID
    from tui.sandbox.smtp import MailCatcher

    with MailCatcher(username="desk", password="pw-123456") as mail:
        app = setup_app(tmp_path, server, monkeypatch)
        async with app.run_test(size=(100, 50)) as pilot:
            await pilot.pause()
            screen = app.screen
            fill(screen, {"#api-key": DEMO_KEY, "#contact": CONTACT, "#smtp-host": "127.0.0.1", "#smtp-port": str(mail.port),
                      "#smtp-user": "desk", "#smtp-password": "pw-123456", "#smtp-from": "desk@clinic.example",
                          "#sms-sid": DEMO_SMS_SID, "#sms-token": "tok-secret", "#sms-from": "+61290000000"})
            await pilot.pause()
            screen.action_check()
            await settle(pilot)
            status = str(screen.query_one("#setup-status").render())
            assert "Signed in as Rosa Delgado" in status and "logged in" in status and "SMS via" in status
            assert "pw-123456" not in status and "tok-secret" not in status
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
        assert mail.received == []
    path = tmp_path / "config" / "config.toml"
    config = load_config(path, env={})
    assert config.email.secret() == "pw-123456" and config.sms.secret() == "tok-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_setup_rejects_bad_channel_settings(tmp_path, server, monkeypatch):
    from tui.sandbox.seed import DEMO_KEY

    app = setup_app(tmp_path, server, monkeypatch)
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        fill(screen, {"#api-key": DEMO_KEY, "#contact": CONTACT, "#smtp-host": "smtp.example.com",
                      "#smtp-from": "desk@clinic.example"})
        await pilot.pause()
        screen.action_check()
        await settle(pilot)
        assert "allowed only for a server on this machine" in str(screen.query_one("#setup-status").render())
    assert not (tmp_path / "config" / "config.toml").exists()


async def test_every_file_written_is_private(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        app.screen.select_appointment(eligible(app).id)
        await pilot.press("v")
        await pilot.pause()
    data = tmp_path / "data"
    written = [p for p in data.rglob("*")]
    assert any(p.name == "audit.sqlite3" for p in written) and any(p.name == "locations.json" for p in written)
    for path in [data, *written]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


async def test_the_day_is_asked_for_before_the_console_draws_and_only_once(make_app, sandbox, monkeypatch):
    """The app starts the first day's requests as its event loop starts; the
    console adopts that load instead of asking again."""
    sent_at_mount = []
    mount = MainScreen.on_mount

    def spy(screen):
        sent_at_mount.append(screen.session.client.request_count)
        mount(screen)

    monkeypatch.setattr(MainScreen, "on_mount", spy)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert app.screen.day.complete and app.screen.early is None
    assert sent_at_mount[0] >= 1  # already on the wire when the console mounted
    for path in ("/individual_appointments", "/group_appointments", "/appointment_types", "/practitioners"):
        assert sandbox.request_count(path) == 1, path


async def test_an_early_load_for_another_day_is_dropped(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("right_square_bracket")  # next day, before the first day is in
        await settle(pilot)
        assert app.screen.day.local_date == date(2026, 11, 25) and app.screen.day.complete
        assert "Wed 25 Nov 2026" in header_text(app)


async def test_holding_r_never_breaks_the_rate_limit(make_app, sandbox):
    """Every `r` starts a full reload; the governor keeps the key under
    Cliniko's 200 requests a minute however fast staff press it."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        for _ in range(60):
            await pilot.press("r")
            await pilot.pause(0.02)
        await pilot.pause(0.5)
        assert 100 < len(sandbox.requests) <= 200  # pushed to the limit, never past it
        assert not [r for r in sandbox.requests if r.status == 429]
        assert isinstance(app.screen, MainScreen)
