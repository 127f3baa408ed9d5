"""The loaded day: every record it needs, and the per-appointment views the
CLI and the console draw from. Pure data; no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from frontdesk.cliniko.models import (
    AppointmentType,
    Attendee,
    Business,
    GroupAppointment,
    IndividualAppointment,
    Patient,
    Practitioner,
)
from frontdesk.domain.contact import Channel
from frontdesk.domain.eligibility import ALL_CHANNELS, SendEligibility, attendee_active, decide, telehealth_state
from frontdesk.domain.links import (
    ANY_CLINIKO_HOST,
    AccountHosts,
    LinkRefused,
    PatientLink,
    PractitionerLink,
    patient_link,
    practitioner_link,
)
from frontdesk.domain.timezones import business_zone, hhmm
from frontdesk.services.team_log import ClinikoMessage, TeamSend

Appointment = IndividualAppointment | GroupAppointment


@dataclass(frozen=True, slots=True)
class AttendeeView:
    attendee: Attendee
    patient: Patient | None
    link: PatientLink | None
    #: why Cliniko's patient link was refused (then ``link`` is None)
    link_problem: str | None = None

    @property
    def name(self) -> str:
        if self.patient is not None:
            return self.patient.display_name
        return "Patient details unavailable"

    @property
    def active(self) -> bool:
        return attendee_active(self.attendee)


@dataclass(frozen=True, slots=True)
class AppointmentView:
    appointment: Appointment
    business: Business | None
    zone: ZoneInfo
    practitioner: Practitioner | None
    appointment_type: AppointmentType | None
    attendees: tuple[AttendeeView, ...]
    hosts: AccountHosts = ANY_CLINIKO_HOST
    #: the appointment's link; None when missing or not this account's
    practitioner_link: PractitionerLink | None = None
    #: Cliniko gave a link, but not this account's appointment link
    practitioner_link_refused: bool = False

    @property
    def id(self) -> str:
        return self.appointment.id

    @property
    def kind(self) -> str:
        return "group" if isinstance(self.appointment, GroupAppointment) else "individual"

    @property
    def bad_patient_link(self) -> bool:
        """Some active attendee's patient link was refused as not Cliniko's."""
        return any(a.link_problem for a in self.attendees if a.active)

    @property
    def telehealth(self) -> str:
        return telehealth_state(self.appointment_type)

    @property
    def status(self) -> str:
        appt = self.appointment
        if isinstance(appt, IndividualAppointment):
            if appt.cancelled_at is not None:
                return "cancelled"
            if appt.did_not_arrive:
                return "did_not_arrive"
            if appt.patient_arrived:
                return "arrived"
            return "booked"
        active = [a for a in self.attendees if a.active]
        if self.attendees and not active:
            return "cancelled"
        if active and all(a.attendee.arrived for a in active):
            return "arrived"
        return "booked"

    @property
    def local_start(self) -> str:
        return hhmm(self.appointment.starts_at, self.zone)

    @property
    def local_end(self) -> str:
        return hhmm(self.appointment.ends_at, self.zone)

    @property
    def practitioner_name(self) -> str:
        return self.practitioner.name if self.practitioner else "Unknown practitioner"

    @property
    def type_name(self) -> str:
        return self.appointment_type.label if self.appointment_type else "Unknown type"

    @property
    def business_name(self) -> str:
        return self.business.name if self.business else "Unknown location"

    def patient_label(self, short: bool = False) -> str:
        """The patient's name, or for a group its booked/capacity count
        ("Group 3/8" where columns are narrow)."""
        if isinstance(self.appointment, GroupAppointment):
            active = sum(1 for a in self.attendees if a.active)
            capacity = self.appointment.max_attendees or len(self.attendees)
            return f"Group {active}/{capacity}" if short else f"Group · {active}/{capacity} attendees"
        if self.attendees and self.attendees[0].patient is not None:
            return self.attendees[0].patient.display_name
        return self.appointment.patient_name or "Patient details unavailable"

    def primary_attendee(self) -> AttendeeView | None:
        return self.attendees[0] if self.attendees else None

    def decision(self, attendee: AttendeeView | None, now: datetime,
                 configured: tuple[Channel, ...] | list[Channel] = ALL_CHANNELS) -> SendEligibility:
        """The one door to the send rule for everything on screen: may this
        attendee's link be sent now, by which of the *configured* channels."""
        return decide(
            appointment=self.appointment,
            appointment_type=self.appointment_type,
            attendee=attendee.attendee if attendee else None,
            patient=attendee.patient if attendee else None,
            business=self.business,
            now=now,
            hosts=self.hosts,
            configured=configured,
        )


def home_business(businesses: dict[str, Business], business_id: str | None) -> Business | None:
    """The location chosen, else the first one: the clock the header names."""
    return businesses.get(business_id or "") or next(iter(businesses.values()), None)


