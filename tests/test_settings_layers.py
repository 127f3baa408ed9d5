"""Layered settings: the clinic's system file, each user's own file (which
wins), the environment; secrets only in a system file others cannot read;
doctor says where each setting came from and never a secret's value; the
set-up screen asks only for what the clinic's file does not give."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from textual.widgets import Input

from conftest import settle
from frontdesk.app import FrontdeskApp
from frontdesk.cli import main
from frontdesk.config import ConfigError, save_config
from frontdesk.config_layers import SYSTEM, USER, load_settings
from frontdesk.sandbox.seed import DEMO_KEY
from frontdesk.screens.main import MainScreen
from frontdesk.screens.setup import SetupScreen

SMTP_PASSWORD = "clinic-smtp-Pa55word"
SMS_TOKEN = "clinic-sms-t0ken-abcdef"

CLINIC = f"""
[cliniko]
contact_email = "it@clinic.example"

[ui]
theme = "textual-light"
late_after_minutes = 10

[email]
host = "127.0.0.1"
port = 2525
security = "none"
username = "reception"
password = "{SMTP_PASSWORD}"
from_address = "reception@clinic.example"

[sms]
account_sid = "AC0123456789abcdef0123456789abcdef"
auth_token = "{SMS_TOKEN}"
from_number = "+61290000000"
"""


def _write(path, text, mode):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.fixture
def system(isolated_dirs):
    return isolated_dirs / "etc" / "config.toml"


@pytest.fixture
def user(isolated_dirs):
    return isolated_dirs / "config" / "config.toml"


def test_system_file_only(system, user):
    _write(system, CLINIC, 0o640)
    settings = load_settings(user, system_path=system, env={})
    config = settings.config
    assert config.email.host == "127.0.0.1" and config.email.secret() == SMTP_PASSWORD
    assert config.sms.secret() == SMS_TOKEN and config.cliniko.contact_email == "it@clinic.example"
    assert config.ui.theme == "textual-light" and config.cliniko.key() is None
    assert settings.origin("email.password") == SYSTEM and settings.origin("ui.refresh_seconds") == "default"
    assert settings.given_by_system("email") and not settings.given_by_system("cliniko.api_key")


def test_user_file_only(system, user):
    _write(user, f'[cliniko]\napi_key = "{DEMO_KEY}"\ncontact_email = "me@clinic.example"\n', 0o600)
    settings = load_settings(user, system_path=system, env={})
    assert settings.config.cliniko.key() == DEMO_KEY and settings.config.email is None
    assert settings.origin("cliniko.api_key") == USER and not settings.system.exists


def test_both_files_the_users_wins_per_setting(system, user):
    _write(system, CLINIC, 0o640)
    _write(user, f'[cliniko]\napi_key = "{DEMO_KEY}"\ncontact_email = "me@clinic.example"\n'
                 '[ui]\nlate_after_minutes = 3\n[email]\nfrom_address = "rosa@clinic.example"\n', 0o600)
    settings = load_settings(user, system_path=system, env={"FRONTDESK_CONTACT_EMAIL": "env@clinic.example"})
    config = settings.config
    assert config.ui.late_after_minutes == 3 and config.ui.theme == "textual-light"
    # a section is merged setting by setting: the clinic's server, the user's sender
    assert config.email.host == "127.0.0.1" and config.email.from_address == "rosa@clinic.example"
    assert config.email.secret() == SMTP_PASSWORD
    assert config.cliniko.contact_email == "env@clinic.example"
    assert settings.origin("cliniko.contact_email") == "environment FRONTDESK_CONTACT_EMAIL"
    assert settings.origin("email.from_address") == USER and settings.origin("email.host") == SYSTEM
    assert settings.origin("ui.theme") == SYSTEM and settings.origin("ui.late_after_minutes") == USER


@pytest.mark.parametrize("text", [CLINIC, f'[cliniko]\napi_key = "{DEMO_KEY}"\n'], ids=["clinic's channels", "a key"])
def test_a_secret_in_a_world_readable_system_file_is_refused_with_the_reason(system, user, text):
    _write(system, text, 0o644)
    with pytest.raises(ConfigError) as refused:
        load_settings(user, system_path=system, env={})
    words = str(refused.value)
    assert str(system) in words and "every user on this server can read it (mode 644)" in words
    assert "chmod 640" in words
    assert SMTP_PASSWORD not in words and DEMO_KEY not in words and SMS_TOKEN not in words


def test_a_world_readable_system_file_without_secrets_is_fine(system, user):
    _write(system, '[cliniko]\ncontact_email = "it@clinic.example"\n[ui]\nclock = "24h"\n', 0o644)
    assert load_settings(user, system_path=system, env={}).config.ui.clock == "24h"


def test_a_mistake_in_the_system_file_names_that_file_and_line(system, user):
    _write(system, '[cliniko]\ncontact_email = "it@clinic.example"\n[ui]\nlate_after_minutes = "soon"\n', 0o644)
    _write(user, f'[cliniko]\napi_key = "{DEMO_KEY}"\n', 0o600)
    with pytest.raises(ConfigError) as bad:
        load_settings(user, system_path=system, env={})
    assert f"{system}: line 4, ui.late_after_minutes" in str(bad.value)


def test_the_cli_refuses_a_world_readable_system_secret_with_exit_code_2(system, capsys):
    _write(system, CLINIC, 0o644)
    assert main(["today"]) == 2
    err = capsys.readouterr().err
    assert "every user on this server can read it" in err and SMTP_PASSWORD not in err and "Traceback" not in err


def test_doctor_says_where_each_setting_came_from_and_no_secret(system, user, server, capsys):
    _write(system, CLINIC, 0o640)
    _write(user, f'[cliniko]\napi_key = "{DEMO_KEY}"\nbase_url = "{server.base_url}"\n[ui]\nclock = "12h"\n', 0o600)
    main(["doctor"])
    out = capsys.readouterr().out
    assert f"Clinic's system file read: {system} (mode 640)" in out
    assert f"Your settings file read: {user} (mode 600)" in out
    assert "email.password = (secret, not shown)  ← system file" in out
    assert "cliniko.api_key = (secret, not shown)  ← your file" in out
    assert "email.host = '127.0.0.1'  ← system file" in out and "ui.clock = '12h'  ← your file" in out
    assert "Data folder" in out
    for secret in (SMTP_PASSWORD, SMS_TOKEN, DEMO_KEY):
        assert secret not in out


def test_saving_a_users_file_copies_nothing_from_the_clinics(system, user):
    _write(system, CLINIC, 0o640)
    _write(user, '[ui]\nclock = "12h"\n', 0o600)
    settings = load_settings(user, system_path=system, env={})
    changed = settings.config.model_copy(update={"cliniko": settings.config.cliniko.model_copy(
        update={"base_url": "https://api.au4.cliniko.com/v1"})})
    save_config(changed, user, settings.system.raw)
    text = user.read_text()
    assert "au4" in text and 'clock = "12h"' in text
    for clinics in (SMTP_PASSWORD, SMS_TOKEN, "reception@clinic.example", "it@clinic.example", "textual-light"):
        assert clinics not in text
    assert load_settings(user, system_path=system, env={}).config.email.secret() == SMTP_PASSWORD


def _setup_app(system, user, server, smtp_port):
    from frontdesk.services.session import open_session

    clinic = CLINIC.replace('[cliniko]\n', f'[cliniko]\nbase_url = "{server.base_url}"\n')
    _write(system, clinic.replace("port = 2525", f"port = {smtp_port}"), 0o640)
    settings = load_settings(user, system_path=system)
    return FrontdeskApp(settings.config, config_path=user, clinic=settings, session_factory=open_session)


async def test_setup_asks_only_for_what_the_clinics_file_lacks(system, user, server):
    from frontdesk.sandbox.smtp import MailCatcher

    with MailCatcher(username="reception", password=SMTP_PASSWORD) as mail:
        app = _setup_app(system, user, server, mail.port)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, SetupScreen)
            asked = {field.id for field in screen.query(Input)}
            assert asked == {"api-key", "pin"}
            given = " ".join(str(line.render()) for line in screen.query(".given"))
            assert "Contact email it@clinic.example: set by the clinic" in given
            assert "Email through 127.0.0.1: set by the clinic" in given and str(system) in given
            await pilot.press(*DEMO_KEY, "enter")
            await settle(pilot)
            status = str(screen.query_one("#setup-status").render())
            assert "Signed in as Rosa Delgado" in status and "logged in" in status, status
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
    text = user.read_text()
    assert DEMO_KEY in text and stat.S_IMODE(user.stat().st_mode) == 0o600
    for clinics in (SMTP_PASSWORD, SMS_TOKEN, "it@clinic.example", "[email]", "[sms]"):
        assert clinics not in text


async def test_setup_says_a_failing_clinic_setting_is_for_it(system, user, server):
    app = _setup_app(system, user, server, 9)  # nothing listens on the discard port
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*DEMO_KEY, "enter")
        await settle(pilot)
        status = str(app.screen.query_one("#setup-status").render())
        assert "Could not reach the email server 127.0.0.1:9" in status
        assert f"set in the clinic's file {system}: tell IT" in status
        assert app.screen.query_one("#save").disabled and not user.exists()


def test_a_system_file_this_user_cannot_read_says_ask_it(tmp_path_factory):
    """As a receptionist outside the file's group: run as nobody when the
    tests run as root (root reads every file)."""
    import subprocess
    import sys
    import tempfile

    from conftest import ROOT

    home = Path(tempfile.mkdtemp(prefix="frontdesk-etc-"))
    home.chmod(0o755)
    system = _write(home / "config.toml", CLINIC, 0o640 if os.geteuid() == 0 else 0o000)
    # util-linux's setpriv: the same drop of every privilege a login as nobody has
    drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    env = {**os.environ, "FRONTDESK_SYSTEM_CONFIG": str(system), "FRONTDESK_CONFIG": str(home / "mine.toml"),
           "FRONTDESK_DATA_DIR": str(home / "data"), "HOME": str(home)}
    try:
        done = subprocess.run([*drop, sys.executable, "-m", "frontdesk", "today"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
    finally:
        system.unlink()
        home.rmdir()
    assert done.returncode == 2, done.stderr
    assert "cannot be read by this user. Ask IT to add you to the group" in done.stderr
    assert "Traceback" not in done.stderr and SMTP_PASSWORD not in done.stderr
