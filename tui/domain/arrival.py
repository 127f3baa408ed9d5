"""Arrivals, as Cliniko records them, and who is late to a video call.

Cliniko has two flags on an individual appointment (``patient_arrived`` and
``did_not_arrive``, kept exclusive here) and one on a group attendee
(``arrived``). Staff set them by hand: the API has no "patient has joined"
signal, so "late?" is a question for staff, never a conclusion. Pure
functions; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from frontdesk.cliniko.models import AppointmentType, Attendee, GroupAppointment, IndividualAppointment
from frontdesk.domain.eligibility import attendee_active, telehealth_state

Appointment = IndividualAppointment | GroupAppointment
Arrival = Literal["booked", "arrived", "did_not_arrive"]
Mark = Literal["arrived", "did_not_arrive"]

ARRIVAL_WORDS: dict[Arrival, str] = {"booked": "not arrived", "arrived": "arrived", "did_not_arrive": "did not arrive"}


def arrival_of(appointment: Appointment, attendee: Attendee | None) -> Arrival:
    """What Cliniko says now: for an individual appointment its own flags
    (did-not-arrive wins if both are set), for a group its attendee's."""
    if isinstance(appointment, IndividualAppointment):
        if appointment.did_not_arrive:
            return "did_not_arrive"
        return "arrived" if appointment.patient_arrived else "booked"
    return "arrived" if attendee is not None and attendee.arrived else "booked"


def toggled(current: Arrival, mark: Mark) -> Arrival:
    """A and D toggle: pressing the mark already set clears it."""
    return "booked" if current == mark else mark


def arrival_refusal(appointment: Appointment, attendee: Attendee | None, mark: Mark) -> str | None:
    """Why this arrival cannot be recorded (None: it can)."""
    if appointment.archived_at is not None or appointment.deleted_at is not None:
        return "This appointment was archived in Cliniko: nothing to mark."
    if isinstance(appointment, IndividualAppointment) and appointment.cancelled_at is not None:
        return "This appointment is cancelled: nothing to mark."
    if isinstance(appointment, GroupAppointment):
        if attendee is None:
            return "No attendee chosen: choose one with , and ."
        if not attendee_active(attendee):
            return "This attendee cancelled: nothing to mark."
        if mark == "did_not_arrive":
            return "Cliniko has no “did not arrive” for a group attendee; A marks arrived (or clears it)."
    return None


def arrival_question(appointment: Appointment, after: Arrival, now: datetime) -> str | None:
    """Why a one-key arrival change should be asked about first (None: it
    is written at once). A and D sit one Shift away from a and d: marking a
    patient arrived before the start, or not arrived before the end, is
    more often a slip than a fact. Clearing a mark (the undo) never asks."""
    if after == "arrived" and now < appointment.starts_at:
        return "it has not started yet"
    if after == "did_not_arrive" and now < appointment.ends_at:
        return "it has not ended yet"
    return None


@dataclass(frozen=True, slots=True)
class ArrivalPatch:
    """The one request that records an arrival in Cliniko."""

    resource: Literal["individual_appointments", "attendees"]
    record_id: str
    body: dict[str, bool]

    @property
    def path(self) -> str:
        return f"/{self.resource}/{self.record_id}"


def arrival_patch(appointment: Appointment, attendee: Attendee | None, target: Arrival) -> ArrivalPatch:
    """Individual appointments carry both flags (set one, clear the other);
    a group attendee carries ``arrived``."""
    if isinstance(appointment, IndividualAppointment):
        return ArrivalPatch("individual_appointments", appointment.id,
                            {"patient_arrived": target == "arrived", "did_not_arrive": target == "did_not_arrive"})
    assert attendee is not None
    return ArrivalPatch("attendees", attendee.id, {"arrived": target == "arrived"})


def with_arrival(appointment: Appointment, attendee: Attendee | None,
                 target: Arrival) -> tuple[Appointment, Attendee | None]:
    """The records as they will be once Cliniko agrees (shown at once)."""
    if isinstance(appointment, IndividualAppointment):
        return appointment.model_copy(update={"patient_arrived": target == "arrived",
                                              "did_not_arrive": target == "did_not_arrive"}), attendee
    assert attendee is not None
    return appointment, attendee.model_copy(update={"arrived": target == "arrived"})


# -- late to a video call ---------------------------------------------------------------


def late_attendees(appointment: Appointment, appointment_type: AppointmentType | None,
                   attendees: list[Attendee] | tuple[Attendee, ...], now: datetime,
                   late_after: timedelta) -> list[Attendee]:
    """The attendees who may be late to this video call: the type's flag is
    exactly true, the call started *late_after* ago or more and has not
    ended, and they are not marked arrived (or did-not-arrive)."""
    if telehealth_state(appointment_type) != "on":
        return []
    if appointment.archived_at is not None or not (appointment.starts_at + late_after <= now < appointment.ends_at):
        return []
    if isinstance(appointment, IndividualAppointment):
        if appointment.cancelled_at is not None or appointment.patient_arrived or appointment.did_not_arrive:
            return []
        return [a for a in attendees if attendee_active(a)][:1]
    return [a for a in attendees if attendee_active(a) and not a.arrived]


def minutes_late(appointment: Appointment, now: datetime) -> int:
    return max(0, int((now - appointment.starts_at).total_seconds() // 60))
