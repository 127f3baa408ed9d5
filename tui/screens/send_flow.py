"""Sending a patient link from the console: the plan shown for
confirmation, the check for earlier sends, the send worker and its results.

The decision whether a send may be offered is the view's one door
(``AppointmentView.decision``); the delivery service decides again, fresh
from Cliniko, and is the authority. The flow only asks and reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.message import Message

from frontdesk.domain.terms import ours
from frontdesk.domain.clock import clock_time, weekday_date
from frontdesk.domain.contact import CHANNEL_WORDS, recipient_for
from frontdesk.domain.eligibility import SendEligibility
from frontdesk.domain.timezones import patient_clock
from frontdesk.screens.console import Host
from frontdesk.domain.wording import reminder_flags
from frontdesk.services.team_log import cliniko_sent_words
from frontdesk.screens.send import (
    ChannelOption,
    GroupRecipient,
    PreviousNote,
    ResultsScreen,
    SendChoice,
    SendConfirmScreen,
    SendPlan,
)
from frontdesk.services.day import AppointmentView, AttendeeView
from frontdesk.services.failure import failure_words
from frontdesk.services.row_marks import for_view, from_entry, from_memo, send_words


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
        patient = chosen.patient
        appt = view.appointment
        country = view.business.country_code if view.business else None
        options = [
            ChannelOption(channel, recipient_for(patient, channel, country).masked(),
                          delivery.preview(channel, patient, appt, view.practitioner_name, view.business,
                                           chosen.link.masked(), private=self.screen.privacy))
            for channel in decision.channels
        ]
        clinic = f"{view.local_start}–{view.local_end} {weekday_date(appt.starts_at.astimezone(view.zone).date())} ({view.zone.key})"
        theirs = patient_clock(patient.time_zone, view.zone, appt.starts_at)
        patient_time = f"({theirs.words})"
        if theirs.zone is not None:
            at = appt.starts_at.astimezone(theirs.zone)
            patient_time = f"{clock_time(at)} {weekday_date(at.date())} ({theirs.zone.key})"
        group_in: list[GroupRecipient] = []
        group_out: list[tuple[str, str]] = []
        if view.kind == "group":
            for attendee, them in self._group(view):
                if them.allowed:
                    addresses = {c: recipient_for(attendee.patient, c, country).masked() for c in them.channels}
                    group_in.append(GroupRecipient(self.screen.who(attendee.name), addresses, them))
                else:
                    group_out.append((self.screen.who(attendee.name), them.reason))
        return SendPlan(
            patient=self.screen.who(chosen.name),
            clinic_time=clinic,
            patient_time=patient_time,
            practitioner=view.practitioner_name,
            options=options,
            default=decision.default_channel or decision.channels[0],
            group_in=group_in,
            group_out=group_out,
        )

    def _group(self, view: AppointmentView) -> list[tuple[AttendeeView, SendEligibility]]:
        """Each attendee, with whether (and how) a send would reach them."""
        now, configured = self.session.clock(), self.session.delivery.configured()
        return [(attendee, view.decision(attendee, now, configured)) for attendee in view.attendees]

    async def previous_note(self, view: AppointmentView, chosen: AttendeeView) -> PreviousNote:
        """Earlier sends of this link, from this desk's log and Cliniko's
        memos (other desks), in words for the confirmation."""
        found = await self.session.delivery.previous_sends(
            chosen.link, chosen.attendee.patient_id, view.appointment.created_at)
        lines: list[str] = []
        sent = from_entry(found.local) if found.local is not None else \
            from_memo(found.team) if found.team is not None else None
        if sent is not None:
            lines.append(send_words(for_view(sent, view), self.screen.when) + ".")
        appointment = view.appointment
        if view.kind == "individual":
            lines.append(f"Cliniko's own reminders: {reminder_flags(appointment.email_reminder_sent, appointment.sms_reminder_sent)}.")
        if found.cliniko:
            lines.append(f"Cliniko sent: {cliniko_sent_words(found.cliniko, self.screen.when)} (may carry the link).")
        if found.audit_error:
            lines.append(f"{found.audit_error}: a send from this desk would not show here.")
        if found.log_error:
            lines.append(f"{found.log_error}: a send from another desk would not show here.")
        return PreviousNote(lines, repeat=found.local is not None or found.team is not None)

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
