"""What the patient lookup (ctrl+f) says, made without a terminal: what
tells two patients of one name apart, and each of a patient's next
appointments with its Telehealth state, the send decision and any earlier
send of their link. The lookup screen only draws these."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from frontdesk.cliniko.models import Patient
from frontdesk.domain.clock import date_and_time, weekday_date
from frontdesk.domain.contact import Channel, mask_email
from frontdesk.domain.local_ways import DateOrder, date_hint, date_words, read_date
from frontdesk.domain.timezones import local_day_of
from frontdesk.domain.wording import TELEHEALTH_SHORT, person_name
from frontdesk.services.day import AppointmentView
from frontdesk.services.row_marks import last_send, send_words
from frontdesk.services.sent_ledger import SentLedger
from frontdesk.services.team_log import TeamSend


def date_form(order: DateOrder | None) -> str:
    """How a date of birth may be typed."""
    return f"{date_hint(order)} or YYYY-MM-DD" if order else "YYYY-MM-DD"


def named(patient: Patient, *, private: bool) -> str:
    """The patient's name as the screen may show it."""
    return person_name(patient.display_name, private=private)


def patient_words(patient: Patient, order: DateOrder | None, *, private: bool) -> str:
    """The patient as a line of the list: their name as the screen may show
    it, then what tells two of one name apart: born, the phone's last
    digits, the email (masked)."""
    parts = []
    born = read_date(patient.date_of_birth or "", None)  # Cliniko's own: ISO only
    if born is not None:
        parts.append(f"born {date_words(born, order) if order else born.isoformat()}")
    phones = [p for p in patient.patient_phone_numbers if p.number or p.normalized_number]
    if phones:
        mobile = next((p for p in phones if (p.phone_type or "").lower() == "mobile"), phones[0])
        digits = "".join(ch for ch in (mobile.normalized_number or mobile.number or "") if ch.isdigit())
        parts.append(f"{(mobile.phone_type or 'phone').lower()} …{digits[-3:]}")
    if patient.email:
        parts.append(mask_email(patient.email))
    return named(patient, private=private) + "".join(f" · {part}" for part in parts)


@dataclass(frozen=True, slots=True)
class FoundDay:
    """One of the patient's appointments as the lookup lists it."""

    view: AppointmentView
    #: when, what, with whom
    head: str
    #: its Telehealth state, cancelled or not
    state: str
    #: "can be sent", or why not
    verdict: str
    sendable: bool
    #: an earlier send of their link, in words ("" when none)
    sent: str
    #: the date to open it on, in its location's zone
    local_date: date


def found_days(views: Iterable[AppointmentView], patient: Patient, now: datetime, configured: tuple[Channel, ...],
               ledger: SentLedger, team: Mapping[tuple[str, str], TeamSend]) -> list[FoundDay]:
    found = []
    for view in views:
        mine = next((a for a in view.attendees if a.attendee.patient_id == patient.id), None)
        decision = view.decision(mine, now, configured)
        local = view.appointment.starts_at.astimezone(view.zone)
        cancelled = view.status == "cancelled" or (mine is not None and not mine.active)
        sent = last_send(view, mine.attendee.id, mine.link.fingerprint(), ledger.of(view.id), team) \
            if mine is not None and mine.link is not None else None
        found.append(FoundDay(
            view,
            head=f"{weekday_date(local.date())} {view.local_start}  {view.type_name} · {view.practitioner_name}",
            state=TELEHEALTH_SHORT[view.telehealth] + (" · cancelled" if cancelled else ""),
            verdict="can be sent" if decision.allowed else decision.reason,
            sendable=decision.allowed,
            sent=send_words(sent, lambda moment, z=view.zone: date_and_time(moment.astimezone(z))) if sent else "",
            local_date=local_day_of(view.appointment.starts_at, view.zone),
        ))
    return found
