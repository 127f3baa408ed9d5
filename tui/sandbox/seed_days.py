"""The sandbox's appointments, day by day: individual and group
appointments with their attendees (every one with both links, whatever its
type's Telehealth flag), unavailable blocks, and some read-side
communications."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from frontdesk.domain.timezones import zone_for
from frontdesk.sandbox.clock import iso_z
from frontdesk.sandbox.store import K_APPT, K_ATTENDEE, K_BLOCK, K_COMM, K_GROUP, Store, base_row, token

NOTES = ["Prefers afternoon calls", "Check hearing aid works with video", "Interpreter booked",
         "Bring previous scans", "Parking validation needed", "Running 5 min late — called ahead",
         "", "", "", ""]


def _zone(store: Store, business_id: str) -> ZoneInfo:
    b = store.businesses[business_id]
    return zone_for(b["time_zone_identifier"], b["time_zone"])


def seed_day(store, rng, ids, day, day_index, count, groups, size, business_ids,
              practitioner_ids, individual_types, group_types, patient_ids, archived_type):
    now = store.now
    host = store.host()
    # practitioners per business: most in the first, a few elsewhere
    def business_for(p_index: int) -> str:
        if len(business_ids) == 1:
            return business_ids[0]
        return business_ids[{4: 1, 5: 2}.get(p_index % 6, 0)]

    per_pract = [0] * len(practitioner_ids)
    for n in range(count):
        p_index = n % len(practitioner_ids)
        slot = per_pract[p_index]
        per_pract[p_index] += 1
        business_id = business_for(p_index)
        zone = _zone(store, business_id)
        type_id = individual_types[(n * 5 + day_index) % len(individual_types)]
        minutes = store.appointment_types[type_id]["duration_in_minutes"]
        slots_per_day = max(1, (count + len(practitioner_ids) - 1) // len(practitioner_ids))
        span = 10 * 60  # 08:00–18:00
        start_min = 8 * 60 + (slot * span) // slots_per_day
        start_min -= start_min % 5
        starts = datetime.combine(day, time(start_min // 60, start_min % 60), tzinfo=zone).astimezone(timezone.utc)
        ends = starts + timedelta(minutes=minutes)
        rid = ids.next(K_APPT, day_index)
        patient_id = patient_ids[rng.randrange(len(patient_ids))]
        patient = store.patients[patient_id]
        created = starts - timedelta(days=rng.randrange(2, 40))
        record = {
            **base_row(rid, created), "starts_at": iso_z(starts), "ends_at": iso_z(ends),
            "appointment_type_id": type_id, "business_id": business_id,
            "practitioner_id": practitioner_ids[p_index], "patient_id": patient_id,
            "patient_name": patient["label"], "cancelled_at": None, "cancellation_reason": None,
            "cancellation_reason_description": "", "cancellation_note": None,
            "did_not_arrive": False, "patient_arrived": False,
            "email_reminder_sent": starts - now < timedelta(days=1) and bool(patient["email"]),
            "sms_reminder_sent": starts - now < timedelta(days=1) and patient["reminder_type"] in ("SMS", "SMS & Email"),
            "has_patient_appointment_notes": False, "notes": rng.choice(NOTES) or None,
            "booking_ip_address": None, "invoice_status": None, "treatment_note_status": None,
            "online_booking_policy_accepted": None, "repeat_rule": {}, "repeated_from_id": None,
            "patient_case_id": None, "telehealth_url": f"{host}/appointments/{rid}/connect",
        }
        roll = rng.random()
        if roll < 0.07:
            record["cancelled_at"] = iso_z(created + timedelta(days=1))
            record["cancellation_reason"] = 30
            record["cancellation_reason_description"] = "Sick"
            record["updated_at"] = record["cancelled_at"]
        elif ends <= now:
            record["patient_arrived"] = roll > 0.12
            record["did_not_arrive"] = roll <= 0.12
        elif starts <= now:
            record["patient_arrived"] = True
        if n == 3:  # an archived row: hidden from lists, 404 by id
            record["archived_at"] = iso_z(created + timedelta(days=1))
        if n == 5 and day_index == 500:
            record["appointment_type_id"] = archived_type
        store.individual_appointments[rid] = record
        _attendee(store, rng, ids, day_index, rid, patient_id, created, cancelled=record["cancelled_at"])

    for g in range(groups):
        business_id = business_ids[0] if g % 3 else business_ids[-1]
        zone = _zone(store, business_id)
        type_id = group_types[g % len(group_types)]
        t = store.appointment_types[type_id]
        start_min = 9 * 60 + 30 + (g * 150) % (8 * 60)
        starts = datetime.combine(day, time(start_min // 60, start_min % 60), tzinfo=zone).astimezone(timezone.utc)
        ends = starts + timedelta(minutes=t["duration_in_minutes"])
        rid = ids.next(K_GROUP, day_index)
        created = starts - timedelta(days=rng.randrange(5, 60))
        members = size.attendees_per_group or rng.randrange(3, t["max_attendees"] + 1)
        members = min(members, t["max_attendees"]) if not size.attendees_per_group else members
        chosen = rng.sample(patient_ids, members)
        store.group_appointments[rid] = {
            **base_row(rid, created), "starts_at": iso_z(starts), "ends_at": iso_z(ends),
            "appointment_type_id": type_id, "business_id": business_id,
            "practitioner_id": practitioner_ids[(g * 2) % len(practitioner_ids)],
            "max_attendees": max(t["max_attendees"], members), "notes": None,
            "patient_ids": chosen, "repeat_rule": {}, "repeated_from_id": None,
            "telehealth_url": f"{host}/appointments/{rid}/connect",
        }
        for m, patient_id in enumerate(chosen):
            _attendee(store, rng, ids, day_index, rid, patient_id, created,
                      cancelled=iso_z(created + timedelta(days=2)) if m == 1 and g % 2 == 0 else None)

    for b, business_id in enumerate(business_ids):
        zone = _zone(store, business_id)
        starts = datetime.combine(day, time(12, 30), tzinfo=zone).astimezone(timezone.utc)
        rid = ids.next(K_BLOCK, day_index)
        store.unavailable_blocks[rid] = {
            **base_row(rid, starts - timedelta(days=30)), "starts_at": iso_z(starts),
            "ends_at": iso_z(starts + timedelta(minutes=30)), "business_id": business_id,
            "practitioner_id": practitioner_ids[b % len(practitioner_ids)],
            "notes": "Lunch", "repeat_rule": {}, "repeated_from_id": None,
        }


def _attendee(store, rng, ids, day_index, booking_id, patient_id, created, cancelled=None):
    rid = ids.next(K_ATTENDEE, day_index)
    store.attendees[rid] = {
        **base_row(rid, created), "booking_id": booking_id, "patient_id": patient_id,
        "patient_case_id": None, "arrived": False, "booking_ip_address": None,
        "cancelled_at": cancelled, "cancellation_note": None,
        "cancellation_reason": 50 if cancelled else None,
        "cancellation_reason_description": "Other" if cancelled else "",
        "cancellation_url": f"{store.host()}/bookings/{booking_id}/cancel/{token(rng)[:8]}",
        "email_reminder_sent": False, "sms_reminder_sent": False, "invoice_status": None,
        "treatment_note_status": None, "notes": None, "online_booking_policy_accepted": None,
        "telehealth_url": f"{store.host()}/c/{token(rng)}",
    }
    if cancelled:
        store.attendees[rid]["updated_at"] = cancelled


def seed_communications(store, rng, ids, patient_ids):
    for n, patient_id in enumerate(patient_ids[:20]):
        rid = ids.next(K_COMM)
        category = [(1, "Appointment Reminder"), (4, "Appointment Confirmation"), (7, "SMS Message")][n % 3]
        created = store.now - timedelta(days=n + 1)
        store.communications[rid] = {
            **base_row(rid, created), "category": category[1], "category_code": category[0],
            "type": "Email" if category[0] != 7 else "SMS", "type_code": 2 if category[0] != 7 else 1,
            "direction_code": 1, "direction_description": "Sent", "from": None, "to": None,
            "content": "Reminder of your appointment tomorrow.", "confidential": False,
            "patient_id": patient_id,
        }
