"""Two desks on one clinic server (each with its own audit log) sweeping the
same day at once send nobody twice: they meet at the server's shared claims
([audit] shared_dir). A claim held by a live desk refuses with who and
since when; one left by a desk that is gone is taken over; a shared folder
that cannot be used fails closed, naming it."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
from datetime import timedelta

import pytest

from conftest import NOW
from frontdesk.cli import main
from frontdesk.domain.clock import date_and_time
from frontdesk.services.day_loader import DayLoader
from frontdesk.services.delivery.errors import SendRefused
from frontdesk.services.shared_claims import SharedClaims
from frontdesk.services.sweep import NOT_SENT, SENT, plan_sweep, run_sweep
from test_sweep import NO_PACE, _delivery, mail  # noqa: F401 - the mail fixture


async def _desks(client, server, mail, tmp_path, clock, shared_dir):  # noqa: F811
    user = [await client.current_user()]
    desks = []
    for name in ("rosa", "sam"):
        desk = _delivery(client, server, mail, tmp_path / name / "audit.sqlite3", clock, user)
        desk.shared = SharedClaims(shared_dir, clock)
        desks.append(desk)
    return desks


async def _items(client, clock):
    day = await DayLoader(client, clock=clock).load(NOW.date() + timedelta(days=1))
    return list(plan_sweep(day.views(), NOW, ("email",), {}, {}, date_and_time).items)


async def test_two_desks_sweeping_at_once_send_nobody_twice(client, server, mail, tmp_path, clock):  # noqa: F811
    shared = tmp_path / "shared"
    shared.mkdir()
    old = os.umask(0o077)  # the desks run with 077, as the command sets
    try:
        rosa, sam = await _desks(client, server, mail, tmp_path, clock, shared)
        items = await _items(client, clock)
        first, second = await asyncio.gather(run_sweep(rosa, items, pace=NO_PACE),
                                             run_sweep(sam, list(reversed(items)), pace=NO_PACE))
    finally:
        os.umask(old)
    sent = sorted(r.item.key for r in first + second if r.outcome == SENT)
    assert sent == sorted(i.key for i in items)  # each exactly once, between the two desks
    refused = [r.words for r in first + second if r.outcome == NOT_SENT]
    assert all("another desk" in w or "already sent" in w for w in refused)
    bodies = [m.message.get_body(("plain",)).get_content() for m in mail.received]
    assert len(bodies) == len(items)
    assert stat.S_IMODE((shared / "claims.sqlite3").stat().st_mode) == 0o660  # every desk of the group


async def test_a_live_desks_claim_refuses_and_a_gone_one_is_taken_over(client, server, mail, tmp_path,  # noqa: F811
                                                                       clock):
    shared = tmp_path / "shared"
    shared.mkdir()
    rosa, _ = await _desks(client, server, mail, tmp_path, clock, shared)
    item = (await _items(client, clock))[0]
    other = subprocess.Popen(["sleep", "30"])  # another desk's frontdesk, mid-send
    try:
        import socket

        owner = f"{socket.gethostname()}|{other.pid}|-|abc"
        SharedClaims(shared, clock).claim(item.attendee.attendee.id, owner, "Sam Lee")
        with pytest.raises(SendRefused, match=r"being sent right now from another desk \(Sam Lee, since"):
            await rosa.send(item.attendee.link, "email", kind=item.view.kind, practitioner="x")
        assert mail.received == []
    finally:
        other.kill()
        other.wait()
    outcome = await rosa.send(item.attendee.link, "email", kind=item.view.kind, practitioner="x")
    assert outcome.memo_error is None and len(mail.received) == 1


async def test_a_shared_folder_that_cannot_be_used_sends_nothing(client, server, mail, tmp_path, clock):  # noqa: F811
    rosa, _ = await _desks(client, server, mail, tmp_path, clock, tmp_path / "no-such-folder")
    item = (await _items(client, clock))[0]
    with pytest.raises(SendRefused, match="shared claims file .*no-such-folder/claims.sqlite3 cannot be used"):
        await rosa.send(item.attendee.link, "email", kind=item.view.kind, practitioner="x")
    assert mail.received == [] and rosa.audit.entries() == []


def test_doctor_says_whether_the_shared_folder_can_be_written(isolated_dirs, server, capsys):
    from frontdesk.sandbox.seed import DEMO_KEY

    config = isolated_dirs / "config" / "config.toml"
    config.parent.mkdir()
    config.write_text(f'[cliniko]\napi_key = "{DEMO_KEY}"\ncontact_email = "a@b.co"\nbase_url = "{server.base_url}"\n'
                      f'[audit]\nshared_dir = "{isolated_dirs / "missing"}"\n')
    config.chmod(0o600)
    assert main(["doctor"]) == 1
    assert "Shared claims folder" in capsys.readouterr().out
