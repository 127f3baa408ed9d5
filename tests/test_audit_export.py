"""``frontdesk audit``: the desk's entries for IT (never a link), read
without changing the file; ``[audit] keep_years``: old entries go when the
console starts, and the removal is itself recorded."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from datetime import datetime, timedelta, timezone

from conftest import NOW, settle
from frontdesk.cli import main
from frontdesk.services.audit import AuditLog

LINK = "https://harbourhealth.cliniko.com/c/Zq8rT2xW9kLm"


def _log(path, at):
    return AuditLog(path, clock=lambda: at)


def _fill(path):
    """A reveal and a send in November 2026, and a copy eight years before."""
    old = _log(path, NOW - timedelta(days=365 * 8 + 2))
    old.record("copy", user_id="9", user_name="Old Desk", appointment_id="A-old", attendee_id="T-old",
               link_role="patient", link_fingerprint="f" * 16, patient_id="P-old")
    old.close()
    log = _log(path, NOW)
    fingerprint = hashlib.sha256(LINK.encode()).hexdigest()[:16]
    log.record("reveal", user_id="7", user_name="Rosa Delgado", appointment_id="A1", attendee_id="T1",
               link_role="patient", link_fingerprint=fingerprint, patient_id="P1")
    claim = log.claim_send("A2", "T2", fingerprint, repeat_ok=False)
    log.record("send", user_id="7", user_name="Rosa Delgado", appointment_id="A2", attendee_id="T2",
               link_role="patient", link_fingerprint=fingerprint, channel="email", recipient="j•••@example.com",
               outcome="sent", patient_name="Jane Citizen", patient_id="P2", claim=claim)
    log.close()


def test_csv_export_has_who_when_what_and_ids_but_never_a_link(isolated_dirs, capsys):
    path = isolated_dirs / "data" / "audit.sqlite3"
    _fill(path)
    assert main(["audit", "--from", "2026-11-01", "--to", "2026-11-30", "--csv"]) == 0
    out, err = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["action"] for r in rows] == ["reveal", "send"]
    send = rows[1]
    assert send["user_name"] == "Rosa Delgado" and send["appointment_id"] == "A2" and send["patient_id"] == "P2"
    assert send["channel"] == "email" and send["recipient"] == "j•••@example.com" and send["outcome"] == "sent"
    assert send["at"].startswith("2026-11-23T23:05")
    assert "https://" not in out and "Zq8rT2xW9kLm" not in out and "fingerprint" not in out
    assert "Jane" not in out  # ids, not names
    assert "2 audit entries from 2026-11-01 to 2026-11-30" in err and str(path) in err


def test_json_export_without_bounds_has_every_entry(isolated_dirs, capsys):
    _fill(isolated_dirs / "data" / "audit.sqlite3")
    assert main(["audit", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert [e["patient_id"] for e in body["entries"]] == ["P-old", "P1", "P2"]
    assert "link_fingerprint" not in body["columns"]


def test_export_reads_an_older_log_without_changing_it(isolated_dirs, capsys):
    path = isolated_dirs / "data" / "audit.sqlite3"
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT, user_id TEXT, user_name TEXT, action TEXT,"
               " appointment_id TEXT, attendee_id TEXT, link_role TEXT, link_fingerprint TEXT, channel TEXT,"
               " recipient TEXT, outcome TEXT, memo_id TEXT, detail TEXT)")
    db.execute("INSERT INTO audit (at, user_name, action, appointment_id, outcome) VALUES "
               "('2026-11-02T01:00:00+00:00', 'Sam', 'copy', 'A9', 'ok')")
    db.commit()
    db.close()
    before = path.read_bytes()
    assert main(["audit", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["user_name"] == "Sam" and rows[0]["patient_id"] == ""
    assert path.read_bytes() == before


def test_no_log_yet_and_a_damaged_log_are_said(isolated_dirs, capsys):
    assert main(["audit"]) == 0
    assert "0 audit entries" in capsys.readouterr().err
    path = isolated_dirs / "data" / "audit.sqlite3"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database at all" * 100)
    assert main(["audit", "--csv"]) == 2
    err = capsys.readouterr().err
    assert f"The audit log at {path} cannot be read" in err and "Traceback" not in err


def test_a_backwards_span_is_refused(isolated_dirs, capsys):
    assert main(["audit", "--from", "2026-11-30", "--to", "2026-11-01"]) == 2
    assert "--from 2026-11-30 is after --to 2026-11-01" in capsys.readouterr().err


def test_a_spreadsheet_never_runs_an_entry_as_a_formula(isolated_dirs, capsys):
    log = _log(isolated_dirs / "data" / "audit.sqlite3", NOW)
    log.record("arrival", user_id="7", user_name="=HYPERLINK(\"x\")", appointment_id="A1", detail="@SUM(1)")
    log.close()
    main(["audit", "--csv"])
    row = next(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["user_name"].startswith("'=") and row["detail"] == "'@SUM(1)"


async def test_the_console_removes_entries_past_keep_years_at_start_and_records_it(make_app, isolated_dirs,
                                                                                  monkeypatch):
    import frontdesk.app

    monkeypatch.setattr(frontdesk.app, "KEEP_YEARS_AFTER", 0.05)  # 3 s after the console opens, in use
    app = make_app()
    path = app.session.audit.path
    _fill(path)
    five_years = _log(path, NOW - timedelta(days=365 * 5))
    five_years.record("copy", user_id="9", user_name="Kept", appointment_id="A-5", patient_id="P-5")
    five_years.close()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
    entries = AuditLog(path).entries()
    kept = {e.appointment_id for e in entries}
    assert "A-old" not in kept and {"A-5", "A1", "A2"} <= kept
    prune = [e for e in entries if e.action == "prune"]
    assert len(prune) == 1 and prune[0].detail == "1 entries older than 2019-11-23 removed ([audit] keep_years = 7)"
    assert prune[0].at == NOW.astimezone(timezone.utc).replace(microsecond=0)


async def test_keep_years_comes_from_the_settings(make_app, isolated_dirs):
    from frontdesk.config import AuditSection
    from frontdesk.services.audit_export import keep_audit_years

    app = make_app()
    session = app.session
    _fill(session.audit.path)
    session.config = session.config.model_copy(update={"audit": AuditSection(keep_years=20)})
    assert keep_audit_years(session) == 0
    session.config = session.config.model_copy(update={"audit": AuditSection(keep_years=1)})
    assert keep_audit_years(session) == 1
    assert keep_audit_years(session) == 0  # nothing left to remove: nothing more recorded
    assert [e.action for e in session.audit.entries()].count("prune") == 1
    await session.aclose()


def test_pruning_never_removes_a_send_under_way(isolated_dirs):
    path = isolated_dirs / "data" / "audit.sqlite3"
    log = _log(path, datetime(2010, 1, 1, tzinfo=timezone.utc))
    log.record("send", user_id="7", user_name="R", appointment_id="A", attendee_id="T", outcome="delivering")
    log.record("send", user_id="7", user_name="R", appointment_id="B", attendee_id="U", outcome="sent")
    assert log.prune(datetime(2020, 1, 1, tzinfo=timezone.utc), user_id=None, user_name=None, why="test") == 1
    assert {e.appointment_id for e in log.entries() if e.action == "send"} == {"A"}
