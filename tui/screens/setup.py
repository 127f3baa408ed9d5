"""First-run set-up: API key (masked), contact email, optional address, and
the optional email/SMS channels; checked (``GET /user``, an SMTP login
without sending, the SMS credential format) before anything is saved (0600)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr
from pydantic import ValidationError as PydanticValidationError
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from tui.config import Config, EmailSection, SMSSection, save_config
from tui.services.checks import check_settings


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
        email = self.config.email
        sms = self.config.sms
        with VerticalScroll(id="setup", classes="dialog"):
            yield Static(Text("Connect frontdesk to Cliniko", style="bold"))
            yield Static(
                "Paste your own Cliniko API key (My info → Manage API keys). It is stored only in "
                "your private config file and never shown again. Press enter to check the "
                "settings, then ctrl+s to save (tab moves between fields)."
            )
            yield Label("API key")
            yield Input(password=True, id="api-key", placeholder="your Cliniko API key")
            yield Label("Contact email (Cliniko requires it for API clients)")
            yield Input(value=self.config.cliniko.contact_email or "", id="contact", placeholder="it@clinic.example")
            yield Label("Cliniko address (leave empty: taken from the key)")
            yield Input(value=self.config.cliniko.base_url or "", id="base-url", placeholder="https://api.au1.cliniko.com/v1")
            yield Static(Text("Email delivery (optional)", style="bold"))
            yield Label("SMTP server and port")
            with Horizontal(classes="pair"):
                yield Input(value=email.host if email else "", id="smtp-host", placeholder="smtp.clinic.example")
                yield Input(value=str(email.port) if email else "587", id="smtp-port", type="integer")
            yield Label("Security")
            yield Select(
                [("STARTTLS (port 587)", "starttls"), ("TLS (port 465)", "tls"), ("None (this machine only)", "none")],
                value=email.security if email else "starttls", allow_blank=False, id="smtp-security",
            )
            yield Label("SMTP username, and password (kept only in your 0600 config file)")
            with Horizontal(classes="pair"):
                yield Input(value=(email.username or "") if email else "", id="smtp-user", placeholder="username")
                yield Input(password=True, id="smtp-password", placeholder="password")
            yield Label("From address")
            yield Input(value=email.from_address if email else "", id="smtp-from", placeholder="reception@clinic.example")
            yield Static(Text("SMS delivery through Twilio (optional)", style="bold"))
            yield Label("Account SID and auth token (the token is kept only in your 0600 config file)")
            with Horizontal(classes="pair"):
                yield Input(value=sms.account_sid if sms else "", id="sms-sid", placeholder="AC…")
                yield Input(password=True, id="sms-token", placeholder="auth token")
            yield Label("Sender number (E.164)")
            yield Input(value=sms.from_number if sms else "", id="sms-from", placeholder="+61400000000")
            with Horizontal(id="setup-buttons"):
                yield Button("Check key", id="check", compact=True)
                yield Button("Save and open", id="save", disabled=True, compact=True)
            yield Static(id="setup-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#api-key", Input).focus()

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def _candidate(self) -> Config:
        """The settings on screen; raises ValueError naming what is wrong."""
        key = self._value("#api-key")
        contact = self._value("#contact")
        base = self._value("#base-url") or None
        cliniko = self.config.cliniko.model_copy(
            update={"api_key": SecretStr(key) if key else None, "contact_email": contact, "base_url": base})
        update: dict[str, object] = {"cliniko": cliniko}
        try:
            update["email"] = self._email()
            update["sms"] = self._sms()
        except PydanticValidationError as exc:
            fields = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise ValueError(fields) from None
        return self.config.model_copy(update=update)

    def _email(self) -> EmailSection | None:
        host = self._value("#smtp-host")
        if not host:
            return None
        previous = self.config.email
        typed = self._value("#smtp-password")
        password = SecretStr(typed) if typed else (previous.password if previous else None)
        return EmailSection(
            host=host,
            port=int(self._value("#smtp-port") or 587),
            security=self.query_one("#smtp-security", Select).value,
            username=self._value("#smtp-user") or None,
            password=password,
            password_env=previous.password_env if previous else None,
            from_address=self._value("#smtp-from"),
        )

    def _sms(self) -> SMSSection | None:
        sid = self._value("#sms-sid")
        if not sid:
            return None
        previous = self.config.sms
        typed = self._value("#sms-token")
        token = SecretStr(typed) if typed else (previous.auth_token if previous else None)
        extra = {"base_url": previous.base_url} if previous else {}
        return SMSSection(
            account_sid=sid,
            auth_token=token,
            auth_token_env=previous.auth_token_env if previous else None,
            from_number=self._value("#sms-from"),
            **extra,
        )

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.checked = None
        self.query_one("#save", Button).disabled = True

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_check()

    @on(Button.Pressed, "#check")
    def action_check(self) -> None:
        status = self.query_one("#setup-status", Static)
        try:
            candidate = self._candidate()
        except ValueError as exc:
            status.update(Text(f"Not saved: {exc}"))
            return
        status.update("Checking with Cliniko…")
        self._check(candidate)

    @work(group="setup-check", exclusive=True, exit_on_error=False)
    async def _check(self, candidate: Config) -> None:
        """The same checks as ``frontdesk doctor``; nothing is saved unless they pass."""
        try:
            report = await check_settings(candidate)
        except Exception as exc:  # noqa: BLE001 - a sentence, never a crash
            self.post_message(CheckResult(False, f"Could not check the settings ({type(exc).__name__}).", None))
            return
        if report.failed:
            self.post_message(CheckResult(False, report.problem or "the settings did not pass", None))
        else:
            self.post_message(CheckResult(True, " ".join([report.signed_in or "", *report.channels]), candidate))

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
