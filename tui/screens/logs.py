"""Read-only lists: the outbox (what was delivered) and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from frontdesk.domain.terms import ours
from frontdesk.domain.clock import date_and_time
from frontdesk.domain.contact import CHANNEL_WORDS
from frontdesk.services.audit import AuditEntry, outcome_words
from frontdesk.services.session import OutboxItem
from frontdesk.widgets.text import clean

ACTION_WORDS = {"reveal": "revealed", "copy": "copied", "send": "sent", "memo": "memo"}


class OutboxScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,o,q", "dismiss", "Close", id="outbox-close")]

    def __init__(self, items: list[OutboxItem], demo: bool, zone: ZoneInfo | None,
                 who: Callable[[str], str], *, private: bool = False) -> None:
        super().__init__()
        #: privacy on: a message's text names the patient, so it is not shown
        self.private = private
        self.items = items
        self.demo = demo
        self.zone = zone
        self.who = who  # a patient's name as shown (initials on a shared screen)

    def compose(self) -> ComposeResult:
        text = Text()
        title = "Outbox — delivered in this demo" if self.demo else "Outbox — sends recorded in the audit log"
        text.append(title + "\n", style="bold")
        text.append(ours("Newest first. Recipients and patient links are masked here.\n\n"), style="dim")
        if not self.items:
            text.append("Nothing delivered yet. Choose a Telehealth appointment and press s.\n")
        for n, item in enumerate(self.items, 1):
            when = ""
            if item.at is not None:
                local = item.at.astimezone(self.zone) if self.zone else item.at
                when = f" · {date_and_time(local)} {local.tzname() or ''}".rstrip()
            text.append(f"{n}. {CHANNEL_WORDS.get(item.channel, item.channel.upper())} to {clean(item.to)} · {self.who(item.patient)}{when}\n",
                        style="bold")
            if item.subject:
                text.append(f"   {clean(item.subject)}\n")
            if self.private and self.demo:
                text.append("   (message text hidden while names show as initials)\n", style="dim")
            else:
                for line in item.body.splitlines():
                    text.append(f"   {clean(line)}\n", style="dim" if not line.strip() else "")
            text.append("\n")
        text.append("esc to close", style="dim")
        with VerticalScroll(classes="dialog", id="outbox"):
            yield Static(text)


class AuditScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,a,q", "dismiss", "Close", id="audit-close")]

    def __init__(self, title: str, entries: list[AuditEntry], zone: ZoneInfo, names: dict[str, str]) -> None:
        super().__init__()
        self.title_text = title
        self.entries = entries
        self.zone = zone
        self.names = names

    def compose(self) -> ComposeResult:
        text = Text()
        text.append(f"Audit log — {clean(self.title_text)}\n", style="bold")
        text.append("Newest first. Links are recorded only as fingerprints.\n\n", style="dim")
        if not self.entries:
            text.append("No reveals, copies, sends or arrivals recorded for this appointment.\n")
        for e in self.entries:
            when = date_and_time(e.at.astimezone(self.zone))
            who = clean(e.user_name or "unknown user")
            patient = clean(self.names.get(e.attendee_id or "", "attendee " + (e.attendee_id or "?")))
            line = f"{when}  {who} {ACTION_WORDS.get(e.action, e.action)} {ours('the patient link')} of {patient}"
            if e.action == "arrival":
                line = f"{when}  {who} marked {patient}: {e.detail}" + ("" if e.outcome == "ok" else f" ({e.outcome})")
            elif e.action == "send":
                verb = "sent" if (e.outcome or "").startswith("sent") else \
                    "began sending" if e.unfinished or e.outcome == "sending" else "tried to send"
                line = f"{when}  {who} {verb} {ours('the patient link')} of {patient}"
                line += f" by {CHANNEL_WORDS.get(e.channel or '', e.channel)} to {e.recipient or '(not yet known)'}" \
                        f": {outcome_words(e)}"
                if e.memo_id:
                    line += f" (memo {e.memo_id})"
            text.append(clean(line) + "\n")
        text.append("\nesc to close", style="dim")
        with VerticalScroll(classes="dialog", id="audit"):
            yield Static(text)
