"""Known secrets go in; none comes out in a file, a log line, stdout/stderr
or a snapshot. Patient tokens appear only where staff revealed them."""

import asyncio
import logging
from pathlib import Path

import pytest

from tui.cli import main
from tui.sandbox.seed import DEMO_KEY
from tui.sandbox.server import DEMO_SMS_SID
from tui.sandbox.smtp import MailCatcher

from conftest import NOW, ROOT, settle
from console_helpers import find

SMTP_PASSWORD = "Smtp-Secret-7781"
SMS_TOKEN = "Sms-Token-5523-abcdef"


def _config(tmp_path, server, mail_port) -> Path:
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'[cliniko]\ncontact_email = "it@clinic.example"\nbase_url = "{server.base_url}"\n'
        f'[email]\nhost = "127.0.0.1"\nport = {mail_port}\nsecurity = "none"\nusername = "desk"\n'
        f'password_env = "FD_SMTP_PASSWORD"\nfrom_address = "desk@clinic.example"\n'
        f'[sms]\naccount_sid = "{DEMO_SMS_SID}"\nauth_token_env = "FD_SMS_TOKEN"\nfrom_number = "+61290000000"\n'
        f'base_url = "{server.base_url.removesuffix("/v1")}/twilio"\n'
    )
    path.chmod(0o600)
    return path


def _files(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


async def _drive(app, revealed):
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for channel_key in ("", "m"):
            view = find(app, lambda v: v.kind == "individual" and v.send_eligibility(v.primary_attendee(), NOW).allowed
                        and v.primary_attendee().patient.email and v.primary_attendee().patient.mobile
                        and not app.screen.session.delivery.previous_send(v.primary_attendee().link))
            app.screen.select_appointment(view.id)
            await pilot.pause()
            await pilot.press("v", "c", "p", "s")
            revealed.add(view.primary_attendee().link.url.rsplit("/c/", 1)[1])
            await pilot.pause()
            if channel_key:
                await pilot.press(channel_key)
            await pilot.press("y")
            await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("escape", "o")
        await pilot.pause()


def test_no_secret_leaves_the_process(tmp_path, server, sandbox, monkeypatch, capsys, caplog, isolated_dirs):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("CLINIKO_API_KEY", DEMO_KEY)
    monkeypatch.setenv("FD_SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("FD_SMS_TOKEN", SMS_TOKEN)
    sandbox.sms_credentials[DEMO_SMS_SID] = SMS_TOKEN
    tokens = {a["telehealth_url"].rsplit("/c/", 1)[1] for a in sandbox.store.attendees.values()}

    with MailCatcher(username="desk", password=SMTP_PASSWORD) as mail:
        _config(isolated_dirs, server, mail.port)
        demo_now = NOW.isoformat()
        for argv in (["today"], ["today", "--json"], ["doctor"], ["today", "--date", "2099-01-01"],
                     ["today", "--demo", "--json", "--now", demo_now], ["today", "--demo", "--now", demo_now],
                     ["doctor", "--demo"]):
            assert main(argv) in (0, 1)
        monkeypatch.setenv("CLINIKO_API_KEY", "WRONG" + DEMO_KEY)  # a failure path too
        assert main(["today"]) == 3
        monkeypatch.setenv("CLINIKO_API_KEY", DEMO_KEY)

        from tui.app import FrontdeskApp
        from tui.config import load_config
        from tui.paths import config_path
        from tui.services.session import open_session
        from tui.sandbox.clock import fixed_clock

        config = load_config()
        session = open_session(config, clock=fixed_clock(NOW))
        app = FrontdeskApp(config, config_path=config_path(), session=session)
        revealed = set()
        asyncio.run(_drive(app, revealed))
        assert len(mail.received) == 1 and len(sandbox.sms_outbox) == 1

        assert len(mail.received) == 1 and len(sandbox.sms_outbox) == 1

    out, err = capsys.readouterr()
    logs = caplog.text
    files = _files(isolated_dirs / "config", isolated_dirs / "data")
    snapshots = _files(ROOT / "snapshots")
    assert any(p.name == "audit.sqlite3" for p in files)
    leaks = []
    for name, text in [("stdout", out), ("stderr", err), ("logs", logs)] + [
        (str(p), p.read_bytes().decode("utf-8", "replace")) for p in files + snapshots
    ]:
        is_config = name.endswith("config.toml")
        for secret in (SMTP_PASSWORD, SMS_TOKEN, DEMO_KEY.rsplit("-", 1)[0]):
            if secret in text and not is_config:
                leaks.append((name, "credential"))
        for token in tokens:
            if token in text:
                leaks.append((name, "patient token"))
    assert leaks == []
    assert revealed <= tokens
