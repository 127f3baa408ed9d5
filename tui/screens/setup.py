"""First-run set-up: API key (masked), contact email, optional address, the
optional email/SMS channels and the screen lock's PIN; checked (the same
checks as ``frontdesk doctor``) before anything is saved (0600).

Made for 80x24: the fields scroll, while the buttons and the result of the
check stay in view; a problem is said beside its field, which takes the
focus; placeholders read as examples ("e.g. …")."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr
from pydantic import ValidationError as PydanticValidationError
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, Select, Static

from frontdesk.config import Config, EmailSection, SMSSection, save_config
from frontdesk.config_layers import Settings
from frontdesk.screens.worker_net import WorkerNet
from frontdesk.services.checks import check_settings
from frontdesk.services.failure import failure_words
from frontdesk.services.pin import PIN_RULE, PinError, PinLock

#: which input a finding is about (see ``Report.fields``)
FIELD_OF = {"key": "api-key", "contact": "contact", "address": "base-url", "email": "smtp-host",
            "email-login": "smtp-password", "sms": "sms-sid"}
#: a pydantic error's place in the config → its input
INPUT_OF = {("email", "host"): "smtp-host", ("email", "port"): "smtp-port", ("email", "from_address"): "smtp-from",
            ("sms", "account_sid"): "sms-sid", ("sms", "from_number"): "sms-from", ("sms", "base_url"): "sms-sid"}
PIN_TIP = "Tip: with a PIN, the idle lock needs it (shared front-desk screens)."


@dataclass
class CheckResult(Message):
    ok: bool
    text: str
    candidate: Config | None
    problems: dict[str, str]  # input id → what to do there


class SetupScreen(WorkerNet, Screen[Config]):
    """Dismissed with the saved config once the settings have been checked."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="setup-save", tooltip="Save the checked settings"),
        Binding("escape", "leave", "Leave, nothing saved", id="setup-leave",
                tooltip="Close frontdesk without saving these settings"),
        Binding("ctrl+q", "app.quit", "Quit", id="setup-quit", tooltip="Close frontdesk without saving"),
    ]

    def __init__(self, config: Config, path: Path, pin: PinLock, clinic: Settings | None = None) -> None:
        super().__init__()
        self.config = config
        self.path = path
        self.pin = pin
        #: the layered settings: what the clinic's system file gives is not asked
        self.clinic = clinic
        self.checked: Config | None = None

    def given(self, dotted: str) -> bool:
        """The clinic's system file sets it: the screen does not ask for it."""
        return self.clinic is not None and self.clinic.given_by_system(dotted)

    def _clinic_line(self, what: str) -> Static:
        where = self.clinic.system.path if self.clinic is not None else ""
        return Static(f"{what}: set by the clinic for everyone on this server ({where}).", classes="given")

    def _field(self, label: str, *inputs: Widget) -> Iterator[Widget]:
        """A label, then each input with its own ✕ line right under it (a
        pair side by side: each problem under the input it is about)."""
        yield Label(label)
        with Horizontal(classes="pair"):
            for widget in inputs:
                with Vertical(classes="field"):
                    yield widget
                    yield Static("", id=f"{widget.id}-error", classes="field-error")

    def compose(self) -> ComposeResult:
        email, sms, cliniko = self.config.email, self.config.sms, self.config.cliniko
        with Vertical(id="setup", classes="dialog"):
            yield Static(Text("Connect frontdesk to Cliniko", style="bold"), id="setup-title")
            yield Static("Your own Cliniko API key (My info → Manage API keys) is kept only in your private "
                         "config file. Tab moves between fields; enter checks; esc or ctrl+q leaves, nothing saved.",
                         id="setup-intro")
            with VerticalScroll(id="setup-fields"):
                yield from self._field("API key", Input(password=True, id="api-key", placeholder="paste it here"))
                if self.given("cliniko.contact_email"):
                    yield self._clinic_line(f"Contact email {cliniko.contact_email}")
                else:
                    yield from self._field("Contact email (Cliniko requires one for API clients)",
                                           Input(cliniko.contact_email or "", id="contact",
                                                 placeholder="e.g. it@clinic.example"))
                if self.given("cliniko.base_url"):
                    yield self._clinic_line(f"Cliniko address {cliniko.base_url}")
                else:
                    yield from self._field("Cliniko address (leave empty: from the key)",
                                           Input(cliniko.base_url or "", id="base-url",
                                                 placeholder="e.g. https://api.au1.cliniko.com/v1"))
                yield from self._email_fields(email)
                yield from self._sms_fields(sms)
                yield Static(Text("Screen lock (optional)", style="bold"), classes="section")
                yield from self._field("PIN, 4 to 8 digits", Input(password=True, id="pin", restrict=r"[0-9]*",
                                                                   max_length=8, placeholder="none"))
                yield Static("" if self.pin.is_set() else PIN_TIP, id="pin-tip")
            with Horizontal(id="setup-buttons"):
                yield Button("Check", id="check", compact=True)
                yield Button("Save and open", id="save", disabled=True, compact=True)
                yield Static("Enter checks the settings; nothing is saved until they pass.", id="setup-status")
        yield Footer()

    def _email_fields(self, email: EmailSection | None) -> Iterator[Widget]:
        yield Static(Text("Email delivery (optional)", style="bold"), classes="section")
        if self.given("email"):
            yield self._clinic_line(f"Email through {email.host if email else '?'}")
            return
        yield from self._field("SMTP server and port",
                               Input(email.host if email else "", id="smtp-host",
                                     placeholder="e.g. smtp.clinic.example"),
                               Input(str(email.port) if email else "587", id="smtp-port", type="integer"))
        yield Label("Security")
        yield Select([("STARTTLS (port 587)", "starttls"), ("TLS (port 465)", "tls"),
                      ("None (this machine only)", "none")],
                     value=email.security if email else "starttls", allow_blank=False, id="smtp-security")
        yield from self._field("SMTP username and password (kept only in the 0600 config file)",
                               Input((email.username or "") if email else "", id="smtp-user",
                                     placeholder="e.g. reception"),
                               Input(password=True, id="smtp-password", placeholder="password"))
        yield from self._field("From address", Input(email.from_address if email else "", id="smtp-from",
                                                     placeholder="e.g. reception@clinic.example"))

    def _sms_fields(self, sms: SMSSection | None) -> Iterator[Widget]:
        yield Static(Text("SMS delivery through Twilio (optional)", style="bold"), classes="section")
        if self.given("sms"):
            yield self._clinic_line(f"SMS from {sms.from_number if sms else '?'}")
            return
        yield from self._field("Account SID and auth token (the token kept only in the config file)",
                               Input(sms.account_sid if sms else "", id="sms-sid", placeholder="e.g. AC0123…"),
                               Input(password=True, id="sms-token", placeholder="auth token"))
        yield from self._field("Sender number", Input(sms.from_number if sms else "", id="sms-from",
                                                      placeholder="e.g. +61400000000"))

    def on_mount(self) -> None:
        self.query_one("#api-key", Input).focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """tab lands on a field staff can see: it is scrolled into view."""
        event.widget.scroll_visible(animate=False)

    def action_leave(self) -> None:
        self.dismiss(None)

    def _value(self, name: str) -> str:
        field = next(iter(self.query(f"#{name}").results(Input)), None)
        return field.value.strip() if field is not None else ""

    def _say(self, text: str, *, ok: bool = False) -> None:
        self.query_one("#setup-status", Static).update(Text(text, style="bold" if ok else ""))

    def _mark(self, problems: dict[str, str]) -> None:
        """Each problem beside its field; the first one takes the focus."""
        for error in self.query(".field-error").results(Static):
            name = (error.id or "").removesuffix("-error")
            error.update(Text(f"✕ {problems[name]}") if name in problems else "")
            error.set_class(name in problems, "shown")
        first = next((n for n in FIELD_OF.values() if n in problems), None) or next(iter(problems), None)
        field = next(iter(self.query(f"#{first}").results(Input)), None) if first is not None else None
        if field is not None:
            field.focus()
            field.scroll_visible()

    def _candidate(self) -> Config:
        """The settings on screen; raises ValueError with {input id: problem}."""
        cliniko = self.config.cliniko
        key = self._value("api-key")
        contact = cliniko.contact_email if self.given("cliniko.contact_email") else self._value("contact")
        base = cliniko.base_url if self.given("cliniko.base_url") else self._value("base-url") or None
        cliniko = cliniko.model_copy(
            update={"api_key": SecretStr(key) if key else None, "contact_email": contact, "base_url": base})
        problems: dict[str, str] = {}
        pin = self._value("pin")
        if pin and not PIN_RULE.match(pin):
            problems["pin"] = "A PIN is 4 to 8 digits (or leave it empty)."
        update: dict[str, object] = {"cliniko": cliniko}
        for section, build in (("email", self._email), ("sms", self._sms)):
            try:
                update[section] = build()
            except PydanticValidationError as exc:
                for error in exc.errors():
                    where = (section, str(error["loc"][0]) if error["loc"] else "")
                    problems.setdefault(INPUT_OF.get(where, "smtp-host" if section == "email" else "sms-sid"),
                                        error["msg"])
        if problems:
            raise ValueError(problems)
        return self.config.model_copy(update=update)

    def _email(self) -> EmailSection | None:
        if self.given("email"):
            return self.config.email
        host = self._value("smtp-host")
        if not host:
            return None
        previous = self.config.email
        typed = self._value("smtp-password")
        return EmailSection(
            host=host,
            port=int(self._value("smtp-port") or 587),
            security=self.query_one("#smtp-security", Select).value,
            username=self._value("smtp-user") or None,
            password=SecretStr(typed) if typed else (previous.password if previous else None),
            password_env=previous.password_env if previous else None,
            from_address=self._value("smtp-from"),
        )

    def _sms(self) -> SMSSection | None:
        if self.given("sms"):
            return self.config.sms
        sid = self._value("sms-sid")
        if not sid:
            return None
        previous = self.config.sms
        typed = self._value("sms-token")
        extra = {"base_url": previous.base_url} if previous else {}
        return SMSSection(
            account_sid=sid,
            auth_token=SecretStr(typed) if typed else (previous.auth_token if previous else None),
            auth_token_env=previous.auth_token_env if previous else None,
            from_number=self._value("sms-from"),
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
        try:
            candidate = self._candidate()
        except ValueError as exc:
            problems = exc.args[0]
            self._mark(problems)
            self._say(f"Not saved: {len(problems)} problem{'s' * (len(problems) > 1)}, marked ✕ beside the field.")
            return
        self._mark({})
        self._say("Checking with Cliniko…")
        self._check(candidate)

    @work(group="setup-check", exclusive=True, exit_on_error=False)
    async def _check(self, candidate: Config) -> None:
        """The same checks as ``frontdesk doctor``; nothing is saved unless they pass."""
        try:
            report = await check_settings(candidate)
        except Exception as exc:  # noqa: BLE001 - a sentence, never a crash
            words = failure_words(exc, "check the settings")
            self.post_message(CheckResult(False, f"Could not check the settings: {words}", None, {}))
            return
        if report.failed:
            problems = {FIELD_OF[where]: hint for where, hint in report.fields.items()}
            self.post_message(CheckResult(False, report.problem or "the settings did not pass", None, problems))
        else:
            self.post_message(CheckResult(True, " ".join([report.signed_in or "", *report.channels]), candidate, {}))

    def on_check_result(self, message: CheckResult) -> None:
        save = self.query_one("#save", Button)
        on_screen = {name: hint for name, hint in message.problems.items() if self.query(f"#{name}")}
        clinics = on_screen != message.problems and self.clinic is not None  # from the clinic's file: not here
        if clinics:
            message = CheckResult(False, f"{message.text} (set in the clinic's file {self.clinic.system.path}: "
                                         "tell IT)", None, on_screen)
        self._mark(message.problems)
        if message.ok:
            self.checked = message.candidate
            self._say(f"✓ {message.text} ctrl+s saves.", ok=True)
            save.disabled = False
            save.focus()
        else:
            self.checked = None
            save.disabled = True
            n = len(message.problems)
            self._say(f"Not saved: {n} problem{'s' * (n > 1)}, marked ✕ beside the field."
                      if message.problems and not clinics else f"Not saved: {message.text}")

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.checked is None:
            self._say("Check the settings first (enter).")
            return
        pin = self._value("pin")
        try:
            if pin:
                self.pin.set(pin)
        except PinError as exc:
            self._mark({"pin": str(exc)})
            return
        save_config(self.checked, self.path, self.clinic.system.raw if self.clinic else None)
        self.dismiss(self.checked)
