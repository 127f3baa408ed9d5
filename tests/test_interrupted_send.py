"""A send cut off half-way, with real process signals in a real terminal.

frontdesk --demo runs in tmux with a slow sandbox (1 s a request), so a send
spends a second or more between handing the message over and recording the
outcome. The window is then ended the three ways an SSH session ends: SIGHUP
(the connection drops), SIGKILL, and tmux kill-pane (the terminal goes).
Every later screen must tell the truth: the send was interrupted and may have
reached the patient; nobody is refused "from another window"; a new send
needs y twice.
"""

import csv
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_end_to_end import _port, stats

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

NOW = "2026-11-24T10:05:00+11:00"
ROOT = Path(__file__).resolve().parent.parent


class Window:
    """One frontdesk --demo in its own tmux session."""

    def __init__(self, tmp_path: Path, name: str, *extra: str) -> None:
        self.session = f"fd-cut-{os.getpid()}-{name}"
        self.port = _port()
        self.env = {"FRONTDESK_CONFIG": str(tmp_path / "config.toml"), "FRONTDESK_DATA_DIR": str(tmp_path / "data"),
                    "FRONTDESK_DEMO_PORT": str(self.port), "TERM": "xterm-256color"}
        exports = " ".join(f"{k}={v}" for k, v in self.env.items())
        command = f"env {exports} {sys.executable} -m frontdesk --demo --now {NOW} {' '.join(extra)}"
        self.tmux("kill-session", "-t", self.session, check=False)
        self.tmux("new-session", "-d", "-s", self.session, "-x", "100", "-y", "30", "-c", str(ROOT), command)
        self.pid = int(self.tmux("display", "-p", "-t", self.session, "#{pane_pid}").strip())

    def tmux(self, *args: str, check: bool = True) -> str:
        return subprocess.run(["tmux", *args], capture_output=True, text=True, check=check).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-t", self.session, "-p")

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen()}")

    def wait_gone(self, text: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while text in self.screen():
            assert time.monotonic() < deadline, self.screen()
            time.sleep(0.1)

    def keys(self, *names: str) -> None:
        for name in names:
            self.tmux("send-keys", "-t", self.session, name)
            time.sleep(0.15)

    def to_first_sendable(self) -> None:
        """The first Telehealth row whose link may go (same on every start: the clock is fixed)."""
        self.wait_for("updated 10:05")
        self.keys("f")
        for _ in range(30):
            if "Ready to send to" in self.screen():
                return
            self.keys("j")
        raise AssertionError(self.screen())

    def close(self) -> None:
        self.tmux("kill-session", "-t", self.session, check=False)


def sends(data: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(data / "demo" / "audit.sqlite3") as db:
        return list(db.execute("SELECT outcome, detail FROM audit WHERE action = 'send' ORDER BY id"))


def claims(data: Path) -> int:
    with sqlite3.connect(data / "demo" / "audit.sqlite3") as db:
        return db.execute("SELECT count(*) FROM send_claims").fetchone()[0]


def wait_until_delivering(data: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if ("delivering", None) in sends(data):
                return
        except sqlite3.Error:
            pass
        time.sleep(0.02)
    raise AssertionError(f"the send never reached the channel: {sends(data)}")


def gone(pid: int, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def day_sheet(tmp_path: Path) -> list[dict[str, str]]:
    env = os.environ | {"FRONTDESK_CONFIG": str(tmp_path / "config.toml"), "FRONTDESK_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run([sys.executable, "-m", "frontdesk", "today", "--demo", "--csv", "--now", NOW], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return list(csv.DictReader(io.StringIO(out.stdout)))


@pytest.mark.parametrize("how", ["SIGHUP", "SIGKILL", "kill-pane"])
def test_a_send_cut_off_is_shown_as_interrupted_everywhere(tmp_path, how):
    data = tmp_path / "data"
    first = Window(tmp_path, "first", "--latency", "1.0")
    try:
        first.to_first_sendable()
        patient = first.screen().split("Ready to send to ", 1)[1].split("▌")[0].strip()
        first.keys("s")
        first.wait_for("Send the PATIENT LINK to the patient")
        first.wait_gone("Checking whether it was already sent")
        first.keys("y")
        wait_until_delivering(data)
        if how == "kill-pane":
            first.tmux("kill-pane", "-t", first.session)
        else:
            os.kill(first.pid, getattr(signal, how))
        assert gone(first.pid), f"frontdesk kept running after {how}"
    finally:
        first.close()

    [(outcome, detail)] = sends(data)
    if how == "SIGKILL":
        assert outcome == "delivering" and claims(data) == 1  # nothing could run: the next start settles it
    else:
        assert outcome == "interrupted" and "SIGHUP" in detail and claims(data) == 0

    # the day sheet (a new process) settles the dead window's claim and says the truth
    rows = [r for r in day_sheet(tmp_path) if r["sent"] not in ("", "not sent")]
    assert [r["sent"] for r in rows] == ["A send was interrupted at 10:05: it may have reached the patient "
                                         "(Rosa Delgado, Email)"], rows
    assert claims(data) == 0 and sends(data)[0][0] == "interrupted"
    assert patient.startswith(rows[0]["patient"][:len(patient)].rstrip("…"))
    if how != "SIGKILL":
        return

    again = Window(tmp_path, "again")
    try:
        again.to_first_sendable()
        shown = again.screen()
        assert "A send was interrupted at 24 Nov 10:05: it may have reached the patient" in shown
        assert "another window" not in shown
        again.keys("a")  # the audit viewer
        again.wait_for("began sending the patient link")
        again.wait_for("interrupted: it may have reached the")
        again.keys("Escape", "o")  # the outbox
        again.wait_for("Outbox")
        again.wait_for("interrupted: it may have reached the")
        again.keys("Escape", "s")
        again.wait_for("Send the PATIENT LINK to the patient")
        again.wait_gone("Checking whether it was already sent")
        assert "A send was interrupted at 24 Nov 10:05" in again.screen()
        again.keys("y")
        again.wait_for("press y again to resend")
        assert stats(f"http://127.0.0.1:{again.port}/_sandbox/stats")["memos"] == 0  # nothing sent on one y
        again.keys("y")
        again.wait_for("Already sent 24 Nov 10:05 by Rosa Delgado (Email)")
        assert stats(f"http://127.0.0.1:{again.port}/_sandbox/stats")["memos"] == 1
    finally:
        again.close()
    assert [o for o, _ in sends(data)] == ["interrupted", "sent"]
