"""A demo day that is always live, whatever the time `make demo` runs.

The seeded clinic day runs 08:00–18:00 in each location's zone; run after
hours, everything would be over. So the demo (no ``--now``) builds the day
as it looks at 10:05 in Sydney and moves every time in it (appointments,
attendees, memos: every ``*_at``) so that 10:05 is now; inside clinic
hours nothing moves. Then it sets the scene around now: a Telehealth call
under way (patient arrived), one whose patient is late, one starting in a
few minutes, and a Telehealth group later today. ``--now`` pins the clock
and skips all of this, so tests and snapshots see the same day always.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from frontdesk.sandbox.clock import iso_z
from frontdesk.sandbox.seed import BUSINESSES, DEMO, ClinicSize, build_store
from frontdesk.sandbox.store import Store

HOME = ZoneInfo(BUSINESSES[0][1])
#: the seeded day as it looks at this time in the home location
ANCHOR = time(10, 5)
#: inside these local hours the seeded day is used as it is
OPEN_HOURS = (time(8, 40), time(15, 0))


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def shift_store(store: Store, delta: timedelta) -> None:
    """Every time in the store (``*_at`` fields) moved by *delta*."""
    for name in ("businesses", "practitioners", "appointment_types", "patients", "users",
                 "individual_appointments", "group_appointments", "attendees", "unavailable_blocks",
                 "communications"):
        for row in store.resource(name).values():
            for key, value in row.items():
                if key.endswith("_at") and isinstance(value, str) and value.endswith("Z"):
                    row[key] = iso_z(_parse(value) + delta)


def live_store(now: datetime, size: ClinicSize = DEMO, seed: int = 7) -> Store:
    local = now.astimezone(HOME)
    if OPEN_HOURS[0] <= local.time() <= OPEN_HOURS[1]:
        store = build_store(now, size, seed)
    else:
        anchor = datetime.combine(local.date(), ANCHOR, tzinfo=HOME)
        store = build_store(anchor, size, seed)
        on_the_five = now.replace(second=0, microsecond=0) - timedelta(minutes=now.minute % 5)
        shift_store(store, on_the_five - anchor)  # times stay on the 5 minutes, as a diary's are
        store.now = now
        store.today = local.date()
    stage_scene(store, now)
    return store


def _telehealth(store: Store, row: dict) -> bool:
    return store.appointment_types[row["appointment_type_id"]]["telehealth_enabled"] is True


def _move(row: dict, store: Store, starts: datetime) -> None:
    """To *starts*, lasting its type's time (at least 30 minutes: a call
    staged as under way must still be under way)."""
    minutes = max(30, store.appointment_types[row["appointment_type_id"]]["duration_in_minutes"])
    row.update(starts_at=iso_z(starts), ends_at=iso_z(starts + timedelta(minutes=minutes)))


def stage_scene(store: Store, now: datetime) -> None:
    """Telehealth calls around *now* at the home location: one under way
    (arrived), one late (not arrived), one starting soon; a group later."""
    home_id = next(iter(store.businesses))
    minute = now.replace(second=0, microsecond=0)
    minute -= timedelta(minutes=minute.minute % 5)
    today = now.astimezone(HOME).date()
    calls = [row for row in store.individual_appointments.values()
             if row["business_id"] == home_id and _telehealth(store, row) and not row["cancelled_at"]
             and not row.get("archived_at") and store.patients[row["patient_id"]].get("email")
             and _parse(row["starts_at"]).astimezone(HOME).date() == today]
    scene = [(minute - timedelta(minutes=15), True), (minute - timedelta(minutes=5), False),
             (minute + timedelta(minutes=10), False)]
    for row, (starts, arrived) in zip(calls, scene):
        _move(row, store, starts)
        row.update(patient_arrived=arrived, did_not_arrive=False, updated_at=iso_z(now - timedelta(minutes=1)))
    end_of_day = datetime.combine(today, time(23, 40), tzinfo=HOME)
    groups = [row for row in store.group_appointments.values() if _telehealth(store, row)
              and _parse(row["starts_at"]).astimezone(HOME).date() in (today, today + timedelta(days=1))]
    if groups:
        _move(groups[0], store, max(min(minute + timedelta(minutes=60), end_of_day), minute + timedelta(minutes=10)))
