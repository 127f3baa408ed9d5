"""The console is built on messages: these tests listen to what is posted
(``run_test(message_hook=…)``) and assert it before any pixel. Workers
answer with a message, and only the screen swaps a new Day in: the day on
screen is never changed under it."""

from __future__ import annotations

from frontdesk.screens.arrival_flow import ArrivalSaved
from frontdesk.screens.day_feed import DateKnown, DayUpdated, SendsRead, SignedIn
from frontdesk.screens.send import SendConfirmScreen
from frontdesk.screens.link_actions import RevealRecorded
from frontdesk.screens.send_flow import SendFinished, SendStarted

from conftest import NOW, settle
from console_helpers import eligible, find

SIZE = (140, 40)


class Posted:
    """Every message posted while the app runs, in order."""

    def __init__(self) -> None:
        self.messages: list[object] = []
        self._seen: set[int] = set()

    def __call__(self, message) -> None:
        if id(message) not in self._seen:  # a bubbling message is heard once
            self._seen.add(id(message))  # (the list keeps it alive: its id is not reused)
            self.messages.append(message)

    def of(self, kind) -> list:
        return [m for m in self.messages if isinstance(m, kind)]

    def order(self, *kinds) -> list[type]:
        return [type(m) for m in self.messages if isinstance(m, kinds)]


async def test_a_load_says_the_date_then_the_day_then_this_desks_sends(make_app, sandbox):
    app, posted = make_app(), Posted()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await settle(pilot)
        order = posted.order(DateKnown, DayUpdated, SendsRead)
        assert order[0] is DateKnown and order[-1] is SendsRead
        days = posted.of(DayUpdated)
        assert days[-1].day.complete and all(d.generation == days[-1].generation for d in days)
        assert len(days[-1].day.appointments) == len(app.screen.views) > 60
        signed_in = posted.of(SignedIn)
        assert len(signed_in) == 1 and signed_in[0].user.role == "receptionist"


async def test_a_refresh_with_no_change_swaps_in_a_new_day_and_redraws_no_row(make_app):
    app, posted = make_app(), Posted()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await settle(pilot)
        screen = app.screen
        before_day, before_rows = screen.day, screen.views
        screen.refresh_changes()
        await settle(pilot)
        answer = posted.of(DayUpdated)[-1]
        assert answer.refreshed is not None and answer.based_on is before_day
        assert not answer.refreshed.changed and screen.day is answer.day is not before_day
        assert all(a is b for a, b in zip(screen.views, before_rows, strict=True)), "no row was rebuilt"


async def test_a_refresh_redraws_only_the_appointment_that_changed(make_app, sandbox):
    app, posted = make_app(), Posted()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await settle(pilot)
        screen = app.screen
        target = find(app, lambda v: v.kind == "individual" and v.status == "booked" and v.appointment.starts_at > NOW)
        before_day, before_rows = screen.day, screen.views
        sandbox.cancel_appointment(target.id)
        screen.refresh_changes()
        await settle(pilot)
        answer = posted.of(DayUpdated)[-1]
        assert answer.refreshed.changed == {target.id}
        assert before_day.view(target.id).status == "booked", "the old day was not changed"
        rebuilt = [new.id for new, old in zip(screen.views, before_rows, strict=True) if new is not old]
        assert rebuilt == [target.id]
        assert "cancelled" in screen.table.cell(target.id, "status")


async def test_an_arrival_posts_arrival_saved_and_a_new_day(make_app, sandbox):
    app, posted = make_app(), Posted()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await settle(pilot)
        screen = app.screen
        view = find(app, lambda v: v.kind == "individual" and v.status == "booked" and v.appointment.starts_at > NOW)
        screen.select_appointment(view.id)
        await pilot.pause()
        before_day = screen.day
        await pilot.press("A", "y")  # not started: asked first
        await settle(pilot)
        saved = posted.of(ArrivalSaved)
        assert len(saved) == 1 and saved[0].error is None and saved[0].change.appointment_id == view.id
        assert saved[0].record is not None and saved[0].record.patient_arrived is True
        assert before_day.appointments[view.id].patient_arrived is False
        assert screen.day is not before_day and screen.day.appointments[view.id].patient_arrived is True


async def test_a_send_posts_send_finished_then_the_sends_are_read_again(make_app, mail):
    app, posted = make_app(), Posted()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await settle(pilot)
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SendConfirmScreen)
        start = len(posted.messages)
        await pilot.press("y")
        await settle(pilot)
        after = posted.messages[start:]
        finished = [m for m in after if isinstance(m, SendFinished)]
        assert len(finished) == 1 and finished[0].single and finished[0].results[0][2] is True
        assert [type(m) for m in after if isinstance(m, (SendStarted, SendFinished, SendsRead))] == \
            [SendStarted, SendFinished, SendsRead]
        assert app.screen.links.sending is False  # "Sending…" came and went with the messages
        assert len(mail.received) == 1


async def test_the_link_panel_owns_its_keys_and_asks_with_messages(make_app):
    """v c p s are the panel's (LinkPanel.KEYS, each an action of the panel);
    each press posts what it asks for, with the appointment and the attendee
    chosen in the panel, before anything is revealed, copied or sent."""
    from frontdesk.widgets.link_panel import LinkPanel

    for binding in LinkPanel.KEYS:
        name = binding.action.removeprefix("panel('").removesuffix("')")
        assert callable(getattr(LinkPanel, f"action_{name}", None)), binding.action
    app, posted = make_app(), Posted()
    async with app.run_test(size=SIZE, message_hook=posted) as pilot:
        await settle(pilot)
        view = find(app, lambda v: v.kind == "group" and v.telehealth == "on" and len(v.attendees) > 2)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        await pilot.press("full_stop")
        start = len(posted.messages)
        await pilot.press("v", "c", "p")
        await pilot.pause()
        asked = [m for m in posted.messages[start:]
                 if isinstance(m, (LinkPanel.RevealRequested, LinkPanel.CopyRequested))]
        assert [type(m).__name__ for m in asked] == ["RevealRequested", "CopyRequested", "CopyRequested"]
        assert [getattr(m, "role", None) for m in asked] == [None, "patient", "practitioner"]
        assert all(m.view.id == view.id and m.attendee.attendee.id == view.attendees[1].attendee.id for m in asked)
        await settle(pilot)
        [recorded] = [m for m in posted.messages[start:] if isinstance(m, RevealRecorded)]  # audited, then shown
        assert (recorded.appointment_id, recorded.attendee_id) == (view.id, view.attendees[1].attendee.id)
        await pilot.press("s")
        await pilot.pause()
        [send] = [m for m in posted.messages if isinstance(m, LinkPanel.SendRequested)]
        assert send.attendee.attendee.id == view.attendees[1].attendee.id
