"""First-run set-up: API key (masked), contact email, optional address;
checked with ``GET /user`` before anything is saved (0600)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from tui.cliniko.client import ClinikoClient
from tui.cliniko.errors import ClinikoError
from tui.cliniko.shard import parse_key
from tui.config import Config, save_config
from tui.redact import key_hint, scrub


@dataclass
class CheckResult(Message):
    ok: bool
    text: str
    candidate: Config | None


class SetupScreen(Screen[Config]):
    """Dismissed with the saved config once the key has been checked."""

    BINDINGS = [Binding("ctrl+s", "save", "Save", id="setup-save", tooltip="Save the checked settings")]

    def __init__(self, config: Config, path: Path) -> None:
        super().__init__()
        self.config = config
        self.path = path
        self.checked: Config | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="setup", classes="dialog"):
            yield Static(Text("Connect frontdesk to Cliniko", style="bold"))
            yield Static(
                "Paste your own Cliniko API key (My info → Manage API keys). It is stored only in "
                "your private config file and never shown again."
            )
            yield Label("API key")
            yield Input(password=True, id="api-key", placeholder="your Cliniko API key")
            yield Label("Contact email (Cliniko requires it for API clients)")
            yield Input(value=self.config.cliniko.contact_email or "", id="contact", placeholder="it@clinic.example")
            yield Label("Cliniko address (leave empty: taken from the key)")
            yield Input(value=self.config.cliniko.base_url or "", id="base-url", placeholder="https://api.au1.cliniko.com/v1")
            with Horizontal(id="setup-buttons"):
                yield Button("Check key", id="check", compact=True)
                yield Button("Save and open", id="save", disabled=True, compact=True)
            yield Static(id="setup-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#api-key", Input).focus()

    def _candidate(self) -> Config:
        key = self.query_one("#api-key", Input).value.strip()
        contact = self.query_one("#contact", Input).value.strip()
        base = self.query_one("#base-url", Input).value.strip() or None
        cliniko = self.config.cliniko.model_copy(update={"api_key": key, "contact_email": contact, "base_url": base})
        return self.config.model_copy(update={"cliniko": cliniko})

    @on(Input.Changed)
    def _changed(self) -> None:
        self.checked = None
        self.query_one("#save", Button).disabled = True

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_check()

    @on(Button.Pressed, "#check")
    def action_check(self) -> None:
        self.query_one("#setup-status", Static).update("Checking with Cliniko…")
        self._check(self._candidate())

    @work(group="setup-check", exclusive=True, exit_on_error=False)
    async def _check(self, candidate: Config) -> None:
        key = candidate.cliniko.api_key or ""
        client = None
        try:
            client = ClinikoClient(key, candidate.cliniko.contact_email, base_url=candidate.cliniko.base_url, retries=1)
            user = await client.current_user()
            shard = parse_key(key).shard
            text = f"Signed in as {user.name} ({user.role or 'unknown role'}), shard {shard}, key {key_hint(key)}."
            self.post_message(CheckResult(True, text, candidate))
        except ClinikoError as exc:
            self.post_message(CheckResult(False, scrub(str(exc), key), None))
        except Exception as exc:  # noqa: BLE001
            self.post_message(CheckResult(False, f"Could not check the key ({type(exc).__name__}).", None))
        finally:
            if client is not None:
                await client.aclose()

    def on_check_result(self, message: CheckResult) -> None:
        status = self.query_one("#setup-status", Static)
        if message.ok:
            self.checked = message.candidate
            status.update(Text(message.text + " Press “Save and open” (ctrl+s).", style="bold"))
            save = self.query_one("#save", Button)
            save.disabled = False
            save.focus()
        else:
            self.checked = None
            self.query_one("#save", Button).disabled = True
            status.update(Text(f"Not saved: {message.text}"))

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.checked is None:
            self.query_one("#setup-status", Static).update("Check the key first.")
            return
        save_config(self.checked, self.path)
        self.dismiss(self.checked)
