"""Loading and refreshing a day against the loopback sandbox."""

import math
from datetime import date, datetime, timedelta


from frontdesk.sandbox.clock import fixed_clock
from frontdesk.sandbox.runner import SandboxServer
from frontdesk.sandbox.seed import benchmark_size
from frontdesk.sandbox.server import Sandbox
from frontdesk.services.day_loader import DayLoader

from conftest import NOW

TODAY = date(2026, 11, 24)


def _expected(sandbox, local_date, business_id=None):
    store = sandbox.store
    from frontdesk.domain.timezones import zone_for

    out = set()
    for table in (store.individual_appointments, store.group_appointments):
        for row in table.values():
            if row.get("archived_at") or row.get("deleted_at"):
                continue
            if business_id and row["business_id"] != business_id:
                continue
            b = store.businesses[row["business_id"]]
            zone = zone_for(b["time_zone_identifier"], b["time_zone"])
            starts = datetime.fromisoformat(row["starts_at"].replace("Z", "+00:00"))
            if starts.astimezone(zone).date() == local_date:
                out.add(row["id"])
    return out


async def test_loads_the_whole_local_day_of_every_business(client, sandbox, clock):
    loader = DayLoader(client, clock=clock)
    progress = []
    day = await loader.load(TODAY, on_progress=lambda d: progress.append(len(d.appointments)))
    assert set(day.appointments) == _expected(sandbox, TODAY)
    assert day.complete and day.problems == []
    assert progress[-1] == len(day.appointments) and len(progress) > 1
    # cancelled rows are kept (marked), archived ones are not
    statuses = {v.status for v in day.views()}
    assert {"cancelled", "arrived", "booked"} <= statuses
    # every appointment has its attendees, every attendee its patient (archived patients excepted)
    for view in day.views():
        assert view.attendees, view.id
        for a in view.attendees:
            assert a.link is not None
            archived = sandbox.store.patients[a.attendee.patient_id]["archived_at"] not in (None, "")
            assert (a.patient is None) == archived


async def test_one_business_only(client, sandbox, clock):
    business = list(sandbox.store.businesses)[1]
    day = await DayLoader(client, business_id=business, clock=clock).load(TODAY)
    assert set(day.appointments) == _expected(sandbox, TODAY, business) != set()


async def test_request_budget_is_batched(client, sandbox, clock):
    before = len(sandbox.requests)
    day = await DayLoader(client, clock=clock).load(TODAY)
    used = sandbox.requests[before:]
    paths = [r.path for r in used]
    individual = sum(1 for a in day.appointments.values() if not hasattr(a, "max_attendees"))
    bookings = len(day.appointments)
    patients = len({a.patient_id for a in day.attendees.values()})
    bound = math.ceil(individual / 100) + 1 + math.ceil(bookings / 100) * 2 + math.ceil(patients / 100) * 2 + 4
    assert len(used) <= bound
    assert paths.count("/v1/attendees") < bookings / 5  # never one per appointment
    for r in used:
        if r.path == "/v1/attendees":
            assert "booking_id%3A%3D" in r.query and "cancelled_at%3A%2A" in r.query


async def test_big_day_pages_and_batches():
    sandbox = Sandbox(clock=fixed_clock(NOW), size=benchmark_size(600, 40))
    with SandboxServer(sandbox) as server:
        from frontdesk.cliniko.client import ClinikoClient
        from frontdesk.cliniko.governor import RateGovernor
        from frontdesk.sandbox.seed import DEMO_KEY

        client = ClinikoClient(DEMO_KEY, "qa@example.com", base_url=server.base_url, governor=RateGovernor())
        day = await DayLoader(client, clock=fixed_clock(NOW)).load(TODAY)
        await client.aclose()
    groups = [v for v in day.views() if v.kind == "group"]
    assert len(day.appointments) == len(_expected(sandbox, TODAY)) >= 600
    assert len(groups) == 40 and all(len(g.attendees) == 8 for g in groups)
    counts = {}
    for r in sandbox.requests:
        counts[r.path] = counts.get(r.path, 0) + 1
    individual = sum(1 for v in day.views() if v.kind == "individual")
    assert counts["/v1/individual_appointments"] == math.ceil(individual / 100)
    assert counts["/v1/group_appointments"] == 1
    # one batch per page of bookings; a batch may itself span pages (8 per group)
    batches = math.ceil(individual / 100) + 1
    assert counts["/v1/attendees"] <= batches + math.ceil(len(day.attendees) / 100)
    patients = len({a.patient_id for a in day.attendees.values()})
    assert counts["/v1/patients"] <= counts["/v1/attendees"] + math.ceil(patients / 100)
    pages = counts["/v1/individual_appointments"] + counts["/v1/group_appointments"]
    assert sum(counts.values()) <= pages + counts["/v1/attendees"] + counts["/v1/patients"] + 4


