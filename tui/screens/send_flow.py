"""Sending a patient link from the console: the confirmation (its words
planned by frontdesk.services.send_plan), the check for earlier sends, the
send worker and its results.

The decision whether a send may be offered is the view's one door
(``AppointmentView.decision``); the delivery service decides again, fresh
from Cliniko, and is the authority. The flow only asks and reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.message import Message

from frontdesk.domain.terms import ours
from frontdesk.domain.contact import CHANNEL_WORDS, Channel
from frontdesk.domain.eligibility import SendEligibility
from frontdesk.screens.console import Host
from frontdesk.screens.send import ResultsScreen, SendChoice, SendConfirmScreen
from frontdesk.services.day import AppointmentView, AttendeeView
from frontdesk.services.failure import failure_words
from frontdesk.services.send_plan import PreviousNote, SendPlan, previous_note, send_plan


@dataclass
class SendStarted(Message):
    """Staff confirmed: the link panel says "Sending…" until SendFinished."""


@dataclass
class SendFinished(Message):
    results: list[tuple[str, str, bool]]  # (who, outcome, ok)
    single: bool


class SendFlow:
    """One per console screen; it asks the screen to show names (``who``),
    times (``when``) and notifications (``say``) as everything else is shown."""

    def __init__(self, screen: Host) -> None:
        self.screen = screen
        self.session = screen.session
        self.sending = False

    def _say(self, text: str, **options) -> None:
        self.screen.say(text, **options)

    def start(self, view: AppointmentView | None, chosen: AttendeeView | None) -> None:
        if self.sending:
            self._say("A send is already in progress.", severity="warning")
            return
        delivery = self.session.delivery
        if view is None or delivery is None:
            self._say("Choose an appointment first.", severity="warning")
            return
        decision = view.decision(chosen, self.session.clock(), delivery.configured())
        if not decision.allowed or chosen is None:
            self._say(f"Not sent: {decision.reason}", severity="warning")
            return
        check = partial(self.previous_note, view, chosen)
        self.screen.app.push_screen(SendConfirmScreen(self.plan(view, chosen, decision), check),
                                    partial(self._confirmed, view, chosen))

    def plan(self, view: AppointmentView, chosen: AttendeeView, decision: SendEligibility) -> SendPlan:
        delivery = self.session.delivery

        def preview(channel: Channel) -> str:
            return delivery.preview(channel, chosen.patient, view.appointment, view.practitioner_name, view.business,
                                    chosen.link.masked(), private=self.screen.privacy)

        return send_plan(view, chosen, decision, self._group(view) if view.kind == "group" else [], preview,
                         self.screen.who)

    def _group(self, view: AppointmentView) -> list[tuple[AttendeeView, SendEligibility]]:
        """Each attendee, with whether (and how) a send would reach them."""
        now, configured = self.session.clock(), self.session.delivery.configured()
        return [(attendee, view.decision(attendee, now, configured)) for attendee in view.attendees]

    async def previous_note(self, view: AppointmentView, chosen: AttendeeView) -> PreviousNote:
        """Earlier sends of this link, from this desk's log and Cliniko's
        memos (other desks), in words for the confirmation."""
        found = await self.session.delivery.previous_sends(
            chosen.link, chosen.attendee.patient_id, view.appointment.created_at)
        return previous_note(found, view, self.screen.when)

    def _confirmed(self, view: AppointmentView, chosen: AttendeeView, choice: SendChoice | None) -> None:
        if choice is None or self.sending:
            return
        targets, skipped = [chosen], []
        if choice.everyone:
            group = self._group(view)
            targets = [a for a, decision in group if decision.allowed]
            skipped = [(self.screen.who(a.name), f"not sent: {decision.reason}", False)
                       for a, decision in group if not decision.allowed]
        self.sending = True
        self.screen.post_message(SendStarted())
        self.screen.run_worker(self._send(view, targets, choice, skipped), group="send", exit_on_error=False,
                               description="send patient links")

    async def _send(self, view: AppointmentView, targets: list[AttendeeView], choice: SendChoice,
                    skipped: list[tuple[str, str, bool]]) -> None:
        delivery = self.session.delivery
        now = self.session.clock()
        results: list[tuple[str, str, bool]] = []
        for attendee in targets:
            who = self.screen.who(attendee.name)
            decision = view.decision(attendee, now, delivery.configured())
            channel = decision.channel_for(choice.channel)
            if channel is None:
                results.append((who, f"not sent: {decision.reason}", False))
                continue
            try:
                outcome = await delivery.send(
                    attendee.link, channel, kind=view.kind, practitioner=view.practitioner_name,
                    confirm_repeat=choice.confirm_repeat or choice.everyone,
                )
            except Exception as exc:  # noqa: BLE001 - a result line, never a crash
                results.append((who, failure_words(exc, "send the link"), False))
            else:
                text = f"sent by {CHANNEL_WORDS[outcome.channel]} to {outcome.recipient}"
                if outcome.memo_error:
                    text += f". {outcome.memo_error}"
                results.append((who, text, outcome.memo_error is None))
        self.screen.post_message(SendFinished(results + skipped, single=not choice.everyone))

    def finished(self, message: SendFinished) -> None:
        self.sending = False
        if message.single and len(message.results) == 1:
            who, outcome, ok = message.results[0]
            sent = outcome.startswith("sent")
            self._say(
                f"Patient link for {who}: {outcome}" if sent else outcome,
                title="Sent" if sent else "Not sent",
                severity="information" if ok else ("warning" if sent else "error"),
                timeout=10,
            )
            return
        sent = sum(1 for _, outcome, _ in message.results if outcome.startswith("sent"))
        self.screen.app.push_screen(ResultsScreen(ours(f"Sent {sent} of {len(message.results)} patient links"),
                                                  [(w, o) for w, o, _ in message.results]))
