"""What each row of the day says beyond Cliniko's own fields: whether its
patient link went out (from this desk's audit log or another desk's memo)
and whether a video call's patient may be late. The list's "sent" column,
its "late?" status, the status filter and the up-next strip all read these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from tui.domain.arrival import late_attendees
from tui.domain.contact import Channel
from tui.services.audit import AuditEntry
from tui.services.day import AppointmentView
from tui.services.team_log import TeamSend

SENT, NOT_SENT, NOT_SENDABLE = "sent", "not_sent", ""


@dataclass(frozen=True, slots=True)
class RowMarks:
    #: SENT (every attendee who may get the link has had it, or one did), NOT_SENT
    #: (someone who may get it has not), NOT_SENDABLE (nobody may)
    sent: str
    #: how many attendees may be late to this video call
    late: int = 0


@dataclass(frozen=True, slots=True)
class LinkSend:
    """The latest send of one attendee's current link, from either record."""

    at: datetime
    by: str
    channel: str
    other_desk: bool


def last_send(view: AppointmentView, attendee_id: str, fingerprint: str | None,
              mine: Mapping[tuple[str, str], AuditEntry] | None,
              team: Mapping[tuple[str, str], TeamSend]) -> LinkSend | None:
    entry = mine.get((attendee_id, fingerprint or "")) if mine is not None else None
    if entry is not None:
        return LinkSend(entry.at, entry.user_name or "unknown", entry.channel or "", False)
    theirs = team.get((view.id, attendee_id))
    if theirs is not None:
        return LinkSend(theirs.at, theirs.by, theirs.channel, True)
    return None


def row_marks(view: AppointmentView, now: datetime, late_after: timedelta, configured: tuple[Channel, ...],
              mine: Mapping[tuple[str, str], AuditEntry] | None,
              team: Mapping[tuple[str, str], TeamSend]) -> RowMarks:
    sent_any, unsent = False, False
    for a in view.attendees:
        if a.link is not None and last_send(view, a.attendee.id, a.link.fingerprint(), mine, team) is not None:
            sent_any = True
        elif a.active and view.decision(a, now, configured).allowed:
            unsent = True
    mark = NOT_SENT if unsent else SENT if sent_any else NOT_SENDABLE
    late = late_attendees(view.appointment, view.appointment_type, [a.attendee for a in view.attendees],
                          now, late_after)
    return RowMarks(mark, len(late))


def day_marks(views: Iterable[AppointmentView], now: datetime, late_after: timedelta,
              configured: tuple[Channel, ...], mine: Mapping[str, Mapping[tuple[str, str], AuditEntry]] | None,
              team: Mapping[tuple[str, str], TeamSend]) -> dict[str, RowMarks]:
    """Every row's marks; *mine* is the audit log's sends by appointment
    (None when the log cannot be read: nothing counts as sent from here)."""
    return {v.id: row_marks(v, now, late_after, configured, (mine or {}).get(v.id, {}), team) for v in views}
