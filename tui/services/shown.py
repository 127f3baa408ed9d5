"""One appointment as the console's panes show it at one moment: the
patient's and each attendee's name with privacy applied, whether (and how)
each link may be sent, who may be late to the call, whose clock the
patient's times are on and what Cliniko itself sent them. Built here, once
per change (another appointment, new data, the clock, privacy), so the link
panel and the details only draw: neither restates a rule."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from frontdesk.domain.arrival import late_attendees, minutes_late
from frontdesk.domain.contact import Channel
from frontdesk.domain.eligibility import SendEligibility
from frontdesk.domain.timezones import PatientClock, patient_clock
from frontdesk.domain.wording import person_name
from frontdesk.services.day import AppointmentView, AttendeeView
from frontdesk.services.team_log import ClinikoMessage, sent_since


@dataclass(frozen=True, slots=True)
class ShownAttendee:
    view: AttendeeView
    #: the name as the screen may show it (initials in privacy mode)
    name: str
    decision: SendEligibility
    #: a video call under way that they have not been marked arrived for
    late: bool


@dataclass(frozen=True, slots=True)
class ShownAppointment:
    view: AppointmentView
    #: who it is for: the patient's name as the screen may show it, or a group's count
    title: str
    #: the patient's legal name beside a preferred one (never in privacy mode)
    legal_name: str | None
    attendees: tuple[ShownAttendee, ...]
    #: minutes since the start (what "late?" says)
    minutes_in: int
    #: the decision when no attendee is chosen (an appointment without any)
    unattended: SendEligibility
    #: an individual appointment's patient: whose clock their times are on
    patient_clock: PatientClock | None = None
    #: what Cliniko itself sent that patient since it was booked, newest first
    cliniko_sent: tuple[ClinikoMessage, ...] = ()


def shown_appointment(view: AppointmentView, now: datetime, configured: Iterable[Channel], *,
                      private: bool, late_after: timedelta,
                      cliniko_messages: Mapping[str, tuple[ClinikoMessage, ...]] | None = None) -> ShownAppointment:
    """*cliniko_messages*: what Cliniko sent each patient, by patient id (the day's)."""
    channels = tuple(configured)
    late = late_attendees(view.appointment, view.appointment_type, [a.attendee for a in view.attendees],
                          now, late_after)
    attendees = tuple(
        ShownAttendee(a, person_name(a.name, private=private), view.decision(a, now, channels),
                      any(a.attendee is other for other in late))
        for a in view.attendees
    )
    title, legal_name, clock, sent = view.patient_label(), None, None, ()
    first = view.primary_attendee()
    if view.kind == "individual":
        patient = first.patient if first is not None else None
        title = person_name(patient.display_name if patient else title, private=private)
        if first is not None and cliniko_messages:
            sent = sent_since(cliniko_messages.get(first.attendee.patient_id or "", ()), view.appointment.created_at)
        if patient is not None:
            clock = patient_clock(patient.time_zone, view.zone, view.appointment.starts_at)
            if patient.preferred_first_name and not private:
                legal_name = patient.legal_name
    return ShownAppointment(view, title, legal_name, attendees, minutes_late(view.appointment, now),
                            view.decision(None, now, channels), clock, sent)
