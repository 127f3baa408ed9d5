"""The console's list with Pilot against the loopback sandbox: loading, moving,
filtering, other days and locations, reloads, privacy, failures."""

from datetime import date, timedelta

import pytest
from textual.widgets import Input

from frontdesk.screens.main import MainScreen
from frontdesk.screens.modals import LocationPicker
from frontdesk.widgets.appointment_table import AppointmentTable

from conftest import NOW, settle
from console_helpers import Heard, cancelled, detail_text, eligible, header_text, links_text, screen_lines, views


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
        first = screen.state.current_id
        due = next(v for v in views(app) if v.appointment.ends_at > NOW and v.status != "cancelled")
        assert first == due.id  # the cursor starts on the next appointment due
        await pilot.press("j")
        second = screen.state.current_id
        await pilot.press("down")
        third = screen.state.current_id
        await pilot.press("k", "up")
        assert len({first, second, third}) == 3 and screen.state.current_id == first
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
        assert app.screen.state.current_id == view.id
        assert "Cannot send: Appointment cancelled" in links_text(app)
        assert len(sandbox.requests) - before == 3
        for _ in range(3):  # a full reload, whichever pages land first, keeps the selection
            await pilot.press("r")
            await settle(pilot)
            for _ in range(30):
                if app.screen.day is not None and app.screen.day.complete and not app.screen.state.busy:
                    break
                await pilot.pause(0.05)
            assert app.screen.state.current_id == view.id and app.screen.day.complete


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
            if app.screen.day is not None and app.screen.day.complete and not app.screen.state.busy:
                break
            await pilot.pause(0.05)
        assert app.screen.state.current_id == view.id
        assert view.patient_label() in detail_text(app)


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
        assert app.screen.day.complete and app.screen.feed.early is None
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
    # a 2 s read timeout: short enough for the timeout fault (5 s), long enough
    # that the day's first load never trips it on a busy CI machine
    app = make_app(client_options=dict(retries=0, max_rate_wait=0, timeout=2.0))
    heard = Heard()
    async with app.run_test(size=(140, 40), message_hook=heard) as pilot:
        await settle(pilot)
        shown = len(views(app))
        sandbox.faults.timeout_seconds = 5
        sandbox.faults.add(fault, path="/bookings", times=5)
        app.screen.refresh_changes()
        await settle(pilot)
        assert f"{words} since 10:05 — showing last data" in header_text(app)
        assert len(views(app)) == shown
        assert heard.notes and isinstance(app.screen, MainScreen)


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
