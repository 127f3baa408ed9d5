"""Arrivals (issue 13 §1): the rule, the sandbox's PATCHes over loopback
HTTP, and the console at 80x24: the row changes at once, one request
confirms it, a refusal puts it back with the reason, every change audited."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.cliniko.errors import NotFoundError, PermissionDeniedError, ValidationError
from frontdesk.cliniko.models import Attendee, GroupAppointment, IndividualAppointment
from frontdesk.domain.arrival import arrival_of, arrival_patch, arrival_refusal, toggled, with_arrival
from frontdesk.sandbox.seed import SANDBOX_KEYS
from frontdesk.screens.ask import AskFirst
from frontdesk.widgets.appointment_table import AppointmentTable

from conftest import NOW, settle
from console_helpers import Heard, audit_rows, find, group, links_text

SIZE = (80, 24)
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


def individual(**flags) -> IndividualAppointment:
    return IndividualAppointment(id="1", starts_at=T0, ends_at=T0 + timedelta(minutes=30), **flags)


# -- the rule --------------------------------------------------------------------------------


@given(st.sampled_from([None, True, False]), st.sampled_from([None, True, False]),
       st.sampled_from(["arrived", "did_not_arrive"]))
def test_a_toggle_always_leaves_the_two_flags_exclusive(arrived, dna, mark):
    appt = individual(patient_arrived=arrived, did_not_arrive=dna)
    before = arrival_of(appt, None)
    after = toggled(before, mark)
    body = arrival_patch(appt, None, after).body
    assert not (body["patient_arrived"] and body["did_not_arrive"])
    assert after == ("booked" if before == mark else mark)
    changed, _ = with_arrival(appt, None, after)
    assert arrival_of(changed, None) == after and toggled(after, mark) != after


def test_a_group_attendee_has_only_arrived():
    group_appt = GroupAppointment(id="2", starts_at=T0, ends_at=T0 + timedelta(hours=1))
    attendee = Attendee(id="9", booking_id="2")
    assert "no “did not arrive”" in arrival_refusal(group_appt, attendee, "did_not_arrive")
    assert arrival_refusal(group_appt, attendee, "arrived") is None
    patch = arrival_patch(group_appt, attendee, "arrived")
    assert patch.path == "/attendees/9" and patch.body == {"arrived": True}
    assert "cancelled" in arrival_refusal(group_appt, attendee.model_copy(update={"cancelled_at": T0}), "arrived")
    assert "cancelled" in arrival_refusal(individual(cancelled_at=T0), None, "arrived")


# -- the sandbox, over loopback ------------------------------------------------------------------


def booked_individual(sandbox) -> str:
    return next(rid for rid, row in sandbox.store.individual_appointments.items()
                if not row["cancelled_at"] and not row.get("archived_at") and not row["patient_arrived"]
                and not row["did_not_arrive"])


async def test_sandbox_patch_sets_one_flag_and_clears_the_other(client, sandbox):
    rid = booked_individual(sandbox)
    data = await client.patch(f"/individual_appointments/{rid}", {"did_not_arrive": True})
    assert data["did_not_arrive"] is True and data["patient_arrived"] is False
    data = await client.patch(f"/individual_appointments/{rid}", {"patient_arrived": True})
    assert data["patient_arrived"] is True and data["did_not_arrive"] is False
    assert IndividualAppointment.model_validate(data).patient_arrived is True
    with pytest.raises(ValidationError) as refused:
        await client.patch(f"/individual_appointments/{rid}", {"patient_arrived": "yes"})
    assert "patient_arrived" in str(refused.value)


async def test_sandbox_refuses_what_cliniko_would(client, make_client, sandbox):
    archived = next(rid for rid, row in sandbox.store.individual_appointments.items() if row.get("archived_at"))
    with pytest.raises(NotFoundError):
        await client.patch(f"/individual_appointments/{archived}", {"patient_arrived": True})
    cancelled = next(rid for rid, row in sandbox.store.individual_appointments.items()
                     if row["cancelled_at"] and not row.get("archived_at"))
    with pytest.raises(ValidationError):
        await client.patch(f"/individual_appointments/{cancelled}", {"patient_arrived": True})
    bookkeeper = make_client(SANDBOX_KEYS["bookkeeper"])
    with pytest.raises(PermissionDeniedError):
        await bookkeeper.patch(f"/individual_appointments/{booked_individual(sandbox)}", {"patient_arrived": True})
    await bookkeeper.aclose()


async def test_sandbox_attendee_arrived(client, sandbox):
    attendee_id = next(rid for rid, row in sandbox.store.attendees.items()
                       if row["booking_id"] in sandbox.store.group_appointments and not row["cancelled_at"])
    data = await client.patch(f"/attendees/{attendee_id}", {"arrived": True})
    assert data["arrived"] is True and sandbox.store.attendees[attendee_id]["arrived"] is True


# -- the console at 80x24 ----------------------------------------------------------------------


def patches(sandbox) -> list[str]:
    return [r.path for r in sandbox.requests if r.method == "PATCH"]


async def press_answering_yes(app, pilot, key: str) -> None:
    """Press A or D; if asked first (not started or ended yet), answer y."""
    await pilot.press(key)
    await pilot.pause()
    if isinstance(app.screen, AskFirst):
        await pilot.press("y")
    await settle(pilot)


def waiting(app):
    return find(app, lambda v: v.kind == "individual" and v.status == "booked" and v.appointment.starts_at > NOW)


async def test_a_marks_arrived_at_once_and_one_patch_confirms_it(make_app, sandbox, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = waiting(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        table = app.screen.query_one(AppointmentTable)
        sandbox.requests.clear()
        sandbox.faults.latency = 0.3
        await pilot.press("A")
        assert isinstance(app.screen, AskFirst)  # not started yet: asked first, nothing written
        assert patches(sandbox) == [] and table.cell(view.id, "status") == "booked"
        await pilot.press("y")
        # painted while the PATCH is still on its way
        assert table.cell(view.id, "status") == "arrived"
        assert sandbox.store.individual_appointments[view.id]["patient_arrived"] is False
        await settle(pilot)
        sandbox.faults.latency = 0
        assert patches(sandbox) == [f"/v1/individual_appointments/{view.id}"]
        assert sandbox.store.individual_appointments[view.id]["patient_arrived"] is True
        assert table.cell(view.id, "status") == "arrived"
        await pilot.press("A")  # again: cleared, at once (an undo is never asked about)
        await settle(pilot)
        assert table.cell(view.id, "status") == "booked"
        assert sandbox.store.individual_appointments[view.id]["patient_arrived"] is False
        await pilot.press("D")
        assert isinstance(app.screen, AskFirst)  # before its end: asked first
        await pilot.press("y")
        await settle(pilot)
        row = sandbox.store.individual_appointments[view.id]
        assert row["did_not_arrive"] is True and row["patient_arrived"] is False
        assert table.cell(view.id, "status") == "didn't arrive"
    entries = [r for r in audit_rows(tmp_path, columns="action, appointment_id, detail, outcome, user_name")
               if r[0] == "arrival"]
    assert [r[2] for r in entries] == ["not arrived → arrived", "arrived → not arrived",
                                       "not arrived → did not arrive"]
    assert all(r[1] == view.id and r[3] == "ok" and r[4] == "Rosa Delgado" for r in entries)


async def test_a_group_marks_the_chosen_attendee(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = group(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        index = next(n for n, a in enumerate(view.attendees) if a.active and n > 0)
        for _ in range(index):
            await pilot.press("full_stop")
        chosen = app.screen.links.chosen
        assert chosen.attendee.id == view.attendees[index].attendee.id
        sandbox.requests.clear()
        await press_answering_yes(app, pilot, "A")
        assert patches(sandbox) == [f"/v1/attendees/{chosen.attendee.id}"]
        assert sandbox.store.attendees[chosen.attendee.id]["arrived"] is True
        assert f"{chosen.name} (arrived)" in links_text(app)
        await pilot.press("D")
        await settle(pilot)
        assert len(patches(sandbox)) == 1  # refused here: Cliniko has no "did not arrive" for an attendee


async def test_a_role_that_may_not_edit_gets_the_row_back_and_the_reason(make_app, sandbox, tmp_path):
    app = make_app(key=SANDBOX_KEYS["bookkeeper"])
    heard = Heard()
    async with app.run_test(size=SIZE, message_hook=heard) as pilot:
        await settle(pilot)
        view = waiting(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        await press_answering_yes(app, pilot, "A")
        assert app.screen.query_one(AppointmentTable).cell(view.id, "status") == "booked"
        assert "not marked arrived: Your Cliniko role may not change appointments." in heard
        assert sandbox.store.individual_appointments[view.id]["patient_arrived"] is False
    [entry] = [r for r in audit_rows(tmp_path, columns="action, outcome") if r[0] == "arrival"]
    assert entry[1].startswith("not saved:")


async def test_offline_puts_the_row_back(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = waiting(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        sandbox.faults.add("reset", path="/individual_appointments/", method="PATCH")
        await press_answering_yes(app, pilot, "A")
        assert app.screen.query_one(AppointmentTable).cell(view.id, "status") == "booked"
        assert app.is_running


async def test_a_refresh_reads_an_arrival_made_elsewhere(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = waiting(app)
        row = sandbox.store.individual_appointments[view.id]
        row.update(patient_arrived=True, updated_at=(NOW + timedelta(seconds=1)).isoformat().replace("+00:00", "Z"))
        app.screen.refresh_changes()
        await settle(pilot)
        assert app.screen.query_one(AppointmentTable).cell(view.id, "status") == "arrived"


@given(st.sampled_from([True, False, None]), st.integers(-120, 120), st.booleans(), st.booleans())
def test_late_only_for_a_live_video_call_not_marked(flag, minutes, arrived, dna):
    """Never late unless the flag is exactly true, the call is between
    start + late_after and its end, and nobody marked the patient."""
    from frontdesk.cliniko.models import AppointmentType
    from frontdesk.domain.arrival import late_attendees

    appt = individual(patient_arrived=arrived, did_not_arrive=dna, appointment_type_id="7")
    kind = AppointmentType(id="7", name="Call", telehealth_enabled=flag)
    attendee = Attendee(id="9", booking_id="1")
    now = T0 + timedelta(minutes=minutes)
    late = late_attendees(appt, kind, [attendee], now, timedelta(minutes=5))
    expected = flag is True and T0 + timedelta(minutes=5) <= now < T0 + timedelta(minutes=30) and not arrived and not dna
    assert bool(late) == expected


def test_countdown_words():
    from frontdesk.services.up_next import countdown

    assert countdown(T0, T0 - timedelta(minutes=11, seconds=30)) == "in 12 min"
    assert countdown(T0, T0 - timedelta(minutes=75)) == "in 1 h 15 min"
    assert countdown(T0, T0 + timedelta(minutes=3, seconds=59)) == "started 3 min ago"
    assert countdown(T0, T0 + timedelta(minutes=3), short=True) == "started 3m ago"
    assert countdown(T0, T0 + timedelta(seconds=20)) == "started just now"


async def test_a_not_started_appointment_is_asked_about_and_no_writes_nothing(make_app, sandbox):
    app, heard = make_app(), Heard()
    async with app.run_test(size=SIZE, message_hook=heard) as pilot:
        await settle(pilot)
        view = waiting(app)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        sandbox.requests.clear()
        listed_at = app.screen.table.cell(view.id, "time")
        await pilot.press("A")
        asked = app.screen
        assert isinstance(asked, AskFirst)
        words = " ".join(str(w.render()) for w in asked.query("Static"))
        patient = view.primary_attendee().name
        assert f"Mark {patient} arrived for {listed_at} on" in words and "not started yet" in words
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, AskFirst)
        assert patches(sandbox) == [] and app.screen.table.cell(view.id, "status") == "booked"
        await pilot.press("D", "escape")
        await settle(pilot)
        assert patches(sandbox) == [] and app.screen.table.cell(view.id, "status") == "booked"
        # yes: written, and the notification offers the undo on the same key
        await pilot.press("A", "y")
        await settle(pilot)
        assert f"{patient}: not arrived → arrived — A again undoes it" in heard
        await pilot.press("A")
        await settle(pilot)
        assert sandbox.store.individual_appointments[view.id]["patient_arrived"] is False
        assert len(patches(sandbox)) == 2


async def test_a_started_appointment_is_marked_at_once(make_app, sandbox):
    row = next(r for r in sandbox.store.individual_appointments.values()
               if not r["cancelled_at"] and not r.get("archived_at") and not r["patient_arrived"]
               and not r["did_not_arrive"] and r["starts_at"] > NOW.isoformat())
    row["starts_at"] = (NOW - timedelta(minutes=10)).isoformat().replace("+00:00", "Z")  # under way
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.select_appointment(row["id"])
        await pilot.pause()
        await pilot.press("A")
        assert not isinstance(app.screen, AskFirst)
        await settle(pilot)
        assert sandbox.store.individual_appointments[row["id"]]["patient_arrived"] is True
