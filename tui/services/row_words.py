"""A list row's words, before they are fitted to their columns: the view,
its marks and how the list is shown (narrow, privacy, on whose clock) in,
one cell's text per column out. The list widget only fits and draws them:
privacy, the Telehealth words and the list's clock are applied here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from frontdesk.domain.timezones import list_time
from frontdesk.domain.wording import (
    BAD_LINK,
    LATE,
    SENT_MARKS,
    STATUS_LABELS,
    STATUS_NARROW,
    TELEHEALTH_NARROW,
    TELEHEALTH_SHORT,
    person_name,
)
from frontdesk.services.day import AppointmentView
from frontdesk.services.row_marks import RowMarks

#: the status cell of a cancelled appointment starts with this
CANCELLED = "✕ "


@dataclass(frozen=True, slots=True)
class ListShape:
    """How the list shows every row."""

    narrow: bool
    private: bool
    #: the one clock every row's time is read on, and the day shown (None: each row's own)
    zone: ZoneInfo | None
    on: date | None
    #: location name → what its column says (None: no location column)
    locations: dict[str, str] | None


def list_start(view: AppointmentView, zone: ZoneInfo | None, on: date | None) -> str:
    """An appointment's start on the list's one clock *zone* ("Mon 23:05"
    when that is another date than *on*, the day shown); its own location's
    time when the list has no one clock."""
    return view.local_start if zone is None else list_time(view.appointment.starts_at, zone, on)


def row_words(view: AppointmentView, marks: RowMarks | None, shape: ListShape) -> tuple[str, ...]:
    narrow = shape.narrow
    patient = view.patient_label(short=narrow)
    if view.kind == "individual":
        patient = person_name(patient, private=shape.private)
    telehealth = TELEHEALTH_NARROW if narrow else TELEHEALTH_SHORT
    status = STATUS_NARROW if narrow else STATUS_LABELS
    late = marks is not None and marks.late > 0
    location = () if shape.locations is None else (shape.locations.get(view.business_name, view.business_name),)
    return (
        list_start(view, shape.zone, shape.on),
        *location,
        patient,
        view.practitioner_name,
        view.type_name,
        BAD_LINK if view.telehealth == "on" and view.bad_patient_link else telehealth[view.telehealth],
        SENT_MARKS[marks.sent] if marks is not None else "",
        (CANCELLED if view.status == "cancelled" else "") + (LATE if late else status[view.status]),
    )
