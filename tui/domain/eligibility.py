"""The one rule that decides whether a patient link may reach a patient.

It fails closed: anything missing, unknown or unreadable means "no", with a
reason a receptionist can read aloud. Order matters only for which reason is
shown; every path that returns ``allowed=True`` has passed every check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from frontdesk.domain.terms import ours
from frontdesk.cliniko.models import (
    AppointmentType,
    Attendee,
    Business,
    GroupAppointment,
    IndividualAppointment,
    Patient,
)
from frontdesk.domain.contact import Channel, default_channel, reachable
from frontdesk.domain.links import NOT_A_PATIENT_LINK, AccountHosts, LinkRefused, patient_link
from frontdesk.domain.timezones import business_zone, hhmm

Appointment = IndividualAppointment | GroupAppointment


@dataclass(frozen=True, slots=True)
class SendEligibility:
    """Everything a screen needs to offer (or refuse) a send, in one answer."""

    allowed: bool
    reason: str
    #: channels that are set up and reach this patient (empty unless allowed)
    channels: tuple[Channel, ...] = ()
    default_channel: Channel | None = None
    #: the link itself is live (copying needs no contact detail)
    copyable: bool = False
    copy_reason: str = ""

    @classmethod
    def refuse(cls, reason: str) -> "SendEligibility":
        return cls(False, reason, copy_reason=reason)

    def channel_for(self, wanted: Channel) -> Channel | None:
        """The channel a send will use when staff chose *wanted*: that one
        where it reaches the patient, else the patient's own default (the
        confirmation shows it per recipient; the send uses it)."""
        return wanted if wanted in self.channels else self.default_channel


ALLOWED_REASON = "Telehealth appointment: the patient link can be sent"
ALL_CHANNELS: tuple[Channel, ...] = ("email", "sms")


def telehealth_state(appointment_type: AppointmentType | None) -> str:
    """'on', 'off' or 'unknown' (unknown is treated as off everywhere)."""
    if appointment_type is None or appointment_type.telehealth_enabled is None:
        return "unknown"
    return "on" if appointment_type.telehealth_enabled is True else "off"


def attendee_active(attendee: Attendee) -> bool:
    """Still on the appointment: not cancelled, archived or removed."""
    return attendee.cancelled_at is None and attendee.archived_at is None and attendee.deleted_at is None


def _link_refusal(
    appointment: Appointment | None,
    appointment_type: AppointmentType | None,
    attendee: Attendee | None,
    now: datetime,
    zone: ZoneInfo,
    hosts: AccountHosts,
) -> str | None:
    """Why the attendee's patient link is not a live Telehealth link of this
    account right now, or None when it is."""
    if appointment is None:
        return "Appointment not found"
    if appointment.deleted_at is not None:
        return "Appointment deleted"
    if appointment.archived_at is not None:
        return "Appointment archived"
    if isinstance(appointment, IndividualAppointment) and appointment.cancelled_at is not None:
        return "Appointment cancelled"
    if appointment_type is None:
        return "Appointment type unknown — treated as off"
    if appointment_type.id != appointment.appointment_type_id:
        return "Appointment type does not match — treated as off"
    flag = appointment_type.telehealth_enabled
    if flag is None:
        return "Telehealth setting unknown for this type — treated as off"
    if flag is not True:
        return f"Telehealth is off for ‘{appointment_type.label}’"
    if attendee is None:
        return "No attendee on this appointment"
    if attendee.booking_id is not None and attendee.booking_id != appointment.id:
        return "Attendee belongs to another appointment"
    if attendee.deleted_at is not None:
        return "Attendee removed from this appointment"
    if attendee.archived_at is not None:
        return "Attendee archived"
    if attendee.cancelled_at is not None:
        return "Attendee cancelled"
    if not attendee.telehealth_url:
        return ours("Cliniko gave no patient link for this attendee")
    try:
        patient_link(attendee.telehealth_url, appointment.id, attendee.id, hosts)
    except LinkRefused:
        return NOT_A_PATIENT_LINK
    if now.tzinfo is None:
        return "Clock has no time zone — cannot tell if the appointment is over"
    if appointment.ends_at <= now:
        # no location to give the clock: the time says which one it is on
        return f"Appointment ended at {hhmm(appointment.ends_at, zone)}{' UTC' if zone.key == 'UTC' else ''}"
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
    country_code: str | None = None,
    configured: tuple[Channel, ...] | list[Channel] = ALL_CHANNELS,
) -> SendEligibility:
    """The one decision: may this attendee's patient link go to the patient
    now, by which of the *configured* channels, and if not, why not. The
    screens ask it through ``AppointmentView.decision``; the delivery service
    asks it again with what it has just re-read from Cliniko."""
    refusal = _link_refusal(appointment, appointment_type, attendee, now, zone, hosts)
    if refusal is not None:
        return SendEligibility.refuse(refusal)
    assert attendee is not None
    if patient is not None and attendee.patient_id != patient.id:
        return SendEligibility(False, ours("Patient does not match the attendee"), copyable=True, copy_reason=ours(ALLOWED_REASON))
    channels, why = reachable(patient, country_code, list(configured))
    if not channels:
        return SendEligibility(False, why or ours("No way to reach the patient"), copyable=True, copy_reason=ours(ALLOWED_REASON))
    assert patient is not None
    return SendEligibility(True, ours(ALLOWED_REASON), tuple(channels), default_channel(patient, channels),
                           copyable=True, copy_reason=ours(ALLOWED_REASON))


def decide(
    *,
    appointment: Appointment | None,
    appointment_type: AppointmentType | None,
    attendee: Attendee | None,
    patient: Patient | None,
    business: Business | None,
    now: datetime,
    hosts: AccountHosts,
    configured: tuple[Channel, ...] | list[Channel],
) -> SendEligibility:
    """The decision from the records as they stand. The one builder of the
    rule's inputs (the location's zone and country, the channels set up):
    the screens call it through ``AppointmentView.decision`` with what they
    loaded, the delivery service with what it has just re-read, so the two
    can differ only where Cliniko's records did."""
    return send_eligibility(
        appointment=appointment,
        appointment_type=appointment_type,
        attendee=attendee,
        patient=patient,
        now=now,
        zone=business_zone(business),
        hosts=hosts,
        country_code=business.country_code if business else None,
        configured=tuple(configured),
    )
