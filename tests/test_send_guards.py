"""Never two sends of one link by accident: two windows sharing a data
folder race for one claim (real processes), and two desks with their own
data folders see each other's sends in Cliniko's communications log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import httpx
import pytest
from pydantic import SecretStr

from frontdesk.cliniko.governor import RateGovernor
from frontdesk.sandbox.seed import DEMO_KEY, SANDBOX_KEYS
from frontdesk.services.day_loader import DayLoader
from frontdesk.services.delivery.errors import AlreadySent
from frontdesk.services.session import open_session
from frontdesk.services.team_log import MARKER

from conftest import CONTACT, NOW, ROOT, console_config, settle
from console_helpers import find

DAY = NOW.date().replace(day=24)


async def _eligible_email_attendee(client, clock):
    day = await DayLoader(client, clock=clock).load(DAY)
    for view in day.views():
        for a in view.attendees:
            if view.decision(a, NOW).allowed and a.patient.email:
                return view, a
    raise LookupError


# -- two windows, one data folder: one claim ---------------------------------------------------

CHILD = textwrap.dedent("""
    import asyncio, sys, time
    from datetime import datetime
    from frontdesk.config_layers import load_config
    from frontdesk.services.delivery.errors import DeliveryError
    from frontdesk.services.session import open_session

    now = datetime.fromisoformat(sys.argv[1])
    appointment, attendee, start = sys.argv[2], sys.argv[3], float(sys.argv[4])

    async def go():
        session = open_session(load_config(), clock=lambda: now)
        try:
            await session.sign_in()
            day = await session.loader.load(now.date().replace(day=24))
            view = day.view(appointment)
            chosen = next(a for a in view.attendees if a.attendee.id == attendee)
            time.sleep(max(0.0, start - time.time()))  # both windows press y at the same moment
            try:
                await session.delivery.send(chosen.link, "email", kind=view.kind,
                                            practitioner=view.practitioner_name)
                print("SENT")
            except DeliveryError as exc:
                print("REFUSED", exc.message)
        finally:
            await session.aclose()

    asyncio.run(go())
""")


def test_two_processes_racing_to_send_send_once(server, sandbox, mail, client, clock, isolated_dirs):
    import asyncio

    view, attendee = asyncio.run(_eligible_email_attendee(client, clock))
    config = isolated_dirs / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f'[cliniko]\napi_key = "{DEMO_KEY}"\ncontact_email = "{CONTACT}"\nbase_url = "{server.base_url}"\n'
        f'[email]\nhost = "127.0.0.1"\nport = {mail.port}\nsecurity = "none"\nfrom_address = "desk@clinic.example"\n'
    )
    sandbox.faults.latency = 0.05  # each send takes a few round trips: long enough to overlap
    start = time.time() + 4
    env = os.environ | {"FRONTDESK_CONFIG": str(config), "FRONTDESK_DATA_DIR": str(isolated_dirs / "shared-data")}
    windows = [subprocess.Popen([sys.executable, "-c", CHILD, NOW.isoformat(), view.id, attendee.attendee.id,
                                 str(start)], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(2)]
    results = [w.communicate(timeout=60) for w in windows]
    said = sorted(out.strip() for out, _ in results)
    assert all("Traceback" not in err for _, err in results), results
    assert said[0].startswith("REFUSED Not sent: this patient link is being sent right now from another frontdesk window")
    assert said[1] == "SENT"
    assert len(mail.received) == 1 and len(sandbox.memos()) == 1
    import sqlite3

    rows = sqlite3.connect(isolated_dirs / "shared-data" / "audit.sqlite3").execute(
        "SELECT action, outcome FROM audit").fetchall()
    assert rows == [("send", "sent")]
    assert sqlite3.connect(isolated_dirs / "shared-data" / "audit.sqlite3").execute(
        "SELECT count(*) FROM send_claims").fetchone() == (0,)  # the claim was given up


def test_a_claim_is_given_up_when_the_send_fails(tmp_path):
    from frontdesk.services.audit import AuditLog, SendInProgress

    log = AuditLog(tmp_path / "audit.sqlite3")
    other = AuditLog(tmp_path / "audit.sqlite3")  # another window on the same file
    claim = log.claim_send("1", "2", "f" * 16, repeat_ok=False)
    with pytest.raises(SendInProgress):
        other.claim_send("1", "2", "f" * 16, repeat_ok=False)
    log.release(claim)
    assert other.claim_send("1", "2", "f" * 16, repeat_ok=False).previous is None


# -- two desks, two data folders: Cliniko's memos ------------------------------------------------


def desk(server, mail, tmp_path, key, name):
    """A desk: its own key (its own Cliniko user) and its own data folder."""
    config = console_config(server, mail, idle_lock_seconds=0)
    config = config.model_copy(update={"cliniko": config.cliniko.model_copy(update={"api_key": SecretStr(key)})})
    session = open_session(config, clock=lambda: NOW, audit_dir=tmp_path / name)
    session.client.governor = RateGovernor(limit=200)
    return config, session


async def first_email_send(session):
    """Sign in, send the day's first email-reachable patient link; (view, attendee)."""
    await session.sign_in()
    day = await session.loader.load(DAY)
    view, a = next((v, a) for v in day.views() for a in v.attendees
                   if v.decision(a, NOW).allowed and a.patient.email)
    await session.delivery.send(a.link, "email", kind=view.kind, practitioner=view.practitioner_name)
    return view, a


