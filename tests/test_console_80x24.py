"""The console at 80x24, the size of most SSH terminals (issue 12): what
was seen there, each as a Pilot run at that size."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rich.cells import cell_len
from textual.widgets import Button

from frontdesk.app import FrontdeskApp
from frontdesk.cliniko.governor import RateGovernor
from frontdesk.screens.send import SendConfirmScreen
from frontdesk.services.session import open_session
from frontdesk.widgets.appointment_table import AppointmentTable
from frontdesk.widgets.detail_pane import DetailPane

from conftest import NOW, console_config, settle
from console_helpers import dialog_text, find, group, header_text, links_text, open_send, screen_lines

SIZE = (80, 24)


def late_app(server, tmp_path, mail=None, hours=6):
    """The seeded day seen later on: the next appointment due is far down the list."""
    config = console_config(server, mail, idle_lock_seconds=0)
    later = NOW + timedelta(hours=hours)
    session = open_session(config, clock=lambda: later)
    session.client.governor = RateGovernor(limit=200)
    return FrontdeskApp(config, config_path=tmp_path / "c.toml", session=session)


def cursor_in_view(app) -> bool:
    """Exactly one row on screen carries the cursor's ▶."""
    table = app.screen.query_one(AppointmentTable)
    return len([line for line in screen_lines(table) if "▶" in line]) == 1


async def choose_location(pilot, ups: int) -> None:
    await pilot.press("b")
    await pilot.pause()
    await pilot.press(*["up"] * ups, "enter")
    await settle(pilot)


