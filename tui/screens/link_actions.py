"""Reveal and copy, the "already sent" notes, and the audit and outbox
viewers, for the console.

A reveal or a copy of a patient link is recorded in the audit log *first*;
when the log cannot record it, the action is refused with the reason (fail
closed). Copy follows the send decision's ``copyable``: the link must be a
live Telehealth link of this account. The log is read and written in a
worker thread (``audit-io``), never on the key press itself, so a log
locked by another program never freezes the console.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from textual.message import Message

from frontdesk.domain.terms import ours
from frontdesk.domain.links import NOT_A_PATIENT_LINK, NOT_A_PRACTITIONER_LINK, PractitionerLink
from frontdesk.screens.console import Host
from frontdesk.screens.logs import AuditScreen, OutboxScreen
from frontdesk.services.audit import AuditEntry, AuditUnavailable
from frontdesk.services.clipboard import ClipboardRoute, clipboard_route
from frontdesk.services.day import AppointmentView, AttendeeView
from frontdesk.services.row_marks import NOT_SENT, SENT, SentNote, UNSURE, last_send, send_words
from frontdesk.services.team_log import TeamSend


AUDIT_DOWN = "Audit log unavailable: cannot tell whether this link was sent from this desk"


@dataclass
class RevealRecorded(Message):
    """The reveal is in the audit log: the link panel may show the link."""

    appointment_id: str
    attendee_id: str
    seconds: float


def sent_notes(view: AppointmentView, mine: dict[tuple[str, str], AuditEntry] | None,
               theirs: dict[tuple[str, str], TeamSend], when: Callable[[datetime], str]) -> dict[str, SentNote]:
    """"Already sent …" for each attendee whose link went out, from this
    desk's log (*mine*; None when it cannot be read) or another desk's memo,
    with its mark (sent, or unsure: it may have gone)."""
    notes: dict[str, SentNote] = {}
    for a in view.attendees:
        if a.link is None:
            continue
        sent = last_send(view, a.attendee.id, a.link.fingerprint(), mine, theirs)
        if sent is not None:
            mark = UNSURE if sent.unsure else SENT if sent.current else NOT_SENT
            notes[a.attendee.id] = SentNote(mark, send_words(sent, when))
        elif mine is None:
            notes[a.attendee.id] = SentNote(UNSURE, AUDIT_DOWN)
    return notes


class LinkActions:
    def __init__(self, screen: Host) -> None:
        self.screen = screen
        self.session = screen.session

    def check_audit_log(self) -> None:
        """Tell staff at once when the local audit log cannot be used (the day
        list works; reveal, copy and send are refused until it can)."""
        audit = self.session.audit
        try:
            audit.check()
        except AuditUnavailable as exc:
            self.screen.say(f"{exc.message} Reveal, copy and send are off until it is fixed.",
                            title="Audit log", severity="error", timeout=15)
            return
        if audit.notice:
            self.screen.say(audit.notice, title="Audit log", severity="warning", timeout=15)
            audit.notice = None

    def _off_the_loop(self, work: Callable[[], Awaitable[None]], doing: str) -> None:
        self.screen.run_worker(work, group="audit-io", exit_on_error=False, description=doing)

    def show_audit(self, view: AppointmentView | None, zone: ZoneInfo | None) -> None:
        """The audit viewer for one appointment, newest first."""
        if view is None:
            self.screen.say("Choose an appointment first.", severity="warning")
            return
        self._off_the_loop(partial(self._show_audit, view, zone), "read the audit log")

    async def _show_audit(self, view: AppointmentView, zone: ZoneInfo | None) -> None:
        try:
            entries = await asyncio.to_thread(self.session.audit.entries, view.id)
        except AuditUnavailable as exc:
            self.screen.say(exc.message, title="Audit log", severity="error", timeout=10)
            return
        who = self.screen.who
        names = {a.attendee.id: who(a.name) for a in view.attendees}
        title = f"{view.local_start} {who(view.patient_label()) if view.kind == 'individual' else view.patient_label()}"
        self.screen.app.push_screen(AuditScreen(title, entries, zone or view.zone, names))

    def show_outbox(self, zone: ZoneInfo | None) -> None:
        """What was sent from this desk, recipients masked."""
        self._off_the_loop(partial(self._show_outbox, zone), "read the outbox")

    async def _show_outbox(self, zone: ZoneInfo | None) -> None:
        try:
            items = await asyncio.to_thread(self.session.outbox)
        except AuditUnavailable as exc:
            self.screen.say(exc.message, title="Audit log", severity="error", timeout=10)
            return
        self.screen.app.push_screen(OutboxScreen(items, self.session.demo, zone, self.screen.who, private=self.screen.privacy))

    def notes(self, view: AppointmentView) -> dict[str, str]:
        """From this desk's sends as last read (off the UI loop), and Cliniko's memos."""
        state = self.screen.state
        return sent_notes(view, state.sent.of(view.id), state.day.team_sends if state.day else {}, self.screen.when)

    async def _audit(self, action: str, view: AppointmentView, attendee: AttendeeView) -> bool:
        user = self.screen.user
        try:
            await asyncio.to_thread(
                self.session.audit.record,
                action,
                user_id=user.id if user else None,
                user_name=user.name if user else None,
                appointment_id=view.id,
                attendee_id=attendee.attendee.id,
                link_role="patient",
                link_fingerprint=attendee.link.fingerprint(),
                patient_id=attendee.attendee.patient_id,
            )
        except AuditUnavailable as exc:
            verb = {"reveal": "revealed", "copy": "copied"}[action]
            self.screen.say(f"Patient link not {verb}: {exc.message}", title="Audit log", severity="error", timeout=10)
            return False
        return True

    def reveal(self, view: AppointmentView | None, chosen: AttendeeView | None) -> None:
        if view is None or chosen is None or chosen.link is None:
            why = f": {NOT_A_PATIENT_LINK}" if chosen is not None and chosen.link_problem else "."
            self.screen.say(ours(f"No patient link to reveal here{why}"), severity="warning")
            return
        self._off_the_loop(partial(self._reveal, view, chosen), "record a reveal")

    async def _reveal(self, view: AppointmentView, chosen: AttendeeView) -> None:
        if await self._audit("reveal", view, chosen):
            self.screen.post_message(RevealRecorded(view.id, chosen.attendee.id, self.session.config.ui.reveal_seconds))

    def copy_patient(self, view: AppointmentView | None, chosen: AttendeeView | None) -> None:
        if view is None or chosen is None:
            self.screen.say(ours("No patient link here to copy."), severity="warning")
            return
        decision = view.decision(chosen, self.session.clock())
        if not decision.copyable or chosen.link is None:
            self.screen.say(f"Patient link not copied: {decision.copy_reason}", severity="warning")
            return
        self._off_the_loop(partial(self._copy_patient, view, chosen), "copy a patient link")

    async def _route(self, which: str) -> ClipboardRoute | None:
        """Where a copy would go (tmux is asked in a thread, not on the key
        press); None, having said why, when it cannot reach the clipboard."""
        route = await asyncio.to_thread(clipboard_route)
        if route.reaches is False:
            self.screen.say(f"{which} link NOT copied: {route.words}", title="Not copied", severity="error",
                            timeout=15)
            return None
        return route

    async def _copy_patient(self, view: AppointmentView, chosen: AttendeeView) -> None:
        route = await self._route(ours("Patient"))
        if route is None or not await self._audit("copy", view, chosen):
            return
        self.screen.app.copy_to_clipboard(chosen.link.url)
        self.screen.say(f"The PATIENT link for {self.screen.who(chosen.name)} (anyone with it can join) was "
                        f"{route.words}", title="Copy", timeout=10)

    def copy_practitioner(self, view: AppointmentView | None) -> None:
        link = view.practitioner_link if view else None
        if link is None:
            refused = view is not None and view.practitioner_link_refused
            self.screen.say(NOT_A_PRACTITIONER_LINK if refused else "No practitioner link here to copy.",
                            severity="warning")
            return
        self._off_the_loop(partial(self._copy_practitioner, view, link), "copy a practitioner link")

    async def _copy_practitioner(self, view: AppointmentView, link: PractitionerLink) -> None:
        route = await self._route("Practitioner")
        if route is None:
            return
        self.screen.app.copy_to_clipboard(link.url)
        note = "" if view.telehealth == "on" else " Telehealth is off for this type, so it leads nowhere."
        self.screen.say(f"The PRACTITIONER / ADMIN link (needs a Cliniko login) was {route.words}{note}",
                        title="Copy", timeout=10)
