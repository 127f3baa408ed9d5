"""A copy says where it went: inside a tmux that drops copies, nothing is
copied and staff are told why and how to fix it (a stale clipboard would
paste another patient's link)."""

import os
import shutil
import subprocess

import pytest

from conftest import settle
from console_helpers import Heard, audit_rows, eligible
from frontdesk.services.clipboard import clipboard_route

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.fixture
def tmux_server(tmp_path, monkeypatch):
    """A tmux server of the test's own; TMUX points at it as inside a pane."""
    socket = tmp_path / "tmux.sock"

    def start(set_clipboard: str) -> None:
        subprocess.run(["tmux", "-S", str(socket), "new-session", "-d", "-s", "t", "sleep 60"], check=True)
        subprocess.run(["tmux", "-S", str(socket), "set-option", "-g", "set-clipboard", set_clipboard], check=True)
        monkeypatch.setenv("TMUX", f"{socket},{os.getpid()},0")

    yield start
    subprocess.run(["tmux", "-S", str(socket), "kill-server"], capture_output=True)


@needs_tmux
@pytest.mark.parametrize("value, reaches", [("external", False), ("off", False), ("on", None)])
def test_tmux_set_clipboard_is_read(tmux_server, value, reaches):
    tmux_server(value)
    route = clipboard_route()
    assert route.reaches is reaches
    assert ("set -g set-clipboard on" in route.words) is (reaches is False)


def test_outside_tmux_it_says_what_was_done_and_what_cannot_be_known():
    assert clipboard_route({}).reaches is None
    assert "sent to your terminal's clipboard (OSC 52)" in clipboard_route({}).words
    assert clipboard_route({"STY": "123.pts-0"}).reaches is False


@needs_tmux
async def test_c_inside_a_tmux_that_drops_copies_copies_nothing(make_app, tmux_server, tmp_path):
    tmux_server("external")
    heard = Heard()
    app = make_app()
    async with app.run_test(size=(140, 40), message_hook=heard) as pilot:
        await settle(pilot)
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.press("c")
        await settle(pilot)  # the audit log is read or written off the UI loop
        assert app.clipboard == ""
        assert "Patient link NOT copied: tmux here keeps copies from reaching your computer (its set-clipboard is " \
               "external)" in heard
        assert "set -g set-clipboard on" in heard
        assert audit_rows(tmp_path) == []  # nothing copied, nothing recorded as copied
