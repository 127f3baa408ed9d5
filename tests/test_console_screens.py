"""The console's other screens with Pilot: set-up, help, palette, lock,
themes; files written private; Textual kept out of the headless layers."""

import stat

import pytest
from textual.widgets import Button, Input

from frontdesk.screens.main import MainScreen
from frontdesk.screens.lock import LockScreen
from frontdesk.screens.modals import HelpScreen
from frontdesk.screens.send import SendConfirmScreen
from frontdesk.screens.setup import SetupScreen

from conftest import CONTACT, settle
from console_helpers import eligible, fill, setup_app


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light", "textual-light"])
async def test_themes_from_config(make_app, theme):
    app = make_app(theme=theme)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == theme


async def test_idle_lock_hides_everything_until_a_key(make_app):
    app = make_app(idle_lock_seconds=1)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        for _ in range(50):
            await pilot.pause(0.1)
            if isinstance(app.screen, LockScreen):
                break
        assert isinstance(app.screen, LockScreen)
        await pilot.pause()  # the lock screen pushed during the last pause is mounted
        assert "press any key" in str(app.screen.query_one("#lock-message").render()).lower()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_lock_now_key(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)


async def test_help_lists_every_key_and_remaps_apply(make_app):
    app = make_app(keys={"send": "S", "reveal": "V"})
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {description: key for key, description, _ in app.screen.rows}
        for description in ("Filter", "Prev day", "Next day", "Today", "Location", "Telehealth only", "Reveal",
                            "Copy", "Copy pract.", "Send", "Refresh", "Initials", "Quit", "Help", "Palette"):
            assert description in rows
        assert rows["Send"] == "S" and rows["Reveal"] == "V"
        await pilot.press("escape")
        await pilot.pause()
        view = eligible(app)
        app.screen.select_appointment(view.id)
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, SendConfirmScreen)


async def test_help_and_palette_list_every_console_action(make_app):
    """Both are built from the bindings: a key added is in both, none is left out."""
    from frontdesk.screens.palette import NOT_IN_PALETTE, palette_actions
    from frontdesk.screens.keys import CONSOLE_KEYS

    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        helped = {description for _, description, _ in app.screen.rows}
    assert {b.description for b in CONSOLE_KEYS} <= helped
    offered = {action for _, action in palette_actions()}
    assert {b.action for b in CONSOLE_KEYS if b.id not in NOT_IN_PALETTE} == offered
    assert {"toggle_pane", "panel('previous_attendee')", "panel('next_attendee')"} <= offered  # the ones the hand-kept list lacked


async def test_palette_runs_actions(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Telehealth only")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.state.telehealth_only


async def test_quit(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_setup_good_key_saves_private_config(tmp_path, server, monkeypatch):
    from frontdesk.sandbox.seed import DEMO_KEY

    app = setup_app(tmp_path, server)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        key_box = app.screen.query_one("#api-key", Input)
        assert key_box.password
        await pilot.press(*DEMO_KEY)
        await pilot.press("tab", *CONTACT)
        await pilot.press("enter")
        await settle(pilot)
        status = str(app.screen.query_one("#setup-status").render())
        assert "Signed in as Rosa Delgado (receptionist), shard au4" in status and DEMO_KEY not in status
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    path = tmp_path / "config" / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert DEMO_KEY in path.read_text() and CONTACT in path.read_text()


async def test_setup_rejected_key_saves_nothing(tmp_path, server, monkeypatch):
    app = setup_app(tmp_path, server)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*"WRONGKEY99999-au4")
        await pilot.press("tab", *CONTACT)
        await pilot.press("enter")
        await settle(pilot)
        status = str(app.screen.query_one("#setup-status").render())
        error = str(app.screen.query_one("#api-key-error").render())
        assert "Not saved: 1 problem" in status and "✕ API key rejected: wrong key, or wrong shard." in error
        assert "WRONGKEY99999" not in status + error
        assert app.screen.focused is app.screen.query_one("#api-key")
        assert app.screen.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
    assert not (tmp_path / "config" / "config.toml").exists()


async def test_setup_missing_contact_email_is_said_beside_its_field_at_80x24(tmp_path, server, monkeypatch):
    """Issue 12 #5: at 80x24 the result is next to the button and the error
    beside the Contact email field (which takes the focus), pointing at the
    field rather than at an environment variable."""
    from frontdesk.sandbox.seed import DEMO_KEY

    app = setup_app(tmp_path, server)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*DEMO_KEY, "enter")
        await settle(pilot)
        screen = app.screen
        status = screen.query_one("#setup-status")
        error = screen.query_one("#contact-error")
        assert "Not saved: 1 problem, marked ✕ beside the field." in str(status.render())
        assert str(error.render()).startswith("✕ Required: Cliniko blocks API clients that give no contact email")
        assert "FRONTDESK_CONTACT_EMAIL" not in str(error.render())
        assert screen.focused is screen.query_one("#contact")
        for widget in (status, error, screen.query_one("#contact"), screen.query_one("#check")):
            region = widget.region
            assert region.height and region.y >= 0 and region.bottom <= 24 and region.right <= 80, widget
        assert screen.query_one("#contact").placeholder.startswith("e.g. ")


def test_ui_free_layers_do_not_import_textual():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import frontdesk.cli, frontdesk.cliniko.client, frontdesk.domain.eligibility, frontdesk.services.day_loader,"
        " frontdesk.services.session, frontdesk.cli_commands.today, frontdesk.cli_commands.doctor, frontdesk.sandbox.server\n"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