async def send_from_desk_a(server, mail, tmp_path):
    _, session = desk(server, mail, tmp_path, DEMO_KEY, "desk-a")
    try:
        return await first_email_send(session)
    finally:
        await session.aclose()


async def test_the_memo_carries_a_marker_and_never_the_link(server, sandbox, mail, tmp_path):
    view, a = await send_from_desk_a(server, mail, tmp_path)
    [memo] = sandbox.memos()
    content = memo["content"]
    data = json.loads(content.rsplit(MARKER + " ", 1)[1])
    desk_a = (tmp_path / "desk-a" / "desk-id").read_text().strip()
    appt = view.appointment  # and what the link was sent for (see test_sent_for)
    assert data == {"appointment": view.id, "attendee": a.attendee.id, "channel": "email", "by": "Rosa Delgado",
                    "desk": desk_a, "for": {"starts": appt.starts_at.isoformat(), "type": appt.appointment_type_id,
                                            "practitioner": appt.practitioner_id}}
    assert a.link.url.rsplit("/", 1)[1] not in content and "/c/" not in content


async def test_the_other_desk_is_told_and_asked_twice(server, sandbox, mail, tmp_path):
    from frontdesk.app import FrontdeskApp
    from frontdesk.screens.send import SendConfirmScreen

    view, a = await send_from_desk_a(server, mail, tmp_path)
    assert len(mail.received) == 1
    config, session = desk(server, mail, tmp_path, SANDBOX_KEYS["administrator"], "desk-b")
    app = FrontdeskApp(config, config_path=tmp_path / "b.toml", session=session)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        assert app.screen.user.name == "Sam Whitaker"
        app.screen.select_appointment(view.id)
        await pilot.pause()
        panel = "\n".join(w.plain for w in app.screen.query("LinkPanel TextLines"))
        assert "Already sent 24 Nov 10:05 by Rosa Delgado (Email, another desk)" in panel
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SendConfirmScreen)
        text = str(dialog.query_one("#send-summary").render())
        assert "Already sent 24 Nov 10:05 by Rosa Delgado (Email, another desk)" in text
        await pilot.press("y")
        await pilot.pause()
        text = str(dialog.query_one("#send-summary").render())
        assert "(Email, another desk) — press y again to resend" in text
        assert len(mail.received) == 1  # not yet
        await pilot.press("y")
        await settle(pilot)
    assert len(mail.received) == 2 and len(sandbox.memos()) == 2
    assert "by Sam Whitaker" in sandbox.memos()[-1]["content"]


async def test_the_service_itself_refuses_a_repeat_from_another_desk(server, sandbox, mail, tmp_path):
    view, a = await send_from_desk_a(server, mail, tmp_path)
    _, session = desk(server, mail, tmp_path, SANDBOX_KEYS["administrator"], "desk-b")
    try:
        await session.sign_in()
        with pytest.raises(AlreadySent, match=r"already sent 23 Nov 23:05 UTC by Rosa Delgado \(another desk\)"):
            await session.delivery.send(a.link, "email", kind=view.kind, practitioner=view.practitioner_name)
        assert len(mail.received) == 1
    finally:
        await session.aclose()


async def test_an_unreadable_log_is_said_but_does_not_block(make_app, sandbox, mail):
    from frontdesk.screens.send import SendConfirmScreen

    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = find(app, lambda v: v.kind == "individual" and v.decision(v.primary_attendee(), NOW).allowed
                    and v.primary_attendee().patient.email)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        sandbox.faults.add("503", path="/communications$", times=20)
        app.session.client.retries = 0
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SendConfirmScreen)
        text = str(dialog.query_one("#send-summary").render())
        assert "Cliniko's communications log could not be read" in text
        assert "a send from another desk would not show here" in text
        await pilot.press("y")
        await settle(pilot)
    assert len(mail.received) + len(sandbox.sms_outbox) == 1


def test_the_sandbox_serves_communications_with_clinikos_filters(server, sandbox):
    auth, ua = (DEMO_KEY, ""), {"User-Agent": f"tests ({CONTACT})"}
    patient = next(c["patient_id"] for c in sandbox.store.communications.values())
    r = httpx.get(f"{server.base_url}/communications", auth=auth, headers=ua,
                  params=[("q[]", f"patient_id:={patient}"), ("q[]", "category_code:=1,4,7")])
    assert r.status_code == 200 and r.json()["communications"]
    assert {c["patient"]["links"]["self"].rsplit("/", 1)[1] for c in r.json()["communications"]} == {patient}
    assert httpx.get(f"{server.base_url}/communications", auth=auth, headers=ua,
                     params={"q[]": "deleted_at:?"}).status_code == 400  # not a documented filter
