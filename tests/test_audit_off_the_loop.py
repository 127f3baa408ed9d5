"""The audit log is read off the UI loop: with the log locked by another
program, moving through the list stays instant and says nothing false; the
marks come back once the log can be read."""

import subprocess
import sys
import time

from conftest import settle
from console_helpers import eligible, links_text

HOLD = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


async def test_a_locked_log_never_freezes_the_cursor(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        await app.screen.session.delivery.send(view.primary_attendee().link, "email", kind=view.kind,
                                               practitioner=view.practitioner_name)
        app.screen.read_sends()
        await settle(pilot)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        assert "Already sent" in links_text(app)
        holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "data" / "audit.sqlite3"), "6"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "locked"
            started = time.monotonic()
            for _ in range(10):
                await pilot.press("j")
            await pilot.press(*["k"] * 10)
            took = time.monotonic() - started
            assert took < 2.0, f"20 cursor moves took {took:.1f} s with the log locked"  # was 2 s a move
            assert app.screen.state.current_id == view.id
            assert "Already sent" in links_text(app)  # what was read stays true
        finally:
            holder.kill()
            holder.wait()


async def test_a_key_that_writes_to_a_locked_log_returns_at_once_and_then_says_why(make_app, tmp_path):
    from console_helpers import Heard

    heard = Heard()
    app = make_app()
    async with app.run_test(size=(140, 40), message_hook=heard) as pilot:
        await settle(pilot)
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "data" / "audit.sqlite3"), "6"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "locked"
            started = time.monotonic()
            await pilot.press("c")
            await pilot.press("j", "k")  # the console keeps answering meanwhile
            assert time.monotonic() - started < 1.0
            await settle(pilot)  # the copy's record waits for the lock, in its thread, then gives up
            assert app.clipboard == ""  # fail closed: not recorded, not copied
            assert "is locked by another program" in heard and "Patient link not copied" in heard
        finally:
            holder.kill()
            holder.wait()
