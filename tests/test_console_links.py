"""The console's link panel with Pilot: both links with their roles, masked
patient links, reveal and copy (audited), groups, refusals."""

import re

import pytest
from textual.widgets import Button

from frontdesk.screens.send import SendConfirmScreen
from frontdesk.widgets.appointment_table import AppointmentTable
from frontdesk.widgets.link_panel import LinkPanel

from conftest import settle
from console_helpers import audit_rows, eligible, group, links_text, of_state


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
    "state, words, dead",
    [
        ("off", "Cannot send: Telehealth is off for ‘", "not a Telehealth appointment: this link leads nowhere"),
        # issue 12 #12: an unknown flag is said as such, not as "not a Telehealth appointment"
        ("unknown", "Cannot send: Telehealth setting unknown for this type — treated as off",
         "Telehealth setting unknown — treated as off\n"),
    ],
)
async def test_non_telehealth_disables_send_with_reason(make_app, sandbox, state, words, dead):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = of_state(app, state)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        text = links_text(app)
        assert words in text and dead in text
        assert app.screen.query_one("#send", Button).disabled
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, SendConfirmScreen)
        await pilot.press("c")
        await settle(pilot)  # the audit log is read or written off the UI loop
        assert app.clipboard == ""
        assert sandbox.memos() == []


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
        first = app.screen.query_one(LinkPanel).chosen
        await pilot.press("full_stop")
        assert app.screen.query_one(LinkPanel).chosen is not first
        await pilot.press("comma")
        assert app.screen.query_one(LinkPanel).chosen.attendee.id == first.attendee.id


async def test_reveal_for_a_few_seconds_and_audited(make_app, tmp_path):
    app = make_app(reveal_seconds=1)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        link = view.primary_attendee().link
        await pilot.press("v")
        await settle(pilot)  # the audit log is read or written off the UI loop
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
        await settle(pilot)  # the audit log is read or written off the UI loop
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
        await settle(pilot)  # the audit log is read or written off the UI loop
        assert app.clipboard == ""
        assert notes[-1].startswith("Patient link not copied: Telehealth is off")
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.press("c")
        await settle(pilot)  # the audit log is read or written off the UI loop
        assert app.clipboard == view.primary_attendee().link.url
        assert "The PATIENT link for" in notes[-1] and "anyone with it can join" in notes[-1]
        assert "sent to your terminal's clipboard (OSC 52)" in notes[-1]  # what was done, not "copied"
        assert [r[0] for r in audit_rows(tmp_path)] == ["copy"]
        await pilot.press("p")
        await settle(pilot)  # the audit log is read or written off the UI loop
        assert app.clipboard == view.practitioner_link.url
        assert "PRACTITIONER / ADMIN link (needs a Cliniko login)" in notes[-1]


async def test_moving_through_a_long_group_keeps_the_chosen_attendee_in_view(make_app):
    """, and . move the ▶; the pane scrolls so it is always on screen, and
    each attendee's line says sent or not and how they will be reached."""
    from console_helpers import group

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:  # stacked, tall enough for the whole panel
        await settle(pilot)
        view = group(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        scroller = app.screen.query_one("#attendee-links")
        lines = app.screen.query_one("#patient-links")
        for n in range(1, len(view.attendees)):
            await pilot.press("full_stop")
            await pilot.pause()
            shown = [line.text for line in (lines.render_line(y) for y in range(
                int(scroller.scroll_y), int(scroller.scroll_y) + scroller.scrollable_content_region.height))]
            assert any("▶" in line and view.attendees[n].name in line for line in shown), n
        text = links_text(app)
        for attendee in view.attendees:  # who, sent or not, how they will be reached
            [line] = [line for line in text.splitlines() if line.lstrip("▶ ").startswith(attendee.name)]
            assert re.search(r" · (not sent|✓ sent|\? may have gone) · (by Email|by SMS|cannot be sent)$", line), line
        assert text.count("https://") == 1 + (view.practitioner_link is not None)  # the masked link once