async def test_dst_day_window(make_client, clock):
    # Sydney's DST starts 2026-10-04 (a 23-hour day); the seed doesn't cover it, so
    # this checks the query the loader sends.
    sandbox_client = make_client()
    loader = DayLoader(sandbox_client, clock=clock)
    await loader.businesses()
    day = await loader.load(date(2026, 10, 4))
    assert day.appointments == {}


async def test_refresh_with_no_changes_costs_three_requests(client, sandbox, clock):
    loader = DayLoader(client, clock=clock)
    day = await loader.load(TODAY)
    before = len(sandbox.requests)
    result = await loader.refresh(day)
    assert len(sandbox.requests) - before == 3
    assert not result.changed and not result.removed and not result.added  # the same records again
    assert result.day is not day and result.day.appointments == day.appointments


async def test_refresh_picks_up_cancellation_and_flag_change(client, sandbox):
    now = [NOW]
    loader = DayLoader(client, clock=lambda: now[0])
    sandbox.clock = lambda: now[0]
    day = await loader.load(TODAY)
    now[0] = NOW + timedelta(minutes=5)
    target = next(v for v in day.views() if v.kind == "individual" and v.status == "booked")
    sandbox.cancel_appointment(target.id)
    type_id = target.appointment.appointment_type_id
    sandbox.set_telehealth(type_id, not bool(sandbox.store.appointment_types[type_id]["telehealth_enabled"]))
    result = await loader.refresh(day)
    assert target.id in result.changed and result.types_changed
    assert day.view(target.id).status == "booked", "the day on screen is never changed under it"
    new = result.day
    assert new.view(target.id).status == "cancelled"
    assert new.appointment_types[type_id].telehealth_enabled == sandbox.store.appointment_types[type_id]["telehealth_enabled"]


async def test_types_are_cached_until_asked_for_fresh(client, sandbox, clock):
    loader = DayLoader(client, clock=clock)
    types = await loader.appointment_types()
    type_id = next(t for t, v in types.items() if v.telehealth_enabled)
    before = len(sandbox.requests)
    await loader.appointment_types()
    assert len(sandbox.requests) == before  # cached
    sandbox.set_telehealth(type_id, False)
    assert (await loader.appointment_types(fresh=True))[type_id].telehealth_enabled is False


async def test_unreadable_rows_are_reported_not_fatal(client, sandbox, clock):
    sandbox.faults.add("null_flag", path="/appointment_types", times=1)
    day = await DayLoader(client, clock=clock).load(TODAY)
    assert all(t.telehealth_enabled is None for t in day.appointment_types.values())
    assert not any(v.decision(v.primary_attendee(), NOW).allowed for v in day.views())


async def test_remembered_locations_fix_the_window_and_are_checked(client, sandbox, clock, tmp_path):
    import json
    import stat

    cache = tmp_path / "private" / "locations.json"
    first = await DayLoader(client, clock=clock, location_cache=cache).load(TODAY)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    remembered = json.loads(cache.read_text())
    assert {r["id"] for r in remembered} == set(sandbox.store.businesses)
    assert all(set(r) <= {"id", "business_name", "display_name", "time_zone", "time_zone_identifier", "country_code"} for r in remembered)
    # a location changes zone between sessions: the remembered window is wrong, and caught
    auckland = next(b for b in sandbox.store.businesses.values() if b["time_zone_identifier"] == "Pacific/Auckland")
    auckland["time_zone_identifier"] = "Europe/London"
    second = await DayLoader(client, clock=clock, location_cache=cache).load(TODAY)
    assert set(second.appointments) == _expected(sandbox, TODAY) != set(first.appointments)
    assert second.businesses[auckland["id"]].time_zone_identifier == "Europe/London"