@dataclass
class Day:
    """Everything loaded for one local date. The loader fills it while a day
    loads; after that a change (a refresh, an arrival, other desks' sends)
    makes a new Day with :meth:`copy` and leaves the one on screen alone."""

    local_date: date
    business_id: str | None = None
    businesses: dict[str, Business] = field(default_factory=dict)
    appointment_types: dict[str, AppointmentType] = field(default_factory=dict)
    practitioners: dict[str, Practitioner] = field(default_factory=dict)
    appointments: dict[str, Appointment] = field(default_factory=dict)
    attendees: dict[str, Attendee] = field(default_factory=dict)
    patients: dict[str, Patient] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    complete: bool = False
    synced_at: datetime | None = None
    #: changes after this moment (minus a safety margin) are fetched on refresh
    sync_mark: datetime | None = None
    #: patients asked for (archived ones never come back: don't ask again)
    patients_requested: set[str] = field(default_factory=set)
    fallback_zone: str | None = None
    #: the hosts this account's Telehealth links may use
    hosts: AccountHosts = ANY_CLINIKO_HOST
    #: sends recorded in Cliniko's memos (any desk), by (appointment id, attendee id)
    team_sends: dict[tuple[str, str], TeamSend] = field(default_factory=dict)
    #: what Cliniko itself sent each patient (reminders, confirmations), by patient id
    cliniko_messages: dict[str, tuple[ClinikoMessage, ...]] = field(default_factory=dict)
    _by_booking: dict[str, list[Attendee]] | None = field(default=None, repr=False)

    def changed(self) -> None:
        """Call after changing ``attendees``: drops the booking index."""
        self._by_booking = None

    def copy(self, **changes: Any) -> Day:
        """A new Day to change: its own record maps; the records themselves
        (immutable models), locations and practitioners are shared."""
        own: dict[str, Any] = dict(
            appointment_types=dict(self.appointment_types),
            appointments=dict(self.appointments),
            attendees=dict(self.attendees),
            patients=dict(self.patients),
            problems=list(self.problems),
            patients_requested=set(self.patients_requested),
            team_sends=dict(self.team_sends),
        )
        fresh = replace(self, **(own | changes))
        fresh._by_booking = self._by_booking if "attendees" not in changes else None
        return fresh

    def zone_of(self, business_id: str | None) -> ZoneInfo:
        """A location's zone. An appointment whose location is missing or
        unknown is placed on the home location's clock (the one the header
        names), never on UTC, and the day's problems say so."""
        business = self.businesses.get(business_id or "") or home_business(self.businesses, self.business_id)
        return business_zone(business, self.fallback_zone)

    def attendees_of(self, booking_id: str) -> list[Attendee]:
        if self._by_booking is None:
            index: dict[str, list[Attendee]] = {}
            for attendee in self.attendees.values():
                index.setdefault(attendee.booking_id or "", []).append(attendee)
            for rows in index.values():
                rows.sort(key=lambda a: (a.cancelled_at is not None, int(a.id) if a.id.isdigit() else 0))
            self._by_booking = index
        return self._by_booking.get(booking_id, [])

    def view(self, appointment_id: str) -> AppointmentView | None:
        appt = self.appointments.get(appointment_id)
        if appt is None:
            return None
        attendees = tuple(self._attendee_view(appt.id, a) for a in self.attendees_of(appt.id))
        try:
            link, refused = practitioner_link(appt.telehealth_url, appt.id, self.hosts), False
        except LinkRefused:
            link, refused = None, True
        return AppointmentView(
            appointment=appt,
            business=self.businesses.get(appt.business_id or ""),
            zone=self.zone_of(appt.business_id),
            practitioner=self.practitioners.get(appt.practitioner_id or ""),
            appointment_type=self.appointment_types.get(appt.appointment_type_id or ""),
            attendees=attendees,
            hosts=self.hosts,
            practitioner_link=link,
            practitioner_link_refused=refused,
        )

    def _attendee_view(self, appointment_id: str, attendee: Attendee) -> AttendeeView:
        patient = self.patients.get(attendee.patient_id or "")
        try:
            link = patient_link(attendee.telehealth_url, appointment_id, attendee.id, self.hosts)
        except LinkRefused as exc:
            return AttendeeView(attendee, patient, None, str(exc))
        return AttendeeView(attendee, patient, link)

    def ordered_ids(self) -> list[str]:
        return [
            a.id
            for a in sorted(
                self.appointments.values(),
                key=lambda a: (a.starts_at, a.business_id or "", int(a.id) if a.id.isdigit() else 0),
            )
        ]

    def views(self) -> list[AppointmentView]:
        return [v for v in (self.view(i) for i in self.ordered_ids()) if v is not None]
