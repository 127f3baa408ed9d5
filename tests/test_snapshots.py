"""SVG snapshots of the key screens, fixed clock and seeded sandbox.
Baselines live in snapshots/; update with `pytest --snapshot-update`."""

import pytest
from textual.widgets import Input

from frontdesk.app import FrontdeskApp
from frontdesk.config import Config
from frontdesk.services.session import open_session
from frontdesk.widgets.text_lines import SETTLE_SECONDS

from conftest import settle
from console_helpers import cancelled, eligible, group, of_state


@pytest.fixture(autouse=True)
def no_blink(monkeypatch):
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


def selecting(pick):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.screen.select_appointment(pick(pilot.app).id)
        await pilot.pause(SETTLE_SECONDS + 0.1)  # panes at their resting height

    return run_before


def test_telehealth_individual_selected(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=selecting(eligible))


def test_non_telehealth_selected(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=selecting(lambda app: of_state(app, "off")))


def test_null_flag_selected(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=selecting(lambda app: of_state(app, "unknown")))


def test_group_selected(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=selecting(group))


def test_cancelled_selected(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=selecting(cancelled))


def test_offline_state(snap_compare, make_app, sandbox):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.screen.session.client.retries = 0
        sandbox.faults.add("503", path="/bookings", times=3)
        pilot.app.screen.refresh_changes()
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=run_before)


def test_80x24_layout(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=selecting(eligible))


def test_wide_layout(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(170, 44), run_before=selecting(group))


def test_setup_screen(snap_compare, tmp_path, server):
    config = Config()
    app = FrontdeskApp(config, config_path=tmp_path / "c.toml", session_factory=open_session)
    assert snap_compare(app, terminal_size=(100, 30))


def test_help_screen(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 40), press=["question_mark"], run_before=run_before)


async def open_send_dialog(pilot):
    await settle(pilot)
    pilot.app.screen.select_appointment(eligible(pilot.app).id)
    await pilot.pause(SETTLE_SECONDS + 0.1)
    await pilot.press("s")
    await pilot.pause()


def test_send_confirmation_modal(snap_compare, make_app):
    async def run_before(pilot):
        await open_send_dialog(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=run_before)


def test_outbox(snap_compare, tmp_path):
    from frontdesk.demo import open_demo_session

    from conftest import NOW

    session = open_demo_session(Config(), now=NOW)
    app = FrontdeskApp(Config(), config_path=tmp_path / "c.toml", session=session)

    async def run_before(pilot):
        await open_send_dialog(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.pause(0.2)
        pilot.app.clear_notifications()
        await pilot.press("o")
        await settle(pilot)  # the audit log is read or written off the UI loop

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


# -- 80x24: the size of most SSH terminals (issue 12) ------------------------------------


def test_80x24_location_chosen(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("up", "up", "enter")  # Auckland
        await settle(pilot)
        await pilot.pause(SETTLE_SECONDS + 0.1)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_80x24_all_locations(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.pause(SETTLE_SECONDS + 0.1)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_80x24_group_with_8_attendees(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=selecting(group))


def test_80x24_group_send_confirmation(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.screen.select_appointment(group(pilot.app).id)
        await pilot.pause(SETTLE_SECONDS + 0.1)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_80x24_setup_with_an_error(snap_compare, tmp_path):
    """The missing contact email is caught before any request, beside its field."""
    from frontdesk.sandbox.seed import DEMO_KEY

    app = FrontdeskApp(Config(), config_path=tmp_path / "c.toml", session_factory=open_session)

    async def run_before(pilot):
        await pilot.pause()
        await pilot.press(*DEMO_KEY, "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_80x24_lock_with_pin(snap_compare, make_app):
    from frontdesk.paths import data_dir
    from frontdesk.services.pin import PinLock

    PinLock(data_dir() / "lock-pin.json").set("2468")

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press(*"1111", "enter")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


# -- the front desk's morning (issue 13): up next, the sent column, late? -------------------


def a_late_call(sandbox):
    """The seeded 09:45 Telehealth call, its patient not marked arrived (20 min late at 10:05)."""
    from conftest import NOW

    store = sandbox.store
    for row in store.individual_appointments.values():
        kind = store.appointment_types[row["appointment_type_id"]]
        if kind["telehealth_enabled"] is True and not row["cancelled_at"] and not row.get("archived_at") \
                and row["starts_at"] <= "2026-11-23T22:50:00Z" and row["ends_at"] > NOW.isoformat()[:19] + "Z" \
                and store.patients[row["patient_id"]]["email"]:
            row["patient_arrived"] = False
            return row["id"]
    raise LookupError


def late_and_sent(sandbox):
    late = a_late_call(sandbox)

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("u", "s")  # the next call: send its link
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        pilot.app.clear_notifications()  # the send's own; the late call's nudge shown again, alone
        screen = pilot.app.screen
        screen.rows.told_late.clear()
        screen.rows.nudge([v for v in screen.views if v.id == late], screen.state.marks)
        screen.select_appointment(late)
        await pilot.pause(SETTLE_SECONDS + 0.1)

    return run_before


def test_80x24_up_next_sent_and_late(snap_compare, make_app, sandbox):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=late_and_sent(sandbox))


def test_200x50_up_next_sent_and_late(snap_compare, make_app, sandbox):
    assert snap_compare(make_app(), terminal_size=(200, 50), run_before=late_and_sent(sandbox))


def test_80x24_patient_lookup(snap_compare, make_app, sandbox):
    patient = next(p for p in sandbox.store.patients.values() if p["last_name"] == "Ngata" and p["email"])

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("ctrl+f", *patient["email"])
        await pilot.pause(0.4)
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


# -- every width gets a layout chosen for it (step 12) ------------------------------------


def test_100x30_group_selected(snap_compare, make_app):
    """Tagged locations (a name would squeeze the patient), long words, the
    compact links pane under a list of 18 rows."""
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=selecting(group))


def test_120x40_group_selected(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=selecting(group))


def test_200x50_group_selected(snap_compare, make_app):
    """Side by side: locations named, the links and details beside the list."""
    assert snap_compare(make_app(), terminal_size=(200, 50), run_before=selecting(group))
