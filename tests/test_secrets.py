"""Known secrets go in; none comes out in a file, a log line, stdout/stderr
or a snapshot. Patient tokens appear only where staff revealed them."""

import asyncio
import logging
from pathlib import Path

import pytest

from frontdesk.cli import main
from frontdesk.sandbox.seed import DEMO_KEY
from frontdesk.sandbox.server import DEMO_SMS_SID
from frontdesk.sandbox.smtp import MailCatcher

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
            view = find(app, lambda v: v.kind == "individual" and v.decision(v.primary_attendee(), NOW).allowed
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
        await settle(pilot)  # the audit log is read or written off the UI loop
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

        from frontdesk.app import FrontdeskApp
        from frontdesk.config_layers import load_config
        from frontdesk.paths import config_path
        from frontdesk.services.session import open_session
        from frontdesk.sandbox.clock import fixed_clock

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


def test_secrets_are_held_as_secret_strings():
    """repr, str and dumps of the config never hold the key or a credential."""
    from pydantic import SecretStr

    from frontdesk.config import Config, EmailSection, SMSSection, parse_config, render_config

    text = (f'[cliniko]\napi_key = "{DEMO_KEY}"\ncontact_email = "a@b.co"\n'
            f'[email]\nhost = "smtp.example.com"\nusername = "u"\npassword = "{SMTP_PASSWORD}"\nfrom_address = "d@b.co"\n'
            f'[sms]\naccount_sid = "{DEMO_SMS_SID}"\nauth_token = "{SMS_TOKEN}"\nfrom_number = "+61290000000"\n')
    config = parse_config(text)
    assert isinstance(config.cliniko.api_key, SecretStr)
    assert isinstance(config.email.password, SecretStr) and isinstance(config.sms.auth_token, SecretStr)
    for shown in (repr(config), str(config), config.model_dump_json(), repr(config.model_dump()),
                  repr(config.cliniko), repr(config.email), repr(config.sms)):
        for secret in (DEMO_KEY, SMTP_PASSWORD, SMS_TOKEN):
            assert secret not in shown
    assert config.cliniko.key() == DEMO_KEY and config.email.secret() == SMTP_PASSWORD
    assert parse_config(render_config(config)) == config  # saving keeps the real values
    assert isinstance(Config, type) and EmailSection and SMSSection


def test_a_crash_shows_a_sentence_and_keeps_the_details_without_locals(make_app, isolated_dirs, capsys):
    """An unexpected error in the console: staff see one sentence; the
    details (no local variables, tokens scrubbed) go to crash.log."""
    app = make_app()
    key = app.config.cliniko.key()

    async def crash():
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            view = find(app, lambda v: v.kind == "individual" and v.primary_attendee()
                        and v.primary_attendee().link is not None)
            link_url = view.primary_attendee().link.url  # a local holding a bearer link
            api_key = key  # and one holding the key

            def explode():
                raise RuntimeError(f"boom near {link_url[:0]}{api_key[:0]}")

            app.screen.action_privacy = explode
            await pilot.press("i")
            await pilot.pause()

    with pytest.raises(RuntimeError, match="boom"):
        asyncio.run(crash())
    shown = " ".join(capsys.readouterr().err.split())  # what the terminal got after the console closed
    assert "Traceback" not in shown and "explode" not in shown
    assert "frontdesk stopped because of an unexpected problem (RuntimeError). Nothing was sent." in shown
    log = (isolated_dirs / "data" / "crash.log").read_text()
    assert "RuntimeError: boom near" in log and "explode" in log
    assert key not in log and key not in shown
    assert "link_url =" not in log and "api_key =" not in log  # no locals
    assert oct((isolated_dirs / "data" / "crash.log").stat().st_mode & 0o777) == "0o600"
