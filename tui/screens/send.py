"""Confirm a send, then show what happened."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from frontdesk.domain.terms import ours
from frontdesk.domain.contact import CHANNEL_WORDS, Channel
from frontdesk.safe_text import clean, clean_lines
from frontdesk.screens.worker_net import WorkerNet
from frontdesk.services.failure import failure_words
from frontdesk.services.send_plan import ChannelOption, PreviousNote, SendPlan


@dataclass(frozen=True)
class SendChoice:
    channel: Channel
    everyone: bool
    confirm_repeat: bool


class SendConfirmScreen(WorkerNet, ModalScreen[SendChoice | None]):
    BINDINGS = [
        Binding("y,enter", "confirm", "Send", id="confirm-send", tooltip="Send the patient link"),
        Binding("n,escape", "cancel", "Cancel", id="cancel-send", tooltip="Close without sending"),
        Binding("m", "switch_channel", "Email/SMS", id="switch-channel", tooltip="Switch between email and SMS"),
        Binding("a", "toggle_all", "All attendees", id="all-attendees", tooltip="Group: send to every eligible attendee"),
    ]

    def __init__(self, plan: SendPlan, check: Callable[[], Awaitable[PreviousNote]]) -> None:
        super().__init__()
        self.plan = plan
        self.check = check
        #: None while this desk's log and Cliniko's memos are being read
        self.previous: PreviousNote | None = None
        self.channel = plan.default
        self.everyone = False
        self.armed = False  # second confirmation for a repeat send

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="send-dialog"):
            yield Static(id="send-keys")
            with VerticalScroll(id="send-body"):  # long groups scroll; the keys stay in view
                yield Static(id="send-summary")
                with VerticalScroll(id="send-preview-box"):
                    yield Static(id="send-preview")

    def on_mount(self) -> None:
        self._draw()
        self._check_previous()

    @work(group="previous-sends", exclusive=True, exit_on_error=False)
    async def _check_previous(self) -> None:
        try:
            self.previous = await self.check()
        except Exception as exc:  # noqa: BLE001 - a failed check asks, never blocks
            words = failure_words(exc, "check earlier sends")
            self.previous = PreviousNote([f"Earlier sends could not be checked: {words}"], repeat=False)
        self._draw()

    def _option(self) -> ChannelOption:
        return next(o for o in self.plan.options if o.channel == self.channel)

    def _draw(self) -> None:
        p = self.plan
        option = self._option()
        text = Text()

        def row(label: str, value: str) -> None:
            text.append(f"{label:<15}", style="bold")
            text.append(clean(value) + "\n")

        if self.everyone:
            row(ours("Patients"), f"{p.group_eligible} of {p.group_eligible + len(p.group_out)} attendees, "
                            "each checked again and sent separately:")
            for r in p.group_in:
                channel = r.channel_for(self.channel)
                text.append(f"  ✓ {clean(r.name)} — {CHANNEL_WORDS[channel]} to {clean(r.addresses[channel])}\n")
            if p.group_out:
                text.append("Not sent to\n", style="bold")
                for name, why in p.group_out:
                    text.append(f"  ✕ {clean(name)}: {clean(why)}\n")
        else:
            row(ours("Patient"), p.patient)
        row("Time (clinic)", p.clinic_time)
        row(ours("Time (patient)"), "each attendee's own zone where their record has one, else the clinic's"
            if self.everyone else p.patient_time)
        row("Practitioner", p.practitioner)
        switch = " (m to switch)" if len(p.options) > 1 else ""
        if not self.everyone:
            row("Channel", CHANNEL_WORDS[self.channel] + switch)
            row("To", option.recipient)
        elif len({r.channel_for(self.channel) for r in p.group_in}) == 1:
            row("Channel", CHANNEL_WORDS[p.group_in[0].channel_for(self.channel)] + switch)
        else:
            row("Channel", f"each as listed above: {CHANNEL_WORDS[self.channel]} where it reaches them{switch}")
        row("Link", ours("Patient link (anyone with it can join)"))
        if self.previous is None:
            text.append("\nChecking whether it was already sent (this desk and Cliniko's log)…\n", style="italic")
        else:
            for n, line in enumerate(self.previous.lines):
                text.append("\n" + clean(line).rstrip("."), style="bold")
                if n == 0 and self.armed:
                    text.append(" — press y again to resend", style="bold reverse")
            text.append("\n")
        text.rstrip()
        self.query_one("#send-summary", Static).update(text)
        preview = "\n".join(clean_lines(option.preview))
        self.query_one("#send-preview", Static).update(Text("Message preview\n", style="bold") + Text(preview))
        keys = "y / enter send · n / esc cancel"
        if len(p.options) > 1:
            keys += " · m email/SMS"
        if p.group_eligible > 1:
            keys += " · a all eligible attendees" if not self.everyone else " · a just this attendee"
        title = Text(ours("Send the PATIENT LINK to the patient\n"), style="bold")
        self.query_one("#send-keys", Static).update(title + Text(keys, style="dim"))

    def action_confirm(self) -> None:
        if self.previous is None:
            self.notify("Still checking whether it was already sent…", severity="warning", markup=False)
            return
        if self.previous.repeat and not self.armed:
            self.armed = True
            self._draw()
            return
        self.dismiss(SendChoice(self.channel, self.everyone, confirm_repeat=self.previous.repeat))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_switch_channel(self) -> None:
        channels = [o.channel for o in self.plan.options]
        if len(channels) > 1:
            self.channel = channels[(channels.index(self.channel) + 1) % len(channels)]
            self.armed = False
            self._draw()

    def action_toggle_all(self) -> None:
        if self.plan.group_eligible > 1:
            self.everyone = not self.everyone
            self._draw()


class ResultsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,q", "dismiss", "Close", id="results-close")]

    def __init__(self, title: str, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows

    def compose(self) -> ComposeResult:
        text = Text()
        text.append(self.title_text + "\n\n", style="bold")
        for who, outcome in self.rows:
            text.append(f"{clean(who)}: ", style="bold")
            text.append(clean(outcome) + "\n")
        text.append("\nenter or esc to close", style="dim")
        with VerticalScroll(classes="dialog", id="results"):
            yield Static(text)
