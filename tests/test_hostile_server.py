"""A server that misbehaves on purpose (the sandbox's hostile faults), over
real loopback HTTP, seen from the outside: `frontdesk today` runs (in-process,
or as a child process where memory is measured) and the console with Pilot.
Each case fails clearly, within its limits, and never loses rows silently."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date

import httpx
import pytest

from frontdesk.cli import main
from frontdesk.cliniko import governor as governor_module
from frontdesk.cliniko.errors import RateLimitedError
from frontdesk.cliniko.governor import RateGovernor
from frontdesk.domain.timezones import business_zone, local_day_of
from frontdesk.cliniko.models import Business
from frontdesk.sandbox.runner import SandboxServer
from frontdesk.sandbox.seed import DEMO_KEY, ClinicSize
from frontdesk.sandbox.server import Sandbox

from conftest import CONTACT, NOW, ROOT

DAY = date(2026, 11, 24)
BIG = ClinicSize(individual_per_day=150, groups_per_day=2, businesses=1, days_before=0, days_after=0)


@pytest.fixture(autouse=True)
def own_governors(monkeypatch):
    """Each test its own rate budget (the CLI shares one per key per process)."""
    monkeypatch.setattr(governor_module, "_GOVERNORS", {})


@pytest.fixture
def big(clock):
    sandbox = Sandbox(clock=clock, size=BIG)
    with SandboxServer(sandbox) as running:
        yield sandbox, running


def point_at(monkeypatch, server, **config):
    monkeypatch.setenv("CLINIKO_API_KEY", DEMO_KEY)
    monkeypatch.setenv("CLINIKO_BASE_URL", server.base_url)
    monkeypatch.setenv("FRONTDESK_CONTACT_EMAIL", CONTACT)
    if config:
        path = os.environ["FRONTDESK_CONFIG"]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        lines = "".join(f"{k} = {v}\n" for k, v in config.items())
        with open(path, "w") as handle:
            handle.write(f"[cliniko]\n{lines}")


def today(capsys, *extra):
    started = time.monotonic()
    code = main(["today", "--json", "--date", DAY.isoformat(), *extra])
    out, err = capsys.readouterr()
    return code, out, err, time.monotonic() - started


def individual_rows_of_the_day(sandbox) -> int:
    store = sandbox.store
    zone = business_zone(Business.model_validate(next(iter(store.businesses.values()))))
    from datetime import datetime

    return sum(
        1 for a in store.individual_appointments.values()
        if not a["archived_at"]
        and local_day_of(datetime.fromisoformat(a["starts_at"].replace("Z", "+00:00")), zone) == DAY
    )


# -- pagination: no silent loss -------------------------------------------------------


def test_the_sandbox_links_drop_per_page_so_a_naive_client_would_lose_rows(big):
    sandbox, server = big
    auth, ua = (DEMO_KEY, ""), {"User-Agent": f"naive ({CONTACT})"}
    first = httpx.get(f"{server.base_url}/individual_appointments", params={"per_page": 100},
                      auth=auth, headers=ua).json()
    assert "per_page" not in first["links"]["next"]  # like the spec's own examples
    second = httpx.get(first["links"]["next"], auth=auth, headers=ua).json()
    naive = {r["id"] for r in first["individual_appointments"] + second["individual_appointments"]}
    assert len(naive) == 100 < first["total_entries"]  # page 2 of 50 repeats rows 51-100


def test_next_links_without_per_page_lose_no_rows(big, capsys, monkeypatch):
    sandbox, server = big
    point_at(monkeypatch, server)
    code, out, err, _ = today(capsys)
    assert code == 0, err
    body = json.loads(out)
    assert body["complete"] is True and body["problems"] == []
    individual = [a for a in body["appointments"] if a["kind"] == "individual"]
    assert len(individual) == individual_rows_of_the_day(sandbox) > 100
    pages = [r for r in sandbox.requests if r.path == "/v1/individual_appointments"]
    assert len(pages) == 2 and all("per_page=100" in r.query for r in pages)


def test_next_links_that_drop_the_filters_get_them_back(big, capsys, monkeypatch):
    sandbox, server = big
    sandbox.faults.add("next_drops_filters", path="/individual_appointments$", times=5)
    point_at(monkeypatch, server)
    code, out, err, _ = today(capsys)
    assert code == 0, err
    individual = [a for a in json.loads(out)["appointments"] if a["kind"] == "individual"]
    assert len(individual) == individual_rows_of_the_day(sandbox)
    second = [r for r in sandbox.requests if r.path == "/v1/individual_appointments"][1]
    assert "starts_at" in second.query and "per_page=100" in second.query


def test_a_short_list_is_an_error_not_a_silent_partial_day(big, capsys, monkeypatch):
    sandbox, server = big
    sandbox.faults.add("lose_next", path="/individual_appointments$", times=5)
    point_at(monkeypatch, server)
    code, out, err, _ = today(capsys)
    total = sum(1 for a in sandbox.store.individual_appointments.values() if not a["archived_at"])
    assert code == 3
    assert f"Cliniko returned 100 of {total} individual appointments — showing what arrived, day incomplete" in err
    body = json.loads(out)  # what arrived is still printed
    assert body["complete"] is False and 0 < len(body["appointments"]) < individual_rows_of_the_day(sandbox)
    assert "Traceback" not in err


async def test_the_console_says_the_day_is_incomplete(big, tmp_path):
    from frontdesk.app import FrontdeskApp
    from frontdesk.services.session import open_session

    from conftest import console_config, settle
    from console_helpers import Heard

    sandbox, server = big
    sandbox.faults.add("lose_next", path="/individual_appointments$", times=5)
    config = console_config(server, idle_lock_seconds=0)
    session = open_session(config, clock=lambda: NOW)
    session.client.governor = RateGovernor(limit=200)
    app = FrontdeskApp(config, config_path=tmp_path / "c.toml", session=session, local_date=DAY)
    heard = Heard()
    async with app.run_test(size=(120, 36), message_hook=heard) as pilot:
        await settle(pilot)
        header = str(app.screen.query_one("#header").render())
        assert "Cliniko returned 100 of" in header and "day incomplete" in header and "press r" in header
        assert "Cliniko returned 100 of" in heard
        assert 0 < len(app.screen.views)


# -- bounded: no hang, no blow-up ------------------------------------------------------


@pytest.mark.parametrize("kind, words", [
    ("endless_next", "go round in a loop"),
    ("endless_pages", "with nothing new"),
])
def test_pages_that_never_end_fail_clearly_and_fast(big, capsys, monkeypatch, kind, words):
    sandbox, server = big
    sandbox.faults.add(kind, path="/individual_appointments$", times=10_000)
    point_at(monkeypatch, server)
    code, _, err, took = today(capsys)
    assert code == 3 and words in err and took < 60
    assert sandbox.request_count("/individual_appointments") <= 6


def run_child(server, *argv, config: str = "", timeout: float = 60) -> tuple[int, str, str, int, float]:
    """`frontdesk` as its own process; also its peak memory (KB) and time."""
    # VmHWM, not getrusage: Linux carries the parent's peak (this test run's) into a child's ru_maxrss
    code = ("import re, sys\nfrom frontdesk.cli import main\nrc = main(sys.argv[1:])\n"
            "peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
            "sys.stderr.write(f'\\nMAXRSS {peak}\\n')\nsys.exit(rc)")
    env = os.environ | {"CLINIKO_API_KEY": DEMO_KEY, "CLINIKO_BASE_URL": server.base_url,
                        "FRONTDESK_CONTACT_EMAIL": CONTACT}
    if config:
        with open(env["FRONTDESK_CONFIG"], "w") as handle:
            handle.write(config)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code, *argv], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    took = time.monotonic() - started
    err, _, rss = done.stderr.rpartition("MAXRSS ")
    return done.returncode, done.stdout, err, int(rss), took


@pytest.mark.parametrize("kind, words", [
    ("huge_total", "there are 100,000,000 individual appointments"),
    ("gzip_bomb", "larger than 32 MB"),
    ("huge_body", "larger than 32 MB"),
])
def test_huge_answers_are_refused_within_bounded_memory(big, isolated_dirs, kind, words):
    sandbox, server = big
    sandbox.faults.add(kind, path="/individual_appointments$", times=10)
    os.makedirs(isolated_dirs / "config", exist_ok=True)
    code, out, err, rss_kb, took = run_child(server, "today", "--json", "--date", DAY.isoformat())
    assert code == 3 and words in err and "Traceback" not in err
    assert rss_kb < 150 * 1024, f"peak memory {rss_kb // 1024} MB"
    assert took < 60
    assert sandbox.request_count("/individual_appointments") == 1  # refused, not retried or paged


def test_a_body_trickling_in_byte_by_byte_meets_the_deadline(big, isolated_dirs):
    sandbox, server = big
    sandbox.faults.add("slowloris", path="/individual_appointments$", times=10)
    os.makedirs(isolated_dirs / "config", exist_ok=True)
    code, _, err, _, took = run_child(server, "today", "--json", "--date", DAY.isoformat(),
                                      config="[cliniko]\ndeadline_seconds = 3\n")
    assert code == 3 and "did not finish answering within 3 s" in err and "Traceback" not in err
    assert took < 15


def test_the_deadline_defaults_to_30_seconds():
    from frontdesk.config import Config

    assert Config().cliniko.deadline_seconds == 30


# -- 429 headers ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["429_retry_after_inf", "429_reset_inf", "429_retry_after_text"])
def test_nonsense_429_headers_are_waited_out_not_a_traceback(big, capsys, monkeypatch, kind):
    sandbox, server = big
    sandbox.faults.add(kind, path="/individual_appointments$", times=1)
    point_at(monkeypatch, server)
    code, out, err, took = today(capsys)
    assert code == 0 and json.loads(out)["complete"] and took < 30
    assert "Traceback" not in err


def test_a_429_asking_for_days_fails_at_once_and_blocks_nobody(big, capsys, monkeypatch):
    sandbox, server = big
    sandbox.faults.add("429_reset_far", path="/individual_appointments$", times=1)
    point_at(monkeypatch, server)
    code, _, err, took = today(capsys)
    assert code == 3 and "rate limit was reached (429). Try again later." in err and took < 10


async def test_the_governor_is_never_blocked_past_max_rate_wait(make_client, sandbox):
    clock = [1000.0]

    async def sleep(seconds):
        clock[0] += seconds

    governor = RateGovernor(limit=200, clock=lambda: clock[0], sleep=sleep)
    client = make_client(governor=governor, max_rate_wait=65)
    sandbox.faults.add("429_reset_far", path="/user", times=1)
    with pytest.raises(RateLimitedError, match="Try again later"):
        await client.current_user()
    assert governor.blocked_until <= clock[0]  # the next request is not held back
    governor.block_for(float("inf"))
    governor.block_for(1e300)
    assert governor.blocked_until <= clock[0] + 65
    started = clock[0]
    assert (await client.current_user()).role == "receptionist"
    assert clock[0] - started <= 65  # held back at most max_rate_wait


# -- escape sequences: nothing reaches the terminal ------------------------------------------

HOSTILE = "Ann\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b]0;pwned\x07\x9b31m\u202eevil\u2066x\u2069"


def test_escape_sequences_in_names_never_reach_the_terminal(big, capsys, monkeypatch):
    sandbox, server = big
    for patient in list(sandbox.store.patients.values()):
        patient.update(first_name=HOSTILE, preferred_first_name=None)
    for appt in sandbox.store.individual_appointments.values():
        appt["notes"] = HOSTILE
        appt["patient_name"] = HOSTILE
    point_at(monkeypatch, server)
    assert main(["today", "--date", DAY.isoformat()]) == 0
    text, _ = capsys.readouterr()
    code, as_json, _, _ = today(capsys)
    assert code == 0
    for output in (text, as_json):
        for bad in ("\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\u2069"):
            assert bad not in output
    assert "Ann" in text
    assert "\\u001b]52" in as_json and "\\u009b" in as_json and "\\u202e" in as_json
    names = {at["patient"]["name"] for a in json.loads(as_json)["appointments"] for at in a["attendees"]}
    assert any(name.startswith(HOSTILE) for name in names)  # the data itself is exact


def test_text_columns_are_cut_by_terminal_cells(big, capsys, monkeypatch):
    """Wide (CJK, emoji) names take two cells a character: columns are cut
    and padded by cells, so the next column starts at the same place."""
    from rich.cells import cell_len

    sandbox, server = big
    for patient in sandbox.store.patients.values():
        patient.update(first_name="山田太郎山田太郎山田太郎山田", last_name="🩺" * 10, preferred_first_name=None)
    point_at(monkeypatch, server)
    assert main(["today", "--date", DAY.isoformat(), "--width", "100"]) == 0
    lines = capsys.readouterr().out.splitlines()[3:]
    practitioners = [p["display_name"][:6] for p in sandbox.store.practitioners.values()]
    starts = {cell_len(line[: line.index(name)]) for line in lines for name in practitioners if name in line}
    assert len(starts) == 1 and starts.pop() > 20  # every practitioner starts in the same cell
    assert all(cell_len(line) <= 100 for line in lines)
    named = [line for line in lines if "山田" in line]
    assert named and all("…" in line and "山田太郎山田太郎" not in line for line in named)  # cut, by cells


# -- a patient link that is not Cliniko's -------------------------------------------------------


def test_a_hostile_patient_link_is_refused_in_json(big, capsys, monkeypatch):
    sandbox, server = big
    attendees = list(sandbox.store.attendees.values())
    attendees[0]["telehealth_url"] = "javascript:alert(document.cookie)//"
    attendees[1]["telehealth_url"] = "https://evil.example/c/yxt65-xdR864MNvao"
    point_at(monkeypatch, server)
    code, out, _, _ = today(capsys, "--reveal")
    assert code == 0
    found = {at["id"]: at for a in json.loads(out)["appointments"] for at in a["attendees"]}
    for bad in attendees[:2]:
        if bad["id"] not in found:
            continue
        entry = found[bad["id"]]
        assert entry["patient_link"]["url"] is None
        assert entry["patient_link"]["problem"] == "Patient link is not a Cliniko patient link — not sent"
        assert entry["send_to_patient"]["allowed"] is False
    assert "javascript:" not in out and "evil.example" not in out
