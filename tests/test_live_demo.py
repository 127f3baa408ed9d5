"""A demo that is always live (issue 13 §6): whatever the hour `make demo`
runs, the day has calls over, one under way, one late, one starting soon,
a Telehealth group later, and tomorrow seeded too. `--now` is unaffected."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.domain.timezones import local_day_of
from frontdesk.sandbox.live import HOME, live_store
from frontdesk.sandbox.seed import build_store

DATE = datetime(2026, 11, 25).date()


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def scene(store, now: datetime) -> dict[str, int]:
    today = local_day_of(now, HOME)
    rows = [r for r in store.individual_appointments.values() if not r["cancelled_at"] and not r.get("archived_at")]
    telehealth = {t for t, row in store.appointment_types.items() if row["telehealth_enabled"] is True}
    on_today = [r for r in rows if local_day_of(parse(r["starts_at"]), HOME) == today]
    calls = [r for r in on_today if r["appointment_type_id"] in telehealth]
    return {
        "over": sum(parse(r["ends_at"]) <= now for r in on_today),
        "under way": sum(parse(r["starts_at"]) <= now < parse(r["ends_at"]) and r["patient_arrived"] for r in calls),
        "late": sum(parse(r["starts_at"]) + timedelta(minutes=5) <= now < parse(r["ends_at"])
                    and not r["patient_arrived"] and not r["did_not_arrive"] for r in calls),
        "soon": sum(now < parse(r["starts_at"]) <= now + timedelta(minutes=15) for r in calls),
        "group later": sum(parse(g["starts_at"]) > now and local_day_of(parse(g["starts_at"]), HOME) == today
                           and g["appointment_type_id"] in telehealth for g in store.group_appointments.values()),
        "tomorrow": sum(local_day_of(parse(r["starts_at"]), HOME) == today + timedelta(days=1) for r in rows),
    }


@settings(max_examples=12, deadline=None)
@given(st.times(min_value=time(0, 30), max_value=time(23, 0)))
def test_the_demo_day_is_live_at_any_hour(moment):
    now = datetime.combine(DATE, moment, tzinfo=HOME)
    found = scene(live_store(now), now)
    assert all(count >= 1 for count in found.values()), found


def test_at_night_the_whole_day_moved_with_its_links():
    now = datetime.combine(DATE, time(21, 30), tzinfo=HOME)
    store = live_store(now)
    for row in store.individual_appointments.values():  # links kept, times moved
        assert row["telehealth_url"].endswith(f"/appointments/{row['id']}/connect")
        assert parse(row["ends_at"]) > parse(row["starts_at"])


def test_now_pins_the_seeded_day():
    """--now builds the canonical day (tests and snapshots rely on it)."""
    now = datetime.combine(DATE, time(21, 30), tzinfo=HOME)
    store = build_store(now)
    home = next(iter(store.businesses))
    starts = sorted(parse(r["starts_at"]).astimezone(HOME).time() for r in store.individual_appointments.values()
                    if local_day_of(parse(r["starts_at"]), HOME) == DATE and r["business_id"] == home)
    assert starts[0] >= time(8, 0) and starts[-1] <= time(18, 0)
