"""The sweep in the console: S lists who would be sent (privacy applies),
space unticks (said in words, not only colour), y sends the ticked ones
with a line each; the list's marks follow. Messages first, then the mail."""

from __future__ import annotations

from conftest import settle
from console_helpers import Heard
from frontdesk.screens.main import MainScreen
from frontdesk.screens.sweep import SweepDone, SweepProgress, SweepScreen
from frontdesk.services import sweep as sweep_service
from frontdesk.services.sweep import SENT


class Spy(Heard):
    def __init__(self) -> None:
        super().__init__()
        self.progress: list[SweepProgress] = []
        self.done = 0

    def __call__(self, message) -> None:
        super().__call__(message)
        if isinstance(message, SweepProgress):
            self.progress.append(message)
        elif isinstance(message, SweepDone):
            self.done += 1


async def test_s_then_y_sends_every_ticked_patient_once(make_app, mail, sandbox, monkeypatch):
    monkeypatch.setitem(sweep_service.PACE, "sms", 0.0)
    app = make_app()
    spy = Spy()
    async with app.run_test(size=(80, 24), message_hook=spy) as pilot:
        await settle(pilot)
        await pilot.press("i", "S")  # initials on the shared screen, then the sweep
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SweepScreen)
        items = screen.plan.items
        assert len(items) > 3 and screen.plan.left_out
        options = screen.query_one("#sweep-list")
        first_name = items[0].attendee.name
        prompt = str(options.get_option_at_index(0).prompt)
        assert prompt.startswith("send ") and first_name not in prompt  # initials only
        await pilot.press("space")
        assert str(options.get_option_at_index(0).prompt).startswith("skip ")
        await pilot.press("y")
        await settle(pilot)
        assert spy.done == 1 and len(spy.progress) == len(items) - 1
        assert all(p.result.outcome == SENT for p in spy.progress)
        assert items[0].key not in {p.result.item.key for p in spy.progress}
        assert f"Done: {len(items) - 1} sent" in str(screen.query_one("#sweep-hint").render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert f"Sweep: {len(items) - 1} patient links sent." in spy
        await pilot.press("S")
        await pilot.pause()
        again = app.screen.plan  # the marks were read again: only the skipped one is left
        assert [i.key for i in again.items] == [items[0].key]
    emails = sum(1 for i in items[1:] if i.channel == "email")
    assert len(mail.received) == emails and len(sandbox.sms_outbox) == len(items) - 1 - emails


async def test_esc_stops_after_the_send_in_flight(make_app, mail, monkeypatch):
    monkeypatch.setitem(sweep_service.PACE, "email", 0.5)
    monkeypatch.setitem(sweep_service.PACE, "sms", 0.5)
    app = make_app(channels=True)
    spy = Spy()
    async with app.run_test(size=(120, 40), message_hook=spy) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await pilot.pause()
        screen = app.screen
        await pilot.press("y")
        while not spy.progress:
            await pilot.pause(0.05)
        await pilot.press("escape")
        await settle(pilot)
        assert spy.done == 1 and 1 <= len(spy.progress) < len(screen.plan.items)
        assert "Done (stopped)" in str(screen.query_one("#sweep-hint").render())
