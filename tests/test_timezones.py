from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from tui.domain.timezones import day_window, local_day_of, zone_for


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
