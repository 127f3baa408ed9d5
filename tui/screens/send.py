"""Confirm a send, then show what happened."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.domain.contact import CHANNEL_WORDS, Channel
from widgets.text import plain


@dataclass(frozen=True)
class ChannelOption:
    channel: Channel
    recipient: str  # masked
    preview: str  # token masked


@dataclass(frozen=True)
class SendPlan:
    patient: str
    clinic_time: str
    patient_time: str | None
    practitioner: str
    options: list[ChannelOption]
    default: Channel
    previous: str | None  # "24 Nov 10:02 UTC by Rosa Delgado"
    group_eligible: int  # eligible attendees in the group; 0 for an individual


@dataclass(frozen=True)
class SendChoice:
    channel: Channel
    everyone: bool
    confirm_repeat: bool


class SendConfirmScreen(ModalScreen[SendChoice | None]):
    BINDINGS = [
        Binding("y,enter", "confirm", "Send", id="confirm-send", tooltip="Send the patient link"),
        Binding("n,escape", "cancel", "Cancel", id="cancel-send", tooltip="Close without sending"),
        Binding("m", "switch_channel", "Email/SMS", id="switch-channel", tooltip="Switch between email and SMS"),
        Binding("a", "toggle_all", "All attendees", id="all-attendees", tooltip="Group: send to every eligible attendee"),
    ]

    def __init__(self, plan: SendPlan) -> None:
        super().__init__()
        self.plan = plan
        self.channel = plan.default
        self.everyone = False
        self.armed = False  # second confirmation for a repeat send

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="send-dialog"):
            yield Static(id="send-keys")
            yield Static(id="send-summary")
            with VerticalScroll(id="send-preview-box"):
                yield Static(id="send-preview")

    def on_mount(self) -> None:
        self._draw()

    def _option(self) -> ChannelOption:
        return next(o for o in self.plan.options if o.channel == self.channel)

    def _draw(self) -> None:
        p = self.plan
        option = self._option()
        text = Text()

        def row(label: str, value: str) -> None:
            text.append(f"{label:<14}", style="bold")
            text.append(plain(value) + "\n")

        if self.everyone:
            row("Patients", f"all {p.group_eligible} eligible attendees, each checked and sent separately")
        else:
            row("Patient", p.patient)
        row("Time (clinic)", p.clinic_time)
        if p.patient_time:
            row("Time (patient)", p.patient_time)
        row("Practitioner", p.practitioner)
        row("Channel", CHANNEL_WORDS[self.channel] + (" (m to switch)" if len(p.options) > 1 else ""))
        row("To", "each attendee's own contact" if self.everyone else option.recipient)
        row("Link", "Patient link (anyone with it can join)")
        if p.previous:
            text.append(f"\nAlready sent {p.previous}.\n", style="bold")
            if self.armed:
                text.append("Press y again to send it a second time.\n", style="bold reverse")
        text.rstrip()
        self.query_one("#send-summary", Static).update(text)
        self.query_one("#send-preview", Static).update(Text("Message preview\n", style="bold") + Text(option.preview))
        keys = "y / enter send · n / esc cancel"
        if len(p.options) > 1:
            keys += " · m email/SMS"
        if p.group_eligible > 1:
            keys += " · a all eligible attendees" if not self.everyone else " · a just this attendee"
        title = Text("Send the PATIENT LINK to the patient\n", style="bold")
        self.query_one("#send-keys", Static).update(title + Text(keys, style="dim"))

    def action_confirm(self) -> None:
        if self.plan.previous and not self.armed:
            self.armed = True
            self._draw()
            return
        self.dismiss(SendChoice(self.channel, self.everyone, confirm_repeat=bool(self.plan.previous)))

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
            text.append(f"{plain(who)}: ", style="bold")
            text.append(plain(outcome) + "\n")
        text.append("\nenter or esc to close", style="dim")
        with VerticalScroll(classes="dialog", id="results"):
            yield Static(text)
