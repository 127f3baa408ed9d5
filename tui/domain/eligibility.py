"""The one rule that decides whether a patient link may reach a patient.

It fails closed: anything missing, unknown or unreadable means "no", with a
reason a receptionist can read aloud. Order matters only for which reason is
shown; every path that returns ``allowed=True`` has passed every check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from tui.cliniko.models import (
    AppointmentType,
    Attendee,
    GroupAppointment,
    IndividualAppointment,
    Patient,
)
from tui.domain.links import NOT_A_PATIENT_LINK, AccountHosts, LinkRefused, patient_link
from tui.domain.timezones import hhmm

Appointment = IndividualAppointment | GroupAppointment


@dataclass(frozen=True, slots=True)
class SendEligibility:
    allowed: bool
    reason: str

    @classmethod
    def refuse(cls, reason: str) -> "SendEligibility":
        return cls(False, reason)


ALLOWED_REASON = "Telehealth appointment: the patient link can be sent"


def telehealth_state(appointment_type: AppointmentType | None) -> str:
    """'on', 'off' or 'unknown' (unknown is treated as off everywhere)."""
    if appointment_type is None or appointment_type.telehealth_enabled is None:
        return "unknown"
    return "on" if appointment_type.telehealth_enabled is True else "off"


def link_eligibility(
    *,
    appointment: Appointment | None,
    appointment_type: AppointmentType | None,
    attendee: Attendee | None,
    now: datetime,
    zone: ZoneInfo,
    hosts: AccountHosts,
) -> SendEligibility:
    """Is the attendee's patient link a live Telehealth link of this
    account (*hosts*) right now?"""
    if appointment is None:
        return SendEligibility.refuse("Appointment not found")
    if appointment.deleted_at is not None:
        return SendEligibility.refuse("Appointment deleted")
    if appointment.archived_at is not None:
        return SendEligibility.refuse("Appointment archived")
    if isinstance(appointment, IndividualAppointment) and appointment.cancelled_at is not None:
        return SendEligibility.refuse("Appointment cancelled")
    if appointment_type is None:
        return SendEligibility.refuse("Appointment type unknown — treated as off")
    if appointment_type.id != appointment.appointment_type_id:
        return SendEligibility.refuse("Appointment type does not match — treated as off")
    flag = appointment_type.telehealth_enabled
    if flag is None:
        return SendEligibility.refuse("Telehealth setting unknown for this type — treated as off")
    if flag is not True:
        return SendEligibility.refuse(f"Telehealth is off for ‘{appointment_type.label}’")
    if attendee is None:
        return SendEligibility.refuse("No attendee on this appointment")
    if attendee.booking_id is not None and attendee.booking_id != appointment.id:
        return SendEligibility.refuse("Attendee belongs to another appointment")
    if attendee.deleted_at is not None:
        return SendEligibility.refuse("Attendee removed from this appointment")
    if attendee.archived_at is not None:
        return SendEligibility.refuse("Attendee archived")
    if attendee.cancelled_at is not None:
        return SendEligibility.refuse("Attendee cancelled")
    if not attendee.telehealth_url:
        return SendEligibility.refuse("Cliniko gave no patient link for this attendee")
    try:
        patient_link(attendee.telehealth_url, appointment.id, attendee.id, hosts)
    except LinkRefused:
        return SendEligibility.refuse(NOT_A_PATIENT_LINK)
    if now.tzinfo is None:
        return SendEligibility.refuse("Clock has no time zone — cannot tell if the appointment is over")
    if appointment.ends_at <= now:
        return SendEligibility.refuse(f"Appointment ended at {hhmm(appointment.ends_at, zone)}")
    return SendEligibility(True, ALLOWED_REASON)


def contact_reason(patient: Patient | None) -> str | None:
    """Why the patient cannot be reached, or None when they can."""
    if patient is None:
        return "Patient details not loaded"
    if patient.archived_at is not None or patient.deleted_at is not None:
        return "Patient record archived"
    if not patient.email and patient.mobile is None:
        return "No email address or mobile number on file"
    return None


def send_eligibility(
    *,
    appointment: Appointment | None,
    appointment_type: AppointmentType | None,
    attendee: Attendee | None,
    patient: Patient | None,
    now: datetime,
    zone: ZoneInfo,
    hosts: AccountHosts,
) -> SendEligibility:
    """The link is live *and* the patient has a contact detail to send it to."""
    live = link_eligibility(
        appointment=appointment,
        appointment_type=appointment_type,
        attendee=attendee,
        now=now,
        zone=zone,
        hosts=hosts,
    )
    if not live.allowed:
        return live
    if attendee is not None and patient is not None and attendee.patient_id != patient.id:
        return SendEligibility.refuse("Patient does not match the attendee")
    reason = contact_reason(patient)
    if reason:
        return SendEligibility.refuse(reason)
    return live
