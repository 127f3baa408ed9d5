"""The screen lock at 80x24: a curtain without a PIN, a lock with one
(issue 12 #6). The PIN is kept only as a salted scrypt hash, 0600."""

from __future__ import annotations

import json
import stat

import pytest

from frontdesk.cli import main
from frontdesk.paths import data_dir
from frontdesk.screens.lock import LOCKED_OUT, LockScreen
from frontdesk.screens.main import MainScreen
from frontdesk.services.pin import PinError, PinLock

from conftest import settle


def pin_file():
    return data_dir() / "lock-pin.json"


def test_the_pin_is_stored_only_as_a_salted_scrypt_hash():
    lock = PinLock(pin_file())
    lock.set("2468")
    record = json.loads(pin_file().read_text())
    assert record["scheme"] == "scrypt" and len(bytes.fromhex(record["salt"])) == 16
    assert "2468" not in pin_file().read_text()
    assert stat.S_IMODE(pin_file().stat().st_mode) == 0o600
    assert lock.verify("2468") and not lock.verify("2469") and not lock.verify("")
    other = PinLock(data_dir() / "other.json")
    other.set("2468")
    assert json.loads((data_dir() / "other.json").read_text())["hash"] != record["hash"]  # salted
    for bad in ("12", "123456789", "12a4", ""):
        with pytest.raises(PinError):
            lock.set(bad)


def test_a_damaged_pin_file_lets_nobody_in():
    pin_file().parent.mkdir(parents=True, exist_ok=True)
    pin_file().write_text("{not json")
    assert not PinLock(pin_file()).verify("2468") and PinLock(pin_file()).damaged()


async def test_the_lock_says_when_the_pin_file_is_damaged(make_app):
    """Fail closed, but say why no PIN works and what fixes it."""
    PinLock(pin_file()).set("2468")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pin_file().write_text('{"salt": "zz"}')
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press(*"2468", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        status = " ".join(str(app.screen.query_one("#lock-status").render()).split())
        assert "lock-pin.json is damaged" in status and "frontdesk set-pin" in status


def test_set_pin_asks_twice_and_never_echoes(monkeypatch, capsys):
    answers = iter(["2468", "2468"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert main(["set-pin"]) == 0
    assert PinLock(pin_file()).verify("2468")
    answers = iter(["1357", "7531"])
    assert main(["set-pin"]) == 2 and "differ" in capsys.readouterr().err
    assert PinLock(pin_file()).verify("2468")  # unchanged
    assert main(["set-pin", "--clear"]) == 0 and not pin_file().exists()


async def test_without_a_pin_any_key_lifts_the_curtain(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen) and not app.screen.query("#pin")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_with_a_pin_only_the_pin_unlocks(make_app):
    PinLock(pin_file()).set("2468")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        lock = app.screen
        assert isinstance(lock, LockScreen)
        await pilot.press("x", "escape", "q", "enter", "ctrl+p", "question_mark")  # no key lifts it
        await pilot.pause()
        assert app.screen is lock and app.is_running  # and nothing opened over it (the palette could copy)
        await pilot.press(*"1111", "enter")
        await pilot.pause()
        assert app.screen is lock
        assert "Wrong PIN (1 of 5)" in str(lock.query_one("#lock-status").render())
        await pilot.press(*"2468", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_five_wrong_pins_end_the_session(make_app, capsys):
    PinLock(pin_file()).set("2468")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        for _ in range(5):
            await pilot.press(*"0000", "enter")
            await pilot.pause()
    assert app.return_code == 5 and not app.is_running
    assert LOCKED_OUT in " ".join(capsys.readouterr().err.split())  # said once the console has closed
