"""One line for notifications where toasts would cover the send state (a
short terminal): the newest message, unless a more serious one is still
within its time. Severity is in words and marks, never only in colour."""

from __future__ import annotations

import time

from rich.text import Text
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget

from frontdesk.safe_text import clean

MARKS = {"error": "✕ ", "warning": "! ", "information": ""}
RANK = {"information": 0, "warning": 1, "error": 2}


class StatusLine(Widget):
    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; }
    """

    said: reactive[str] = reactive("")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._severity = "information"
        self._until = 0.0
        self._clear: Timer | None = None

    def say(self, message: str, *, title: str = "", severity: str = "information", timeout: float = 5) -> None:
        now = time.monotonic()
        if now < self._until and RANK.get(severity, 0) < RANK.get(self._severity, 0):
            return  # an error still being read is not pushed off by a lesser note
        self._severity, self._until = severity, now + timeout
        self.said = MARKS.get(severity, "") + (f"{clean(title)}: " if title else "") + clean(message)
        if self._clear is not None:
            self._clear.stop()
        self._clear = self.set_timer(timeout, self.forget)

    def forget(self) -> None:
        self._clear = None
        self._until = 0.0
        self.said = ""

    def render(self) -> Text:
        return Text(" ".join(self.said.split()), no_wrap=True, overflow="ellipsis",
                    style="bold" if self._severity != "information" else "")
