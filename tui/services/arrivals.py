"""Recording an arrival in Cliniko: shown on the day at once, confirmed by
one PATCH, put back when Cliniko refuses; audited either way (who, when,
from → to). No UI here: the console runs :meth:`Arrivals.save` in a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from frontdesk.cliniko.client import ClinikoClient
from frontdesk.cliniko.models import Attendee, IndividualAppointment, User
from frontdesk.domain.arrival import (
    ARRIVAL_WORDS,
    Arrival,
    ArrivalPatch,
    Mark,
    arrival_of,
    arrival_patch,
    arrival_question,
    arrival_refusal,
    toggled,
    with_arrival,
)
from frontdesk.domain.clock import weekday_date
from frontdesk.services.audit import AuditLog, AuditUnavailable
from frontdesk.services.day import AppointmentView, AttendeeView, Day


@dataclass(frozen=True, slots=True)
class ArrivalChange:
    appointment_id: str
    #: the attendee whose flag changes (a group's), or the individual's attendee
    attendee_id: str | None
    patient: str
    patient_id: str | None
    before: Arrival
    after: Arrival
    patch: ArrivalPatch

    @property
    def words(self) -> str:
        return f"{ARRIVAL_WORDS[self.before]} → {ARRIVAL_WORDS[self.after]}"


def plan_arrival(view: AppointmentView, chosen: AttendeeView | None, mark: Mark) -> ArrivalChange | str:
    """The change pressing A (*mark* "arrived") or D ("did_not_arrive")
    makes, or why it cannot be made."""
    attendee = chosen.attendee if (chosen is not None and view.kind == "group") else None
    refusal = arrival_refusal(view.appointment, attendee, mark)
    if refusal is not None:
        return refusal
    before = arrival_of(view.appointment, attendee)
    after = toggled(before, mark)
    who = chosen.name if chosen is not None else view.patient_label()
    patient_id = chosen.attendee.patient_id if chosen is not None else getattr(view.appointment, "patient_id", None)
    return ArrivalChange(view.id, chosen.attendee.id if chosen is not None else None, who, patient_id, before,
                         after, arrival_patch(view.appointment, attendee, after))


def ask_first(view: AppointmentView, change: ArrivalChange, now: datetime, on: date,
              hhmm: Callable[[datetime], str], who: Callable[[str], str]) -> tuple[str, str] | None:
    """The question (and its detail) staff answer before a change that may
    be a slip (see ``arrival_question``), or None when none is needed.
    *on*: the day shown; *hhmm*: a time on the console's clock; *who*: a
    name as the screen may show it."""
    why = arrival_question(view.appointment, change.after, now)
    if why is None:
        return None
    question = (f"Mark {who(change.patient)} {ARRIVAL_WORDS[change.after]} for "
                f"{hhmm(view.appointment.starts_at)} on {weekday_date(on)}?")
    return question, f"{view.type_name} with {view.practitioner_name}: {why}. Nothing is written in Cliniko unless you press y."


def apply_arrival(day: Day, change: ArrivalChange, arrival: Arrival) -> Day:
    """The day with *arrival* shown (the optimistic step, or putting it back)."""
    appointment = day.appointments.get(change.appointment_id)
    if appointment is None:
        return day
    attendee = day.attendees.get(change.attendee_id or "") if change.patch.resource == "attendees" else None
    if change.patch.resource == "attendees" and attendee is None:
        return day
    updated, updated_attendee = with_arrival(appointment, attendee, arrival)
    new = day.copy()
    new.appointments[updated.id] = updated
    if updated_attendee is not None:
        new.attendees[updated_attendee.id] = updated_attendee
        new.changed()
    return new


def reconcile(day: Day, record: IndividualAppointment | Attendee) -> Day:
    """Cliniko's answer to the PATCH is the truth: the day with it in place
    of the day's copy."""
    new = day.copy()
    if isinstance(record, Attendee):
        new.attendees[record.id] = record
        new.changed()
    elif record.id in new.appointments:
        new.appointments[record.id] = record
    return new


class Arrivals:
    def __init__(self, client: ClinikoClient, audit: AuditLog) -> None:
        self.client = client
        self.audit = audit

    async def save(self, change: ArrivalChange) -> IndividualAppointment | Attendee | None:
        """One PATCH; Cliniko's updated record (raises ClinikoError).

        A 2xx answer that cannot be read (None) still means Cliniko took the
        change: what is shown stands until the next refresh reads it."""
        data = await self.client.patch(change.patch.path, change.patch.body)
        model = Attendee if change.patch.resource == "attendees" else IndividualAppointment
        try:
            record = model.model_validate(data)
        except ValueError:
            return None
        return record if record.id == change.patch.record_id else None

    def record(self, change: ArrivalChange, user: User | None, outcome: str) -> str | None:
        """Audit the change; the sentence to show when the log cannot (the
        change itself stands: it is in Cliniko)."""
        try:
            self.audit.record("arrival", user_id=user.id if user else None, user_name=user.name if user else None,
                              appointment_id=change.appointment_id, attendee_id=change.attendee_id,
                              outcome=outcome, detail=change.words, patient_name=change.patient,
                              patient_id=change.patient_id)
        except AuditUnavailable as exc:
            return f"Not written to the local audit log: {exc.message}"
        return None
