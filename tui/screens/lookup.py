"""ctrl+f: find a patient who lost their link, and their next 14 days.

Type a name, an email or a date of birth (YYYY-MM-DD); matches come from
Cliniko as you type (a short pause first, and an answer for older text is
dropped). Enter on a patient lists their appointments, each with its
Telehealth state and the send decision; Enter on one opens it in the
console, where copy and send are the day list's (same rule, same guard,
same audit). Esc goes back a step.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.domain.terms import ours
from frontdesk.cliniko.models import Patient
from frontdesk.safe_text import clean
from frontdesk.screens.worker_net import WorkerNet
from frontdesk.services.day import AppointmentView
from frontdesk.services.failure import failure_words
from frontdesk.services.lookup import (
    LOOKAHEAD_DAYS,
    MIN_CHARS,
    PatientLookup,
    patient_queries,
    phone_digits,
)
from frontdesk.services.lookup_words import FoundDay, date_form, found_days, named, patient_words

#: typing pauses this long before Cliniko is asked (each key would otherwise be ~3 requests)
TYPING_PAUSE = 0.25


@dataclass(frozen=True)
class FoundAppointment:
    """What the console opens: the appointment, on its own local date."""

    appointment_id: str
    local_date: date
    business_id: str | None


class LookupScreen(WorkerNet, ModalScreen[FoundAppointment | None]):
    BINDINGS = [Binding("escape", "back", "Back", id="lookup-back")]

    def __init__(self, lookup: PatientLookup, clock: Callable[[], datetime], configured: tuple[str, ...], *,
                 private: bool = False) -> None:
        super().__init__()
        #: privacy on: patients are named by initials here too
        self.private = private
        self.lookup = lookup
        self.clock = clock
        self.configured = configured
        self.patients: list[Patient] = []
        #: the chosen patient's next appointments, as listed
        self.found: list[FoundDay] = []
        self._asked = ""  # the text the last search was for
        #: how the clinic writes dates (None: its country is not known yet, so ISO only)
        self.order = lookup.known_order()

    @property
    def views(self) -> list[AppointmentView]:
        return [found.view for found in self.found]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="lookup"):
            yield Static(Text(ours("Find a patient's appointments (next 14 days)"), style="bold"))
            yield Static(Text(f"Name, email, phone or date of birth ({self._date_form()}) · ↓ to the list · "
                              "enter opens · esc back", style="dim"), id="lookup-hint")
            yield Input(placeholder="e.g. Mia Kelly", id="lookup-query")
            yield Static("", id="lookup-status")
            yield OptionList(id="lookup-patients")
            yield OptionList(id="lookup-appointments")

    def on_mount(self) -> None:
        self.query_one("#lookup-appointments").display = False
        self.query_one("#lookup-query", Input).focus()

    def _status(self, words: str) -> None:
        self.query_one("#lookup-status", Static).update(Text(clean(words)))

    # -- patients, as you type ----------------------------------------------------------

    @on(Input.Changed, "#lookup-query")
    def _typed(self, event: Input.Changed) -> None:
        text = event.value
        self._asked = text
        if not patient_queries(text, self.order) and phone_digits(text) is None:
            self.workers.cancel_group(self, "lookup-search")
            self._show_patients([])
            self._status(f"Type at least {MIN_CHARS} letters, an email, a phone number or a date of birth "
                         f"({self._date_form()})." if text.strip() else "")
            return
        self._status("Searching…")
        self.run_worker(self._search(text), group="lookup-search", exclusive=True, exit_on_error=False,
                        description="find patients")

    async def _search(self, text: str) -> None:
        await asyncio.sleep(TYPING_PAUSE)  # a newer key press cancels this worker first
        digits = phone_digits(text)
        try:
            found = await (self.lookup.by_phone(digits, self.clock()) if digits else self.lookup.search(text))
        except Exception as exc:  # noqa: BLE001 - a notice, never a traceback
            if text == self._asked:
                self._status(f"Could not search: {failure_words(exc, 'search')}")
            return
        if text != self._asked:
            return  # an answer for older text
        self._show_patients(found)
        where = (f" with a phone number ending {digits}, among those booked in the next {LOOKAHEAD_DAYS} "
                 "days (Cliniko cannot search everyone by phone)") if digits else ""
        self._status(ours(f"{len(found)} patient{'s' * (len(found) != 1)} found{where}") + (" — ↓ to choose" if found else ""))

    def _show_patients(self, patients: list[Patient]) -> None:
        self.patients = patients
        options = self.query_one("#lookup-patients", OptionList)
        options.clear_options()
        for patient in patients:
            options.add_option(Option(clean(patient_words(patient, self.order, private=self.private)), id=patient.id))

    def _date_form(self) -> str:
        return date_form(self.order)

    @on(Input.Submitted, "#lookup-query")
    def _to_list(self) -> None:
        if self.patients:
            options = self.query_one("#lookup-patients", OptionList)
            if options.highlighted is None:
                options.highlighted = 0
            options.focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "down" and self.focused is self.query_one("#lookup-query") and self.patients:
            event.stop()
            self._to_list()

    # -- one patient's days ---------------------------------------------------------------

    @on(OptionList.OptionSelected, "#lookup-patients")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        patient = next(p for p in self.patients if p.id == event.option.id)
        self._status(f"Loading {self._named(patient)}'s next {LOOKAHEAD_DAYS} days…")
        self.run_worker(self._days(patient), group="lookup-days", exclusive=True, exit_on_error=False,
                        description="load a patient's days")

    async def _days(self, patient: Patient) -> None:
        now = self.clock()
        try:
            day, ledger = await self.lookup.upcoming_with_sends(patient, now)
        except Exception as exc:  # noqa: BLE001 - a notice, never a traceback
            self._status(f"Could not load their appointments: {failure_words(exc, 'load their appointments')}")
            return
        self.found = found_days(day.views(), patient, now, self.configured, ledger, day.team_sends)
        self._show_days(patient)
        if not day.complete:
            self._status(f"Incomplete: {'; '.join(day.problems)}. Only what could be read is listed.")

    def _show_days(self, patient: Patient) -> None:
        options = self.query_one("#lookup-appointments", OptionList)
        options.clear_options()
        for found in self.found:
            options.add_option(Option(self._line(found), id=found.view.id))
        name = self._named(patient)
        self._status(f"{name}: {len(self.found)} appointment{'s' * (len(self.found) != 1)} in the next "
                     f"{LOOKAHEAD_DAYS} days" + (" — enter opens one" if self.found else ""))
        self.query_one("#lookup-patients").display = False
        options.display = True
        options.highlighted = 0 if self.found else None
        options.focus()

    def _named(self, patient: Patient) -> str:
        return named(patient, private=self.private)

    def _line(self, found: FoundDay) -> Text:
        text = Text(clean(found.head) + "\n")
        text.append(clean(f"  {found.state} · "))
        text.append(clean(found.verdict), style="bold" if found.sendable else "dim")
        if found.sent:
            text.append(clean(f"\n  {found.sent}"), style="bold")
        return text

    @on(OptionList.OptionSelected, "#lookup-appointments")
    def _open(self, event: OptionList.OptionSelected) -> None:
        found = next(f for f in self.found if f.view.id == event.option.id)
        self.dismiss(FoundAppointment(found.view.id, found.local_date, found.view.appointment.business_id))

    def action_back(self) -> None:
        days = self.query_one("#lookup-appointments", OptionList)
        if days.display:
            days.display = False
            patients = self.query_one("#lookup-patients", OptionList)
            patients.display = True
            patients.focus()
            self._status(f"{len(self.patients)} patients found")
            return
        self.dismiss(None)
