"""A yes/no question that must be answered before anything is written
(A and D on an appointment that has not started or ended). y answers yes;
n or esc leaves everything as it was."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from frontdesk.safe_text import clean


class AskFirst(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="ask-yes", tooltip="Yes: do it"),
        Binding("n,escape", "answer(False)", "No", id="ask-no", tooltip="No: nothing is written"),
    ]

    def __init__(self, question: str, detail: str) -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="ask"):
            yield Static(Text(clean(self.question), style="bold"))
            yield Static(Text(clean(self.detail)))
            yield Static(Text("y: yes · n or esc: no, nothing is written", style="bold"))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
