"""The morning sweep: every Telehealth patient of the day whose link may go
and has not gone, sent one by one through the same guarded path as a
single send (a fresh re-check with Cliniko, the atomic claim, the memo, the
audit), and everyone else with the reason they are left out.

Nothing here decides anew: who may be sent is :meth:`AppointmentView.decision`
(the one rule), who was sent is :func:`last_send` (this desk's log and every
desk's memos). A failure never stops the rest; nothing goes twice (the
claim and the memos see to it); between two messages on one channel the
sweep waits the provider's pace (an SMS long code takes about one a second).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from frontdesk.cliniko.errors import ClinikoError
from frontdesk.domain.contact import CHANNEL_WORDS, Channel, recipient_for
from frontdesk.services.audit import AuditEntry
from frontdesk.services.day import AppointmentView, AttendeeView
from frontdesk.services.delivery.errors import ChannelFailed, SendRefused
from frontdesk.services.delivery.service import DeliveryService
from frontdesk.services.row_marks import last_send, send_words
from frontdesk.services.team_log import TeamSend

#: seconds between two messages on one channel (Twilio: ~1 SMS a second per number)
PACE: dict[Channel, float] = {"sms": 1.0, "email": 0.0}
SENT, NOT_SENT, FAILED = "sent", "not sent", "failed"


@dataclass(frozen=True)
class SweepItem:
    view: AppointmentView
    attendee: AttendeeView
    channel: Channel
    #: the recipient, masked
    recipient: str
    #: sent before, for the appointment as it was ("sent for 09:00 — moved
    #: to 10:30"): sent again, as a confirmed repeat
    again: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.view.id, self.attendee.attendee.id


@dataclass(frozen=True)
class LeftOut:
    view: AppointmentView
    attendee: AttendeeView
    reason: str


@dataclass(frozen=True)
class SweepPlan:
    items: tuple[SweepItem, ...]
    left_out: tuple[LeftOut, ...]


@dataclass(frozen=True)
class SweepResult:
    item: SweepItem
    #: SENT, NOT_SENT (refused on the fresh re-check, or sent meanwhile) or FAILED
    outcome: str
    words: str


def plan_sweep(views: list[AppointmentView], now: datetime, configured: tuple[Channel, ...],
               mine: Mapping[str, Mapping[tuple[str, str], AuditEntry]],
               team: Mapping[tuple[str, str], TeamSend], when: Callable[[datetime], str], *,
               within: timedelta | None = None, skip_reminded: bool = False) -> SweepPlan:
    """Who the sweep would send to, and who it leaves out and why: every
    active attendee of the day's Telehealth appointments (of those starting
    *within* the next hours, when given), in the day's order. With
    *skip_reminded*, patients Cliniko says it already reminded are left out
    (its reminder may carry the link: nobody gets three messages)."""
    items: list[SweepItem] = []
    left: list[LeftOut] = []
    for view in sorted(views, key=lambda v: v.appointment.starts_at):
        if view.telehealth != "on":
            continue
        if within is not None and view.appointment.starts_at > now + within:
            continue
        for attendee in view.attendees:
            if not attendee.active:
                continue
            sent = last_send(view, attendee.attendee.id, attendee.link.fingerprint() if attendee.link else None,
                             mine.get(view.id, {}), team)
            decision = view.decision(attendee, now, configured)
            if sent is not None and (sent.current or sent.unsure):
                left.append(LeftOut(view, attendee, send_words(sent, when)))
            elif not decision.allowed:
                left.append(LeftOut(view, attendee, decision.reason))
            elif skip_reminded and (reminded := cliniko_reminded(view, attendee)):
                left.append(LeftOut(view, attendee, f"Cliniko already sent its reminder ({reminded}): "
                                                    "it may carry the link"))
            elif decision.default_channel is None or attendee.patient is None:
                left.append(LeftOut(view, attendee, "no channel set up reaches this patient"))
            else:
                channel = decision.default_channel
                country = view.business.country_code if view.business else None
                recipient = recipient_for(attendee.patient, channel, country)
                items.append(SweepItem(view, attendee, channel, recipient.masked() if recipient else "?",
                                       sent.moved if sent is not None else None))
    return SweepPlan(tuple(items), tuple(left))


def cliniko_reminded(view: AppointmentView, attendee: AttendeeView) -> str | None:
    """How Cliniko says it reminded this patient of this appointment
    ("email", "SMS", "email and SMS"), or None."""
    record = view.appointment if view.kind == "individual" else attendee.attendee
    ways = [word for word, flag in (("email", record.email_reminder_sent), ("SMS", record.sms_reminder_sent)) if flag]
    return " and ".join(ways) or None


async def run_sweep(delivery: DeliveryService, items: list[SweepItem], *,
                    on_result: Callable[[int, SweepResult], None] | None = None,
                    stop: asyncio.Event | None = None,
                    pace: Mapping[Channel, float] | None = None) -> list[SweepResult]:
    """Send each item in turn; *stop* set ends the sweep after the one in
    flight. Each result is reported as it comes (for a progress bar)."""
    pace = PACE if pace is None else pace
    results: list[SweepResult] = []
    last: dict[Channel, float] = {}
    loop = asyncio.get_running_loop()
    for n, item in enumerate(items):
        if stop is not None and stop.is_set():
            break
        wait = last.get(item.channel, -1e9) + pace.get(item.channel, 0.0) - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        last[item.channel] = loop.time()
        result = await _send_one(delivery, item)
        results.append(result)
        if on_result is not None:
            on_result(n, result)
    return results


async def _send_one(delivery: DeliveryService, item: SweepItem) -> SweepResult:
    link = item.attendee.link
    if link is None:
        return SweepResult(item, NOT_SENT, "Not sent: no patient link")
    try:
        outcome = await delivery.send(link, item.channel, kind=item.view.kind,
                                      practitioner=item.view.practitioner_name, again_if_moved=item.again is not None)
    except ChannelFailed as exc:
        return SweepResult(item, FAILED, f"Failed: {exc.message}")
    except SendRefused as exc:
        return SweepResult(item, NOT_SENT, exc.message)
    except ClinikoError as exc:
        return SweepResult(item, FAILED, f"Failed: {exc}")
    words = f"Sent by {CHANNEL_WORDS[outcome.channel]} to {outcome.recipient}"
    return SweepResult(item, SENT, words + (f" ({outcome.memo_error})" if outcome.memo_error else ""))
