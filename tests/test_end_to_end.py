"""frontdesk --demo in a real terminal (tmux, 100x30), driven by keys."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

SESSION = f"frontdesk-e2e-{os.getpid()}"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def screen() -> str:
    return tmux("capture-pane", "-t", SESSION, "-p")


def wait_for(text: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = screen()
        if text in shown:
            return shown
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen()}")


def keys(*names: str) -> None:
    for name in names:
        tmux("send-keys", "-t", SESSION, name)
        time.sleep(0.15)


def typed(text: str) -> None:
    tmux("send-keys", "-t", SESSION, "-l", text)
    time.sleep(0.3)


@pytest.fixture
def demo(tmp_path):
    port = _port()
    env = {
        "FRONTDESK_CONFIG": str(tmp_path / "config.toml"),
        "FRONTDESK_DATA_DIR": str(tmp_path / "data"),
        "FRONTDESK_DEMO_PORT": str(port),
        "TERM": "xterm-256color",
    }
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    command = f"env {exports} {sys.executable} -m frontdesk --demo --now 2026-11-24T10:05:00+11:00"
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    tmux("new-session", "-d", "-s", SESSION, "-x", "100", "-y", "30", "-c", str(Path(__file__).parent.parent), command)
    try:
        yield f"http://127.0.0.1:{port}/_sandbox/stats"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)


def stats(url: str) -> dict:
    return httpx.get(url, timeout=5).json()


def test_demo_refuses_a_dead_link_and_sends_a_live_one(demo):
    wait_for("updated 10:05")
    # a non-Telehealth appointment: the reason is on screen and s sends nothing
    keys("/")
    typed("Initial Consult")
    keys("Enter")
    shown = wait_for("Cannot send: Telehealth is off for")
    assert "not a Telehealth appointment: this link leads nowhere" in shown
    keys("s")
    time.sleep(0.5)
    assert "Send the PATIENT LINK" not in screen()
    assert stats(demo) | {"requests": 0, "round_trips": 0} == {"requests": 0, "round_trips": 0, "memos": 0, "sms": 0}
    keys("o")
    wait_for("Nothing delivered yet")
    keys("Escape", "Escape")
    # a Telehealth appointment still to come: confirm a send
    keys("f")
    for _ in range(40):
        if "Ready to send to" in screen():
            break
        keys("j")
    wait_for("Ready to send to")
    keys("s")
    wait_for("Send the PATIENT LINK to the patient")
    keys("y")
    wait_for("Already sent")
    after = stats(demo)
    keys("o")
    shown = wait_for("Outbox — delivered in this demo")
    outbox = len(re.findall(r"\b\d+\. (?:Email|SMS) to ", shown))  # the outbox's numbered items
    assert outbox == 1, shown
    assert after["memos"] == 1
    assert "/c/••••" in shown or "/c/" not in shown