async def test_setup_configures_email_and_sms(tmp_path, server, monkeypatch):
    from frontdesk.config_layers import load_config
    from frontdesk.sandbox.seed import DEMO_KEY
    from frontdesk.sandbox.server import DEMO_SMS_SID
    from frontdesk.sandbox.smtp import MailCatcher

    with MailCatcher(username="desk", password="pw-123456") as mail:
        app = setup_app(tmp_path, server)
        async with app.run_test(size=(100, 50)) as pilot:
            await pilot.pause()
            screen = app.screen
            fill(screen, {"#api-key": DEMO_KEY, "#contact": CONTACT, "#smtp-host": "127.0.0.1", "#smtp-port": str(mail.port),
                      "#smtp-user": "desk", "#smtp-password": "pw-123456", "#smtp-from": "desk@clinic.example",
                          "#sms-sid": DEMO_SMS_SID, "#sms-token": "tok-secret", "#sms-from": "+61290000000"})
            await pilot.pause()
            screen.action_check()
            await settle(pilot)
            status = str(screen.query_one("#setup-status").render())
            assert "Signed in as Rosa Delgado" in status and "logged in" in status and "SMS via" in status
            assert "pw-123456" not in status and "tok-secret" not in status
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
        assert mail.received == []
    path = tmp_path / "config" / "config.toml"
    config = load_config(path, env={})
    assert config.email.secret() == "pw-123456" and config.sms.secret() == "tok-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_setup_rejects_bad_channel_settings(tmp_path, server, monkeypatch):
    from frontdesk.sandbox.seed import DEMO_KEY

    app = setup_app(tmp_path, server)
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        fill(screen, {"#api-key": DEMO_KEY, "#contact": CONTACT, "#smtp-host": "smtp.example.com",
                      "#smtp-from": "desk@clinic.example"})
        await pilot.pause()
        screen.action_check()
        await settle(pilot)
        assert "Not saved: 1 problem" in str(screen.query_one("#setup-status").render())
        assert "allowed only for a server on this machine" in str(screen.query_one("#smtp-host-error").render())
        assert screen.focused is screen.query_one("#smtp-host")
    assert not (tmp_path / "config" / "config.toml").exists()


async def test_every_file_written_is_private(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        app.screen.select_appointment(eligible(app).id)
        await pilot.press("v")
        await settle(pilot)  # the audit log is read or written off the UI loop
    data = tmp_path / "data"
    written = [p for p in data.rglob("*")]
    assert any(p.name == "audit.sqlite3" for p in written) and any(p.name == "locations.json" for p in written)
    for path in [data, *written]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


async def test_setup_with_a_pin_locks_with_it(tmp_path, server, monkeypatch):
    """Issue 12 #6: a PIN typed in set-up is stored (scrypt, 0600) and the
    lock then needs it; the PIN is not written to the config file."""
    from frontdesk.paths import data_dir
    from frontdesk.sandbox.seed import DEMO_KEY
    from frontdesk.services.pin import PinLock

    app = setup_app(tmp_path, server)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Tip: with a PIN" in str(app.screen.query_one("#pin-tip").render())
        await pilot.press(*DEMO_KEY)
        await pilot.press("tab", *CONTACT)
        app.screen.query_one("#pin", Input).focus()
        await pilot.press(*"97531", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
    pin_file = data_dir() / "lock-pin.json"
    assert stat.S_IMODE(pin_file.stat().st_mode) == 0o600
    assert PinLock(pin_file).verify("97531") and not PinLock(pin_file).verify("1234")
    assert "97531" not in pin_file.read_text()
    assert "97531" not in (tmp_path / "config" / "config.toml").read_text()


async def test_setup_leaves_with_esc_or_ctrl_q_and_says_so(tmp_path, server):
    for key in ("escape", "ctrl+q"):
        app = setup_app(tmp_path, server)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert "esc or ctrl+q leaves, nothing saved" in str(screen.query_one("#setup-intro").render())
            await pilot.press("a", "b", key)
            await pilot.pause()
            assert not app.is_running
        assert not (tmp_path / "config" / "config.toml").exists()


async def test_setup_tab_only_reaches_fields_on_screen_and_each_error_sits_under_its_input(tmp_path, server):
    from textual.widgets import Input

    app = setup_app(tmp_path, server)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        fields = screen.query_one("#setup-fields")
        seen = set()
        for _ in range(30):
            focused = screen.focused
            seen.add(focused.id)
            if isinstance(focused, Input):  # typing goes where staff can see it
                visible = fields.content_region
                assert visible.y <= focused.region.y and focused.region.bottom <= visible.bottom, focused.id
            await pilot.press("tab")
            await pilot.pause()
        assert {"api-key", "contact", "smtp-port", "sms-token", "pin", "check"} <= seen
        # a problem with the port of the server/port pair is shown under the port, not the server
        screen.query_one("#smtp-host", Input).value = "smtp.example.com"
        screen.query_one("#smtp-port", Input).value = "99999"
        screen.action_check()
        await settle(pilot)
        error, port, host = (screen.query_one(f"#{n}") for n in ("smtp-port-error", "smtp-port", "smtp-host"))
        assert str(error.render()).startswith("✕ ")
        assert error.region.x == port.region.x and error.region.x > host.region.right - 1