async def test_the_header_keeps_the_date_with_a_long_location_name(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose_location(pilot, 2)  # All → (wraps to) Telehealth Hub → Auckland
        top, bottom = header_text(app).split("\n")
        assert "Auckland" in top and cell_len(top) <= 78
        assert bottom.startswith("Tue 24 Nov 2026 · updated") and "appointments" in bottom
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert header_text(app).split("\n")[1].startswith("Wed 25 Nov 2026 (tomorrow) · NOT TODAY · ")


async def test_all_locations_tag_each_row_and_say_the_times_are_local(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(AppointmentTable)
        lines = screen_lines(table)
        assert lines[0].split()[:3] == ["Time", "Loc", "Patient"]
        tags = {line.split()[1] for line in lines[1:] if line.strip()[:1].isdigit()}
        assert tags <= {"SYD", "AUC", "TEL"} and len(tags) > 1
        assert "(Sydney time)" in header_text(app).split("\n")[0]


async def test_the_chosen_row_stays_in_view_after_every_change(server, tmp_path):
    app = late_app(server, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert cursor_in_view(app)
        await choose_location(pilot, 1)  # Telehealth Hub
        assert cursor_in_view(app)
        await choose_location(pilot, 1)  # Auckland: the case seen
        assert cursor_in_view(app)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert cursor_in_view(app)
        await pilot.press("r")
        await settle(pilot)
        assert cursor_in_view(app)
        await pilot.press("slash", "e")
        await settle(pilot)
        assert cursor_in_view(app)


async def test_a_big_group_keeps_send_and_its_reason_in_view(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = group(app)
        assert len(view.attendees) >= 8
        app.screen.select_appointment(view.id)
        await pilot.pause(0.4)
        button = app.screen.query_one("#send", Button)
        reason = app.screen.query_one("#send-reason")
        for widget in (button, reason):
            assert widget.region.height and widget.region.bottom <= SIZE[1] - 1, widget  # above the footer
        assert "Ready to send" in reason.plain or "Cannot send" in reason.plain


async def test_d_switches_the_lower_pane_and_tab_reaches_each_pane(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        noted = next(v for v in screen.day.views() if v.appointment.notes == "Check hearing aid works with video")
        screen.select_appointment(noted.id)
        await pilot.pause()
        details = screen.query_one("#detail-box")
        assert not details.display and screen.query_one("#links").display
        assert screen.query_one("#side").border_title.startswith("Links · d details")
        await pilot.press("d")
        await pilot.pause()
        assert details.display and not screen.query_one("#links").display
        assert "Check hearing aid works with video" in "\n".join(screen_lines(screen.query_one(DetailPane)))
        assert screen.focused is screen.query_one(AppointmentTable)
        await pilot.press("tab")
        assert screen.focused is details
        await pilot.press("shift+tab")
        assert screen.focused is screen.query_one(AppointmentTable)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("tab")
        assert screen.focused is screen.query_one("#attendee-links")
        await pilot.press("d")  # the focused pane is hidden: its focus moves to the one shown
        await pilot.pause()
        assert screen.focused is details
        await pilot.press("d")
        await pilot.pause()
        assert screen.focused is screen.query_one("#attendee-links")
        await pilot.press("shift+tab", "down")
        assert screen.focused is screen.query_one(AppointmentTable)


async def test_a_focused_pane_scrolls_by_keyboard(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.select_appointment(group(app).id)
        await pilot.press("d")
        await pilot.pause(0.4)
        details = app.screen.query_one("#detail-box")
        details.focus()
        await pilot.pause()
        assert details.max_scroll_y > 0
        await pilot.press("down", "down")
        await pilot.pause()
        assert details.scroll_y > 0


async def test_the_group_send_confirmation_fits_and_names_everyone(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.select_appointment(group(app).id)
        await pilot.pause()
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SendConfirmScreen)
        await pilot.press("a")
        await pilot.pause()
        box = dialog.query_one("#send-dialog")
        assert box.region.y >= 0 and box.region.bottom <= SIZE[1]
        keys = dialog.query_one("#send-keys")
        assert keys.region.height and "y / enter send" in str(keys.render())
        assert "Not sent to" in str(dialog.query_one("#send-summary").render())


async def test_the_palette_offers_no_screenshot(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert sorted(titles) == ["Keys", "Quit", "Theme"]
        assert "Screenshot" not in titles and "Maximize" not in titles


async def test_the_unknown_flag_is_said_as_unknown(make_app):
    from console_helpers import of_state

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.select_appointment(of_state(app, "unknown").id)
        await pilot.pause()
        assert "Telehealth setting unknown — treated as off" in links_text(app)
        assert "not a Telehealth appointment" not in links_text(app)


async def test_a_group_row_shows_its_whole_count_at_80_columns(make_app):
    """'Group · 3/…' hid how full the class is; narrow it reads 'Group 3/8'."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = group(app)
        active = sum(1 for a in view.attendees if a.active)
        capacity = view.appointment.max_attendees or len(view.attendees)
        cell = app.screen.query_one(AppointmentTable).cell(view.id, "patient")
        assert cell.strip() == f"Group {active}/{capacity}"


@pytest.mark.parametrize(("patient_zone", "said"), [
    ("Australia/Sydney", "(same zone as clinic)"),
    (None, "(same zone as clinic: none on the patient's record)"),
    ("Europe/London", "(Europe/London)"),
])
async def test_the_confirmation_says_the_patient_time_was_checked(make_app, sandbox, patient_zone, said):
    """Issue 12 #12: the patient's time row is always there, so staff know it
    was looked at, not only when the zones differ."""
    for patient in sandbox.store.patients.values():
        patient["time_zone"] = patient_zone
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = find(app, lambda v: v.kind == "individual" and v.zone.key == "Australia/Sydney"
                    and v.decision(v.primary_attendee(), NOW).allowed)
        dialog = await open_send(app, pilot, view)
        [line] = [line for line in dialog_text(dialog).splitlines() if line.startswith("Time (patient)")]
        assert line.rstrip().endswith(said)


async def test_help_wraps_each_description_in_its_own_column(make_app):
    """At 80 columns long descriptions wrapped under the keys ("(audited)" at
    the left edge); each continuation now starts in the description column."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        grid = app.screen.query("#help-body Static")[1]
        lines = [line.rstrip() for line in screen_lines(grid) if line.strip()]
        keys = {key for key, _, _ in app.screen.rows}
        indent = max(cell_len(key) for key in keys) + 2
        assert len(lines) > len(keys)  # some descriptions do wrap at this width
        for line in lines:
            head = line[:indent].rstrip()
            assert head in keys or head == "", line


def rows_on_screen(app) -> int:
    table = app.screen.query_one(AppointmentTable)
    return len([line for line in screen_lines(table)[1:] if line.strip()[:2].isdigit() or "▶" in line])


async def test_the_list_shows_at_least_twelve_rows_and_the_send_state(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert rows_on_screen(app) >= 12
        reason = app.screen.query_one("#send-reason")
        link_lines = screen_lines(app.screen.query_one("#patient-links"))
        assert link_lines[0].lstrip().startswith("PATIENT LINK — anyone with this link can join")
        assert reason.region.height == 1 and ("Ready to send" in reason.plain or "Cannot send" in reason.plain)


async def test_notifications_go_to_the_status_line_and_never_cover_the_send_state(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = find(app, lambda v: v.kind == "individual" and v.telehealth == "on")
        app.screen.select_appointment(view.id)
        await pilot.pause()
        for _ in range(3):
            await pilot.press("p")  # each copy is told
            await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        status = app.screen.query_one("#status")
        assert "Showing Telehealth appointments only" in str(status.render())
        reason = app.screen.query_one("#send-reason")
        toasts = [t for t in app.screen.query("Toast") if t.display and t.region.height]
        assert toasts == [], "no toast is drawn over the panes"
        assert status.region.y > reason.region.y and status.region.bottom <= SIZE[1] - 1


async def test_tab_grows_the_lower_pane_to_every_attendee_and_the_list_takes_it_back(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = group(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        patients = app.screen.query_one("#patient-links")
        compact = screen_lines(patients)
        assert sum(": https://" in line for line in compact) == 1 and f"1/{len(view.attendees)}" in compact[1]
        await pilot.press("tab")
        await pilot.pause(0.4)
        grown = "\n".join(screen_lines(patients))
        assert all(a.name in grown for a in view.attendees)  # every attendee, the masked link once
        assert grown.count("https://") == 1
        await pilot.press("shift+tab")
        await pilot.pause(0.4)
        assert app.screen.focused is app.screen.table and rows_on_screen(app) >= 12
