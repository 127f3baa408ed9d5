from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from frontdesk.domain.timezones import day_window, local_day_of, zone_for


@pytest.mark.parametrize(
    "zone, day, hours, start",
    [
        ("Australia/Sydney", date(2026, 11, 24), 24, datetime(2026, 11, 23, 13, tzinfo=timezone.utc)),
        ("Australia/Sydney", date(2026, 4, 5), 25, datetime(2026, 4, 4, 13, tzinfo=timezone.utc)),  # DST ends
        ("Australia/Sydney", date(2026, 10, 4), 23, datetime(2026, 10, 3, 14, tzinfo=timezone.utc)),  # DST starts
        ("Pacific/Auckland", date(2026, 9, 27), 23, datetime(2026, 9, 26, 12, tzinfo=timezone.utc)),
        ("Europe/London", date(2026, 3, 29), 23, datetime(2026, 3, 29, 0, tzinfo=timezone.utc)),
        ("Europe/London", date(2026, 10, 25), 25, datetime(2026, 10, 24, 23, tzinfo=timezone.utc)),
        ("America/New_York", date(2026, 11, 1), 25, datetime(2026, 11, 1, 4, tzinfo=timezone.utc)),
    ],
)
def test_day_windows_on_dst_days(zone, day, hours, start):
    lo, hi = day_window(day, ZoneInfo(zone))
    assert lo == start and (hi - lo).total_seconds() == hours * 3600
    assert lo.tzinfo == timezone.utc
    assert local_day_of(lo, ZoneInfo(zone)) == day
    assert local_day_of(hi, ZoneInfo(zone)) != day


def test_zone_fallbacks():
    assert zone_for(None, "Eastern Time (US & Canada)").key == "America/New_York"
    assert zone_for("", "", "Australia/Perth").key == "Australia/Perth"
    assert zone_for("Not/AZone", None).key == "UTC"


UNKNOWN = "Harbour Health Sydney: time zone ‘Mars/Olympus_Mons’ is unknown; its times are shown in UTC."


def _unknown_zone(sandbox):
    business = next(iter(sandbox.store.businesses.values()))
    business.update(time_zone_identifier="Mars/Olympus_Mons", time_zone="Olympus")


async def test_an_unknown_zone_is_said_on_screen_not_a_silent_utc(make_app, sandbox):
    from conftest import settle
    from console_helpers import Heard

    _unknown_zone(sandbox)
    app = make_app()
    heard = Heard()
    async with app.run_test(size=(140, 40), message_hook=heard) as pilot:
        await settle(pilot)
        assert UNKNOWN in heard.notes


def test_today_notes_an_unknown_zone(sandbox, capsys, monkeypatch, server):
    from frontdesk.cli import main
    from frontdesk.sandbox.seed import DEMO_KEY

    from conftest import CONTACT

    _unknown_zone(sandbox)
    monkeypatch.setenv("CLINIKO_API_KEY", DEMO_KEY)
    monkeypatch.setenv("CLINIKO_BASE_URL", server.base_url)
    monkeypatch.setenv("FRONTDESK_CONTACT_EMAIL", CONTACT)
    assert main(["today", "--date", "2026-11-24"]) == 0
    assert f"note: {UNKNOWN}" in capsys.readouterr().out


def test_the_zone_database_comes_with_frontdesk():
    """tzdata is a dependency: lookups never depend on the OS having zones."""
    import importlib.metadata

    assert importlib.metadata.version("tzdata")
    assert zone_for("Pacific/Chatham").key == "Pacific/Chatham"
