"""The day sheet: the day as CSV (RFC 4180, by the csv module), one row per
attendee, for `frontdesk today --csv` and the console's "Export day sheet".

No links unless asked for (``reveal``, which the caller audits first). Text
from Cliniko is cleaned of control characters like everything frontdesk
shows, and a cell that a spreadsheet would run as a formula (starting with
= + - @) is written with a leading apostrophe: a patient named
``=HYPERLINK(…)`` stays a name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime

from frontdesk.domain.terms import ours
from frontdesk.domain.arrival import arrival_of
from frontdesk.domain.contact import Channel
from frontdesk.domain.eligibility import ALL_CHANNELS
from frontdesk.domain.timezones import hhmm
from frontdesk.domain.wording import STATUS_LABELS, TELEHEALTH_SHORT
from frontdesk.safe_text import clean
from frontdesk.services.audit import AuditEntry
from frontdesk.services.day import AppointmentView
from frontdesk.services.row_marks import last_send, send_words
from frontdesk.services.team_log import TeamSend

COLUMNS = ["date", "time", "location", "patient", "practitioner", "type", "telehealth", "status",
           "sent", "send_decision", "reason"]
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = clean(value)
    return "'" + text if text.startswith(_FORMULA) else text


def day_sheet_csv(views: list[AppointmentView], now: datetime, *,
                  mine: Mapping[str, Mapping[tuple[str, str], AuditEntry]] | None = None,
                  team: Mapping[tuple[str, str], TeamSend] | None = None,
                  configured: tuple[Channel, ...] = ALL_CHANNELS, reveal: bool = False) -> str:
    """*mine*: this desk's sends by appointment (``AuditLog.sends_for``);
    *team*: other desks' (``Day.team_sends``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([ours(name) for name in COLUMNS] + ([ours("patient_link")] if reveal else []))
    for view in views:
        local = view.appointment.starts_at.astimezone(view.zone)
        sends = (mine or {}).get(view.id, {})
        for attendee in view.attendees or (None,):
            decision = view.decision(attendee, now, configured)
            sent = ""
            done = last_send(view, attendee.attendee.id, attendee.link.fingerprint(), sends, team or {}) \
                if attendee is not None and attendee.link is not None else None
            if done is not None:
                sent = send_words(done, lambda m: hhmm(m, view.zone)) if done.unsure or done.moved else "sent"
            elif decision.allowed:
                sent = "not sent"
            status = view.status
            if attendee is not None and view.kind == "group":
                status = arrival_of(view.appointment, attendee.attendee) if attendee.active else "cancelled"
            row = [local.date().isoformat(), view.local_start, view.business_name,
                   attendee.name if attendee is not None else view.patient_label(), view.practitioner_name,
                   view.type_name, TELEHEALTH_SHORT[view.telehealth], STATUS_LABELS[status], sent,
                   "yes" if decision.allowed else "no", decision.reason]
            if reveal:
                row.append(attendee.link.url if attendee is not None and attendee.link is not None else "")
            writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def for_excel(sheet: str) -> str:
    """The sheet with a UTF-8 byte-order mark: Excel then reads "García" and
    "Nguyễn" as written, not as "GarcÃ­a" (other programs skip the mark)."""
    return "\ufeff" + sheet
