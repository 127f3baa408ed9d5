"""The next Telehealth call that has not ended, and whether its patient link
went out: the console's one-line "up next" strip (and `u`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from frontdesk.domain.terms import ours
from frontdesk.services.audit import INTERRUPTED, AuditEntry
from frontdesk.services.day import AppointmentView
from frontdesk.services.row_marks import last_send
from frontdesk.services.team_log import TeamSend


def next_telehealth(calls: Iterable[AppointmentView], now: datetime) -> AppointmentView | None:
    """The first Telehealth call (flag exactly on) of *calls*, in start
    order, not over, cancelled or marked did-not-arrive, skipping calls
    under way whose patients are all marked arrived."""
    for v in calls:
        appt = v.appointment
        if v.telehealth != "on" or appt.ends_at <= now or v.status in ("cancelled", "did_not_arrive"):
            continue
        if appt.starts_at <= now and v.status == "arrived":
            continue  # in session: not what the desk watches for
        return v
    return None


def countdown(starts_at: datetime, now: datetime, *, short: bool = False) -> str:
    """"in 12 min" / "started 3 min ago" ("12 min ago" where room is short)."""
    if starts_at > now:
        minutes = math.ceil((starts_at - now).total_seconds() / 60)
        return f"in {minutes} min" if minutes < 60 else f"in {minutes // 60} h {minutes % 60:02d} min"
    minutes = int((now - starts_at).total_seconds() // 60)
    if minutes == 0:
        return "just started" if short else "started just now"
    return f"started {minutes}m ago" if short else f"started {minutes} min ago"


@dataclass(frozen=True, slots=True)
class UpNext:
    view: AppointmentView
    when: str
    patient: str
    practitioner: str
    link: str
    #: the same, for an 80-column line
    when_short: str = ""
    link_short: str = ""
    #: its start on the list's clock (the header names it)
    start: str = ""


def up_next(view: AppointmentView, now: datetime, mine: Mapping[tuple[str, str], AuditEntry] | None,
            team: Mapping[tuple[str, str], TeamSend], who: Callable[[str], str],
            hhmm: Callable[[datetime], str]) -> UpNext:
    """The strip for *view* (see :func:`next_telehealth`). *mine*: this
    desk's sends of it (:meth:`AuditLog.last_sends`); *who* shows a name
    (initials on a shared screen); *hhmm* a time in the clinic's zone."""
    active = [a for a in view.attendees if a.active]
    sends = [last_send(view, a.attendee.id, a.link.fingerprint() if a.link else None, mine, team) for a in active]
    if view.kind == "group":
        patient = view.patient_label()
        count = sum(s is not None and not s.unsure and s.current for s in sends)
        unsure = sum(s is not None and s.unsure for s in sends)
        link, short = f"links sent to {count} of {len(active)}", f"sent {count}/{len(active)}"
        if unsure:
            link += f", {unsure} unsure (a send interrupted or under way: it may have reached them)"
            short += f", {unsure}?"
    else:
        patient = who(view.patient_label())
        sent = sends[0] if sends else None
        if sent is None:
            link, short = "link not sent", "not sent"
        elif sent.moved and not sent.unsure:
            link, short = f"link {sent.moved}: not sent for this time", "moved: not sent"
        elif sent.unsure:
            link = f"send {'interrupted' if sent.state == INTERRUPTED else 'under way'} {hhmm(sent.at)}: " \
                + ours("may have reached the patient")
            short = f"{'interrupted' if sent.state == INTERRUPTED else 'sending'} {hhmm(sent.at)}?"
        else:
            link = f"link sent {hhmm(sent.at)} by {sent.by}" + (f" ({sent.where})" if sent.where else "")
            short = f"sent {hhmm(sent.at)}"
    starts = view.appointment.starts_at
    return UpNext(view, countdown(starts, now), patient, view.practitioner_name, link,
                  countdown(starts, now, short=True), short, start=hhmm(starts))
