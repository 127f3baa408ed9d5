"""The day sheet (issue 13 §5): `today --csv` parsed back with the csv
module, its decisions the same as `today --json`'s, links only with
--reveal (audited), formulas defused; and the console's export, 0600."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import stat

from frontdesk.cli import main
from frontdesk.sandbox.seed import DEMO_KEY

from conftest import CONTACT, settle
from console_helpers import Heard

NOW_ARG = "2026-11-24T10:05:00+11:00"


def sheet(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_today_csv_is_the_day_one_row_per_attendee(capsys):
    assert main(["today", "--demo", "--csv", "--now", NOW_ARG]) == 0
    text = capsys.readouterr().out
    assert "\r\n" in text and "/c/" not in text and "/connect" not in text  # RFC 4180 lines, no links
    rows = sheet(text)
    assert list(rows[0]) == ["date", "time", "location", "patient", "practitioner", "type", "telehealth",
                             "status", "sent", "send_decision", "reason"]
    assert main(["today", "--demo", "--json", "--now", NOW_ARG]) == 0
    day = json.loads(capsys.readouterr().out)
    expected = [(a["local_start"], at["patient"]["name"], "yes" if at["send_to_patient"]["allowed"] else "no",
                 at["send_to_patient"]["reason"])
                for a in day["appointments"] for at in a["attendees"]]
    assert [(r["time"], r["patient"], r["send_decision"], r["reason"]) for r in rows] == expected
    assert {r["date"] for r in rows} == {"2026-11-24"}
    assert {r["sent"] for r in rows} <= {"", "not sent"}  # a fresh demo: nothing sent yet
    assert all((r["sent"] == "not sent") == (r["send_decision"] == "yes") for r in rows)


def test_today_csv_reveal_adds_links_and_audits_them(capsys, isolated_dirs):
    assert main(["today", "--demo", "--csv", "--reveal", "--now", NOW_ARG]) == 0
    rows = sheet(capsys.readouterr().out)
    assert "patient_link" in rows[0] and any(re.search(r"/c/[A-Za-z0-9]", r["patient_link"]) for r in rows)
    db = isolated_dirs / "data" / "demo" / "audit.sqlite3"
    actions = {r[0] for r in sqlite3.connect(db).execute("SELECT action FROM audit")}
    assert actions == {"reveal"}


def test_a_name_that_is_a_formula_stays_a_name(capsys, monkeypatch, server, sandbox):
    for patient in sandbox.store.patients.values():
        patient.update(first_name='=HYPERLINK("http://evil.example","x")', preferred_first_name=None,
                       last_name="@SUM(1+1)\x1b[31m")
    monkeypatch.setenv("CLINIKO_API_KEY", DEMO_KEY)
    monkeypatch.setenv("CLINIKO_BASE_URL", server.base_url)
    monkeypatch.setenv("FRONTDESK_CONTACT_EMAIL", CONTACT)
    assert main(["today", "--csv", "--date", "2026-11-24"]) == 0
    rows = sheet(capsys.readouterr().out)
    named = [r for r in rows if "HYPERLINK" in r["patient"]]
    assert named and all(r["patient"].startswith("'=") and "\x1b" not in r["patient"] for r in named)
    assert not any(value.startswith(("=", "+", "@")) for r in rows for value in r.values())


async def test_over_ssh_the_export_says_the_sheet_is_on_the_server(make_app, tmp_path, monkeypatch):
    import socket

    monkeypatch.setenv("FRONTDESK_EXPORT_DIR", str(tmp_path / "Documents" / "frontdesk"))
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.5 50000 10.0.0.1 22")
    app = make_app()
    heard = Heard()
    async with app.run_test(size=(80, 24), message_hook=heard) as pilot:
        await settle(pilot)
        await app.screen.run_action("export_day_sheet")
        await settle(pilot)
    path = tmp_path / "Documents" / "frontdesk" / "day-sheet-2026-11-24.csv"
    host = socket.gethostname()
    assert (f"Day sheet saved (no links, only you can read it) on the server {host}, not this computer, at {path} "
            f"(to copy it here: scp {host}:{path} .)") in heard


async def test_the_console_exports_the_day_sheet(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTDESK_EXPORT_DIR", str(tmp_path / "Documents" / "frontdesk"))
    app = make_app()
    heard = Heard()
    async with app.run_test(size=(80, 24), message_hook=heard) as pilot:
        await settle(pilot)
        await app.screen.run_action("export_day_sheet")
        await settle(pilot)  # read, written and audited off the UI loop
        shown = len(app.screen.state.views_of_day())
    path = tmp_path / "Documents" / "frontdesk" / "day-sheet-2026-11-24.csv"
    assert f"Day sheet saved (no links, only you can read it) at {path}" in heard
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads accents right (it is opened there)
    rows = sheet(path.read_text(encoding="utf-8-sig"))
    assert len({(r["time"], r["practitioner"], r["type"]) for r in rows}) <= shown <= len(rows)
    assert "/c/" not in path.read_text(encoding="utf-8")
    db = tmp_path / "data" / "audit.sqlite3"
    assert [r[0] for r in sqlite3.connect(db).execute("SELECT detail FROM audit WHERE action = 'export'")] == [
        f"day sheet {path}"]
