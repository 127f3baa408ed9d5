"""The screen lock: it covers everything (names and links). Without a PIN
any key lifts it; with one (`frontdesk set-pin`, or the set-up screen)
unlocking needs the PIN, and 5 wrong tries end the session: the app exits
and nothing is lost (Cliniko holds the day; the audit log is on disk)."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from frontdesk.services.pin import PinLock

TRIES = 5
LOCKED_OUT = "frontdesk was locked and closed after 5 wrong PINs. Nothing was lost: start it again."


class LockScreen(Screen[None]):
    def __init__(self, pin: PinLock | None) -> None:
        super().__init__()
        self.pin = pin if pin is not None and pin.is_set() else None
        self.wrong = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box"):
            if self.pin is None:
                yield Static(Text("frontdesk is locked\n\nPress any key to continue", justify="center",
                                  style="bold"), id="lock-message")
            else:
                yield Static(Text("frontdesk is locked\n\nType your PIN and press enter", justify="center",
                                  style="bold"), id="lock-message")
                yield Input(password=True, restrict=r"[0-9]*", max_length=8, id="pin", placeholder="PIN")
                yield Static("", id="lock-status")

    def on_mount(self) -> None:
        if self.pin is not None:
            self.query_one("#pin", Input).focus()

    def on_key(self, event: events.Key) -> None:
        if self.pin is None:
            event.stop()
            self.dismiss(None)

    def on_click(self, _: events.Click) -> None:
        if self.pin is None:
            self.dismiss(None)

    @on(Input.Submitted, "#pin")
    def _try(self, event: Input.Submitted) -> None:
        assert self.pin is not None
        if not event.value:
            return  # nothing typed: not a try
        if self.pin.verify(event.value):
            self.dismiss(None)
            return
        self.wrong += 1
        event.input.value = ""
        if self.wrong >= TRIES:
            self.app.exit(return_code=5, message=LOCKED_OUT)
            return
        left = TRIES - self.wrong
        words = f"Wrong PIN ({self.wrong} of {TRIES}); {left} more and frontdesk closes."
        if self.pin.damaged():
            words = (f"The PIN file {self.pin.path.name} is damaged, so no PIN can unlock ({self.wrong} of {TRIES}). "
                     "Run frontdesk set-pin to set a new one.")
        self.query_one("#lock-status", Static).update(Text(words, justify="center"))
