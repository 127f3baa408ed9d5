"""What each row of the day says beyond Cliniko's own fields: whether its
patient link went out (from this desk's audit log or another desk's memo)
and whether a video call's patient may be late. The list's "sent" column,
its "late?" status, the status filter and the up-next strip all read these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import NamedTuple
from datetime import datetime, timedelta

from frontdesk.domain.arrival import late_attendees, minutes_late
from frontdesk.domain.terms import ours
from frontdesk.domain.contact import CHANNEL_WORDS, Channel
from frontdesk.domain.sent_for import SentFor, moved_since
from frontdesk.domain.wording import person_name
from frontdesk.services.audit import DELIVERING, INTERRUPTED, AuditEntry
from frontdesk.services.day import AppointmentView
from frontdesk.services.team_log import TeamSend

SENT, NOT_SENT, NOT_SENDABLE, UNSURE = "sent", "not_sent", "", "unsure"


class SentNote(NamedTuple):
    """One attendee's send as the link panel says it: its mark and words."""

    mark: str  # SENT or UNSURE
    words: str


@dataclass(frozen=True, slots=True)
class RowMarks:
    #: SENT (every attendee who may get the link has had it, or one did), NOT_SENT
    #: (someone who may get it has not), UNSURE (a send was interrupted or is
    #: under way: it may have reached the patient), NOT_SENDABLE (nobody may)
    sent: str
    #: how many attendees may be late to this video call
    late: int = 0


@dataclass(frozen=True, slots=True)
class LinkSend:
    """The latest send of one attendee's current link, from either record."""

    at: datetime
    by: str
    channel: str
    #: whose record says so: None for this desk's own log, else the memo's
    #: (see TeamSend.where)
    where: str | None = None
    #: SENT; DELIVERING (under way in a window now) or INTERRUPTED (cut off
    #: while delivering): either may have reached the patient
    state: str = SENT
    #: the appointment as it was when the link went (None: not recorded)
    sent_for: SentFor | None = None
    #: what changed since ("sent for 09:00 — moved to 10:30"): then the
    #: link counts as not sent for this appointment
    moved: str | None = None

    @property
    def unsure(self) -> bool:
        return self.state != SENT

    @property
    def current(self) -> bool:
        """It went (or may have gone) for the appointment as it is now."""
        return self.moved is None


def last_send(view: AppointmentView, attendee_id: str, fingerprint: str | None,
              mine: Mapping[tuple[str, str], AuditEntry] | None,
              team: Mapping[tuple[str, str], TeamSend]) -> LinkSend | None:
    entry = mine.get((attendee_id, fingerprint or "")) if mine is not None else None
    theirs = team.get((view.id, attendee_id)) if entry is None else None
    found = from_entry(entry) if entry is not None else from_memo(theirs) if theirs is not None else None
    return for_view(found, view) if found is not None else None


def for_view(sent: LinkSend, view: AppointmentView) -> LinkSend:
    """*sent*, saying what changed in *view*'s appointment since it went."""
    moved = moved_since(sent.sent_for, view.appointment, view.zone, view.type_name, view.practitioner_name)
    return replace(sent, moved=moved) if moved else sent


def from_entry(entry: AuditEntry) -> LinkSend:
    """A send in this desk's log (AuditLog.last_sends)."""
    state = entry.outcome if entry.unfinished and entry.outcome else SENT
    return LinkSend(entry.at, entry.user_name or "unknown", entry.channel or "", None, state,
                    SentFor.read(entry.sent_for))


def from_memo(memo: TeamSend) -> LinkSend:
    return LinkSend(memo.at, memo.by, memo.channel, memo.where, sent_for=memo.sent_for)


def send_words(sent: LinkSend, when: Callable[[datetime], str]) -> str:
    """What staff are told of an earlier send, everywhere it is shown (link
    panel, confirmation, up next's long form, the day sheet)."""
    channel = CHANNEL_WORDS.get(sent.channel, sent.channel or "unknown channel")  # type: ignore[call-overload]
    if sent.state == INTERRUPTED:
        return (f"A send was interrupted at {when(sent.at)}: {ours('it may have reached the patient')} "
                f"({sent.by}, {channel})")
    if sent.state == DELIVERING:
        return (f"Being sent since {when(sent.at)} by {sent.by} ({channel}) in another window: "
                + ours("it may already have reached the patient"))
    where = f", {sent.where}" if sent.where else ""
    if sent.moved:
        return f"Sent {when(sent.at)} by {sent.by} ({channel}{where}), {sent.moved}: not sent for this time"
    return f"Already sent {when(sent.at)} by {sent.by} ({channel}{where})"


def row_marks(view: AppointmentView, now: datetime, late_after: timedelta, configured: tuple[Channel, ...],
              mine: Mapping[tuple[str, str], AuditEntry] | None,
              team: Mapping[tuple[str, str], TeamSend]) -> RowMarks:
    sent_any, unsent, unsure = False, False, False
    for a in view.attendees:
        sent = last_send(view, a.attendee.id, a.link.fingerprint(), mine, team) if a.link is not None else None
        if sent is not None and sent.current:
            sent_any = True
            unsure = unsure or sent.unsure
        elif a.active and view.decision(a, now, configured).allowed:
            unsent = True
    mark = UNSURE if unsure else NOT_SENT if unsent else SENT if sent_any else NOT_SENDABLE
    late = late_attendees(view.appointment, view.appointment_type, [a.attendee for a in view.attendees],
                          now, late_after)
    return RowMarks(mark, len(late))


def day_marks(views: Iterable[AppointmentView], now: datetime, late_after: timedelta,
              configured: tuple[Channel, ...], mine: Mapping[str, Mapping[tuple[str, str], AuditEntry]] | None,
              team: Mapping[tuple[str, str], TeamSend]) -> dict[str, RowMarks]:
    """Every row's marks; *mine* is the audit log's sends by appointment
    (None when the log cannot be read: nothing counts as sent from here)."""
    return {v.id: row_marks(v, now, late_after, configured, (mine or {}).get(v.id, {}), team) for v in views}


def short_name(name: str) -> str:
    """'Mia Kelly' → 'Mia K.': enough for a notification on a shared screen."""
    words = name.split()
    return f"{words[0]} {words[-1][0]}." if len(words) > 1 else name


def late_words(view: AppointmentView, marks: RowMarks, now: datetime, *, private: bool) -> str:
    """The late nudge: who (a short name, or initials), how late, for what,
    and that s would send (never that it has)."""
    minutes = minutes_late(view.appointment, now)
    when = f"{view.local_start} {view.type_name}"
    again = "resend" if marks.sent in (SENT, UNSURE) else "send"
    if view.kind == "group":
        return f"{marks.late} in {when} not marked arrived {minutes} min in — s to {again} their links"
    name = person_name(short_name(view.patient_label()), private=private)
    return f"{name} is {minutes} min late for {when} — s to {again} the link"
