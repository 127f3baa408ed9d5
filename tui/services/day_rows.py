"""Reading a day's rows: which patients and attendees to ask for, in
batches that fit a page, and rows parsed leniently (unreadable ones are
counted and reported, never guessed)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as ModelError

from frontdesk.cliniko.models import GroupAppointment, IndividualAppointment

BATCH = 100
M = TypeVar("M", bound=BaseModel)


def patient_ids_of(appointments: Iterable[IndividualAppointment | GroupAppointment]) -> list[str]:
    ids: list[str] = []
    for appt in appointments:
        if isinstance(appt, GroupAppointment):
            ids.extend(appt.patient_ids)
        elif appt.patient_id:
            ids.append(appt.patient_id)
    return ids


def attendee_batches(appointments: list[IndividualAppointment | GroupAppointment]) -> list[list[str]]:
    """Booking ids in batches whose attendees should fit one page of 100:
    a group counts for its patients (plus room for cancelled attendees)."""
    batches: list[list[str]] = []
    current: list[str] = []
    weight = 0
    for appt in appointments:
        cost = len(appt.patient_ids) + 2 if isinstance(appt, GroupAppointment) else 1
        if current and (weight + cost > BATCH or len(current) >= BATCH):
            batches.append(current)
            current, weight = [], 0
        current.append(appt.id)
        weight += cost
    if current:
        batches.append(current)
    return batches


def chunks(items: list[str], size: int = BATCH) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def parse_rows(model: type[M], rows: Iterable[dict[str, Any]], dropped: list[str], what: str) -> list[M]:
    """The rows that can be read; for those that cannot, a sentence in
    *dropped* (whatever Cliniko sent and is not shown makes the day
    incomplete)."""
    out: list[M] = []
    bad = 0
    for row in rows:
        try:
            out.append(model.model_validate(row))
        except (ModelError, ValueError, TypeError):
            bad += 1
    if bad:
        dropped.append(f"{bad} of the {what} Cliniko sent could not be read ({'it is' if bad == 1 else 'they are'} "
                       "not shown)")
    return out


def booking_model(row: dict[str, Any]) -> type | None:
    """/bookings mixes kinds with no type field: tell them apart by shape."""
    if "appointment_type" not in row:
        return None  # an unavailable block
    if "max_attendees" in row or "patient_ids" in row:
        return GroupAppointment
    return IndividualAppointment
