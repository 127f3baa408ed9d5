"""Local faults say what they are: a full disk, a data folder deleted while
running, Ctrl-C on the sandbox; and the sandbox answers malformed filters
with the 400 it documents, and keeps what a PATCH sets."""

import base64
import shutil
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from conftest import CONTACT, NOW, ROOT
from frontdesk.sandbox.seed import DEMO_KEY
from frontdesk.services.audit import AuditLog, AuditUnavailable

BIG = "x" * 20_000  # needs new pages: a full disk refuses it


def fill_disk(log: AuditLog) -> None:
    """SQLite's own "database or disk is full" (SQLITE_FULL), as a full disk
    gives it: the log may not grow by one page."""
    db = log._connect()
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")


def free_disk(log: AuditLog) -> None:
    log._connect().execute("PRAGMA max_page_count = 1073741823")


def reveal(log: AuditLog, detail: str = "") -> None:
    log.record("reveal", user_id="1", user_name="Rosa", appointment_id="a", attendee_id="b",
               link_role="patient", link_fingerprint="f" * 16, detail=detail)


def test_a_full_disk_is_called_a_full_disk(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite3", clock=lambda: NOW)
    reveal(log)
    fill_disk(log)
    with pytest.raises(AuditUnavailable) as refused:
        reveal(log, BIG)
    assert "the disk is full" in refused.value.message
    assert "SQLITE_ERROR" not in refused.value.message and "no transaction" not in refused.value.message


def test_a_sends_outcome_refused_by_a_full_disk_is_recorded_when_space_returns(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite3", clock=lambda: NOW)
    claim = log.claim_send("appt", "att", "f" * 16, repeat_ok=False, channel="sms", user_name="Rosa")
    log.delivering(claim, "+61 4•• ••• •12", "W N")
    fill_disk(log)
    with pytest.raises(AuditUnavailable):
        log.record("send", user_id="1", user_name="Rosa", appointment_id="appt", attendee_id="att",
                   link_role="patient", link_fingerprint="f" * 16, channel="sms", recipient="+61 4•• ••• •12",
                   outcome="sent; memo failed", detail=BIG, claim=claim)
    free_disk(log)
    [entry] = log.entries()  # the next use of the log writes what was kept
    assert entry.outcome == "sent; memo failed" and entry.detail == BIG
    assert log._connect().execute("SELECT count(*) FROM send_claims").fetchone()[0] == 0


def test_a_data_folder_deleted_while_running_is_said_once(tmp_path):
    folder = tmp_path / "data"
    log = AuditLog(folder / "audit.sqlite3", clock=lambda: NOW)
    reveal(log)
    shutil.rmtree(folder)
    with pytest.raises(AuditUnavailable) as refused:
        reveal(log)
    assert "was deleted while frontdesk was running" in refused.value.message
    assert "permissions" not in refused.value.message
    reveal(log)  # the next action starts a new log, without saying it again
    assert [e.action for e in log.entries()] == ["reveal"]
    assert log.notice is None


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("when", ["while starting 0.05 s", "while starting 0.2 s", "while starting 0.5 s",
                                  "while starting 0.9 s", "with a request under way"])
def test_ctrl_c_on_the_sandbox_prints_no_traceback(when):
    """At any moment of loading (imports: where Python itself would swallow
    a KeyboardInterrupt and print a traceback) or while serving."""
    port = _port()
    child = subprocess.Popen([sys.executable, "-m", "frontdesk", "sandbox", "--port", str(port), "--latency", "3"],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if when.startswith("while starting"):
            time.sleep(float(when.split()[2]))
        else:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    assert time.monotonic() < deadline, "the sandbox never started"
                    time.sleep(0.1)
            client = subprocess.Popen([sys.executable, "-c", f"import httpx; httpx.get('http://127.0.0.1:{port}/v1/users/me', timeout=10)"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=20)
    finally:
        child.kill()
    if not when.startswith("while starting"):
        client.wait(timeout=10)
    assert "Traceback" not in err, err
    # -SIGINT: the signal came before the interpreter had set up its own
    # handler (a slow machine), so the OS ended it quietly, as a shell would.
    assert child.returncode in (0, 130, -signal.SIGINT), (child.returncode, err)


@pytest.mark.parametrize("query", ["q[]=created_at:<0269-36-34T89:32:94Z", "q[]=id:=²", "q[]=date_of_birth:<****-05-**",
                                   "q[]=date_of_birth:=1993-02-30"])
def test_malformed_filter_values_are_400_not_500(server, query):
    auth = base64.b64encode(f"{DEMO_KEY}:".encode()).decode()
    answer = httpx.get(f"{server.base_url}/patients?{query}", headers={
        "Authorization": f"Basic {auth}", "User-Agent": f"frontdesk ({CONTACT})", "Accept": "application/json"})
    assert answer.status_code == 400 and answer.json()["message"]


def test_a_patch_keeps_the_notes_it_sets(server, sandbox):
    appt = next(a for a in sandbox.store.individual_appointments.values()
                if not a["cancelled_at"] and not a.get("archived_at"))
    auth = base64.b64encode(f"{DEMO_KEY}:".encode()).decode()
    headers = {"Authorization": f"Basic {auth}", "User-Agent": f"frontdesk ({CONTACT})", "Accept": "application/json"}
    url = f"{server.base_url}/individual_appointments/{appt['id']}"
    answer = httpx.patch(url, json={"notes": "Interpreter booked"}, headers=headers)
    assert answer.status_code == 200 and answer.json()["notes"] == "Interpreter booked"
    assert httpx.get(url, headers=headers).json()["notes"] == "Interpreter booked"
    assert httpx.patch(url, json={"notes": 7}, headers=headers).status_code == 422

