"""What the send confirmation says, built from the views without a
terminal: who, when (on the clinic's clock and the patient's), by which
channel to which masked address, the message's preview, a group's reach,
and what is known of earlier sends. The confirmation screen only draws it;
SendFlow only asks for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from frontdesk.domain.clock import clock_time, weekday_date
from frontdesk.domain.contact import Channel, recipient_for
from frontdesk.domain.eligibility import SendEligibility
from frontdesk.domain.timezones import patient_clock
from frontdesk.domain.wording import reminder_flags
from frontdesk.services.day import AppointmentView, AttendeeView
from frontdesk.services.delivery.answers import PreviousSends
from frontdesk.services.row_marks import for_view, from_entry, from_memo, send_words
from frontdesk.services.team_log import cliniko_sent_words


@dataclass(frozen=True)
class ChannelOption:
    channel: Channel
    recipient: str  # masked
    preview: str  # token masked


@dataclass(frozen=True)
class GroupRecipient:
    """One attendee a send to every eligible attendee would reach: each
    channel that reaches them (masked address), and their send decision,
    which says the channel a send will use."""

    name: str
    addresses: dict[Channel, str]
    decision: SendEligibility

    def channel_for(self, wanted: Channel) -> Channel:
        channel = self.decision.channel_for(wanted)
        assert channel is not None  # an eligible attendee has a channel
        return channel


@dataclass(frozen=True)
class SendPlan:
    patient: str
    clinic_time: str
    patient_time: str  # the patient's time, or that it was checked and is the clinic's
    practitioner: str
    options: list[ChannelOption]
    default: Channel
    #: a group: who a send to every eligible attendee would reach, and who not (name, why)
    group_in: list[GroupRecipient] = field(default_factory=list)
    group_out: list[tuple[str, str]] = field(default_factory=list)

    @property
    def group_eligible(self) -> int:
        return len(self.group_in)


@dataclass(frozen=True)
class PreviousNote:
    """Earlier sends of the link, in words; a known one asks for y twice."""

    lines: list[str]
    repeat: bool


def send_plan(view: AppointmentView, chosen: AttendeeView, decision: SendEligibility,
              group: list[tuple[AttendeeView, SendEligibility]], preview: Callable[[Channel], str],
              who: Callable[[str], str]) -> SendPlan:
    """*group*: each attendee with their decision (a group appointment's);
    *preview*: the message a channel would carry, its link masked; *who*: a
    name as the screen may show it."""
    patient = chosen.patient
    appt = view.appointment
    country = view.business.country_code if view.business else None
    options = [ChannelOption(channel, recipient_for(patient, channel, country).masked(), preview(channel))
               for channel in decision.channels]
    clinic = f"{view.local_start}–{view.local_end} {weekday_date(appt.starts_at.astimezone(view.zone).date())} ({view.zone.key})"
    theirs = patient_clock(patient.time_zone, view.zone, appt.starts_at)
    patient_time = f"({theirs.words})"
    if theirs.zone is not None:
        at = appt.starts_at.astimezone(theirs.zone)
        patient_time = f"{clock_time(at)} {weekday_date(at.date())} ({theirs.zone.key})"
    group_in: list[GroupRecipient] = []
    group_out: list[tuple[str, str]] = []
    for attendee, them in group:
        if them.allowed:
            addresses = {c: recipient_for(attendee.patient, c, country).masked() for c in them.channels}
            group_in.append(GroupRecipient(who(attendee.name), addresses, them))
        else:
            group_out.append((who(attendee.name), them.reason))
    return SendPlan(
        patient=who(chosen.name),
        clinic_time=clinic,
        patient_time=patient_time,
        practitioner=view.practitioner_name,
        options=options,
        default=decision.default_channel or decision.channels[0],
        group_in=group_in,
        group_out=group_out,
    )


def previous_note(found: PreviousSends, view: AppointmentView, when: Callable[[datetime], str]) -> PreviousNote:
    """Earlier sends of this link, from this desk's log and Cliniko's memos
    (other desks), and what Cliniko itself sent, in words."""
    lines: list[str] = []
    sent = from_entry(found.local) if found.local is not None else \
        from_memo(found.team) if found.team is not None else None
    if sent is not None:
        lines.append(send_words(for_view(sent, view), when) + ".")
    appointment = view.appointment
    if view.kind == "individual":
        lines.append(f"Cliniko's own reminders: {reminder_flags(appointment.email_reminder_sent, appointment.sms_reminder_sent)}.")
    if found.cliniko:
        lines.append(f"Cliniko sent: {cliniko_sent_words(found.cliniko, when)} (may carry the link).")
    if found.audit_error:
        lines.append(f"{found.audit_error}: a send from this desk would not show here.")
    if found.log_error:
        lines.append(f"{found.log_error}: a send from another desk would not show here.")
    return PreviousNote(lines, repeat=found.local is not None or found.team is not None)
