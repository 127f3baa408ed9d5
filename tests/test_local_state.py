"""Broken local state: a config that is not UTF-8, a data folder that is a
file, a damaged, locked or unwritable audit log. Each gets a sentence (what,
where, what to do) and exit 2 or a console notification; nothing is lost,
and audited actions are refused while the log cannot record them."""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from frontdesk.cli import main
from frontdesk.cliniko import governor as governor_module
from frontdesk.sandbox.seed import DEMO_KEY
from frontdesk.services.audit import AuditLog, AuditUnavailable

from conftest import CONTACT, ROOT, settle
from console_helpers import Heard, eligible

DAY = "2026-11-24"


@pytest.fixture(autouse=True)
def own_governors(monkeypatch):
    monkeypatch.setattr(governor_module, "_GOVERNORS", {})


@pytest.fixture
def cli_env(monkeypatch, server):
    monkeypatch.setenv("CLINIKO_API_KEY", DEMO_KEY)
    monkeypatch.setenv("CLINIKO_BASE_URL", server.base_url)
    monkeypatch.setenv("FRONTDESK_CONTACT_EMAIL", CONTACT)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_a_config_file_that_is_not_utf8(capsys, isolated_dirs):
    path = isolated_dirs / "config" / "config.toml"
    path.parent.mkdir()
    path.write_bytes(b'[cliniko]\ncontact_email = "caf\xe9@clinic.example"\n')
    code, _, err = run(capsys, "today")
    assert code == 2
    assert f"{path}: not UTF-8 text (byte 0xe9 at position" in err and "Save it as UTF-8" in err
    assert path.read_bytes().startswith(b"[cliniko]")  # untouched


def test_a_data_folder_that_is_a_file(capsys, isolated_dirs, cli_env, monkeypatch):
    blocker = isolated_dirs / "not-a-folder"
    blocker.write_text("someone's notes")
    monkeypatch.setenv("FRONTDESK_DATA_DIR", str(blocker))
    code, out, err = run(capsys, "today", "--json", "--date", DAY)
    assert code == 0 and json.loads(out)["appointments"]  # the day itself needs no local files
    code, out, err = run(capsys, "today", "--json", "--reveal", "--date", DAY)
    assert code == 2 and out == ""  # nothing revealed without the audit log
    assert f"The audit log cannot be created at {blocker}/audit.sqlite3" in err
    assert "FRONTDESK_DATA_DIR" in err
    assert blocker.read_text() == "someone's notes"


def test_a_damaged_audit_log_is_moved_aside_never_overwritten(capsys, isolated_dirs, cli_env):
    data = isolated_dirs / "data"
    data.mkdir()
    damaged = b"this is not a database, but it was someone's audit log" * 100
    (data / "audit.sqlite3").write_bytes(damaged)
    code, out, _ = run(capsys, "today", "--json", "--date", DAY)
    assert code == 0 and (data / "audit.sqlite3").read_bytes() == damaged  # not even opened
    code, out, err = run(capsys, "today", "--json", "--reveal", "--date", DAY)
    assert code == 0 and "/c/" in out
    [aside] = [p for p in data.iterdir() if p.name.startswith("audit.sqlite3.damaged-")]
    assert aside.read_bytes() == damaged
    rows = sqlite3.connect(data / "audit.sqlite3").execute("SELECT count(*) FROM audit").fetchone()[0]
    assert rows > 0
    assert f"The audit log at {data / 'audit.sqlite3'} was damaged. It was moved aside to {aside.name}" in err


def test_a_locked_audit_log_refuses_the_reveal_quickly(capsys, isolated_dirs, cli_env):
    path = isolated_dirs / "data" / "audit.sqlite3"
    AuditLog(path).check()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        code, out, err = run(capsys, "today", "--json", "--reveal", "--date", DAY)
        took = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2 and out == ""
    assert "is locked by another program" in err and "close other frontdesk windows" in err
    assert took < 5


def test_a_full_disk_leaves_no_empty_database_behind(isolated_dirs, server):
    """The audit log cannot grow past 0 bytes (RLIMIT_FSIZE): the reveal is
    refused with a sentence, and no 0-byte database is left behind."""
    data = isolated_dirs / "data"
    env = os.environ | {"CLINIKO_API_KEY": DEMO_KEY, "CLINIKO_BASE_URL": server.base_url,
                        "FRONTDESK_CONTACT_EMAIL": CONTACT, "FRONTDESK_DATA_DIR": str(data),
                        "PYTHONDONTWRITEBYTECODE": "1"}

    def no_room() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    done = subprocess.run([sys.executable, "-m", "frontdesk", "today", "--json", "--reveal", "--date", DAY],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, preexec_fn=no_room)
    assert done.returncode == 2 and done.stdout == ""
    assert "cannot be written: the disk is full or failing. Free some space" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (data / "audit.sqlite3").exists()


async def test_the_console_runs_without_its_audit_log_and_refuses_audited_actions(
        make_app, isolated_dirs, monkeypatch, sandbox, mail):
    blocker = isolated_dirs / "blocked"
    blocker.write_text("x")
    monkeypatch.setenv("FRONTDESK_DATA_DIR", str(blocker))
    app = make_app()
    heard = Heard()
    async with app.run_test(size=(140, 40), message_hook=heard) as pilot:
        await settle(pilot)
        notes = heard.notes
        assert any("The audit log cannot be created" in n and "Reveal, copy and send are off" in n for n in notes)
        assert len(app.screen.views) > 60  # the day list works
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        heard.clear()
        await pilot.press("v")
        await pilot.press("c")
        await settle(pilot)  # the audit log is read or written off the UI loop
        notes = heard.notes
        assert any(n.startswith("Patient link not revealed: The audit log cannot be created") for n in notes)
        assert any(n.startswith("Patient link not copied: The audit log cannot be created") for n in notes)
        assert app.clipboard == "" and view.primary_attendee().link.url not in app.export_screenshot()
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert mail.received == [] and sandbox.sms_outbox == [] and sandbox.memos() == []
        assert app.is_running


def test_audit_failures_are_sentences(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite3")
    log.check()
    holder = sqlite3.connect(tmp_path / "audit.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(AuditUnavailable, match="locked by another program"):
            log.record("copy", user_id=None, user_name=None, appointment_id="1")
    finally:
        holder.execute("ROLLBACK")
    log.record("copy", user_id=None, user_name=None, appointment_id="1")  # free again: works
    assert len(log.entries()) == 1
