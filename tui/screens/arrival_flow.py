"""A and D in the console: the row changes in the same frame, one PATCH
confirms it (in the "arrivals" worker group), and a refusal puts the row
back with Cliniko's reason. One change per appointment at a time."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from frontdesk.cliniko.errors import PermissionDeniedError
from frontdesk.cliniko.models import Attendee, IndividualAppointment
from frontdesk.domain.arrival import ARRIVAL_WORDS, Mark
from frontdesk.screens.ask import AskFirst
from frontdesk.screens.console import Host
from frontdesk.services.arrivals import ArrivalChange, apply_arrival, ask_first, plan_arrival, reconcile
from frontdesk.services.day import AttendeeView
from frontdesk.services.failure import failure_words


@dataclass
class ArrivalSaved(Message):
    change: ArrivalChange
    #: Cliniko's record after the change (None: the answer could not be read)
    record: IndividualAppointment | Attendee | None
    #: why Cliniko did not take it (None: it did)
    error: str | None


class ArrivalFlow:
    def __init__(self, screen: Host) -> None:
        self.screen = screen
        self.session = screen.session
        #: appointments whose change is on its way to Cliniko
        self.pending: set[str] = set()

    def toggle(self, mark: Mark, chosen: AttendeeView | None) -> None:
        """*chosen*: the attendee the link panel has chosen (a group's)."""
        screen = self.screen
        view, day = screen.current_view(), screen.day
        if view is None or day is None:
            screen.say("Choose an appointment first.", severity="warning")
            return
        if view.id in self.pending:
            screen.say("Still saving the last change to this appointment in Cliniko.", severity="warning")
            return
        planned = plan_arrival(view, chosen, mark)
        if isinstance(planned, str):
            screen.say(planned, severity="warning")
            return
        asked = ask_first(view, planned, self.session.clock(), day.local_date, screen.state.hhmm, screen.who)
        if asked is None:
            self._write(planned)
            return
        screen.app.push_screen(AskFirst(*asked), lambda yes: self._write(planned) if yes else None)

    def _write(self, change: ArrivalChange) -> None:
        """Show the change now; one PATCH confirms it (or puts it back)."""
        screen, day = self.screen, self.screen.day
        if day is None or change.appointment_id not in day.appointments or change.appointment_id in self.pending:
            return  # the day moved on while staff were asked
        self.pending.add(change.appointment_id)
        screen.swap_day(apply_arrival(day, change, change.after), change.appointment_id)  # painted now; Cliniko confirms below
        screen.run_worker(self._save(change), group="arrivals", exit_on_error=False,
                          description="record an arrival")

    async def _save(self, change: ArrivalChange) -> None:
        try:
            record = await self.session.arrivals.save(change)
        except PermissionDeniedError:
            self.screen.post_message(ArrivalSaved(change, None, "Your Cliniko role may not change appointments."))
        except Exception as exc:  # noqa: BLE001 - ends in a message (the row is put back), never a traceback
            self.screen.post_message(ArrivalSaved(change, None, failure_words(exc, "record the arrival")))
        else:
            self.screen.post_message(ArrivalSaved(change, record, None))

    def saved(self, message: ArrivalSaved) -> None:
        """Cliniko answered: keep (with its record) or put back, and audit."""
        screen, change = self.screen, message.change
        self.pending.discard(change.appointment_id)
        day = screen.day
        if day is not None:
            if message.error is not None:
                day = apply_arrival(day, change, change.before)
            elif message.record is not None:
                day = reconcile(day, message.record)
            screen.swap_day(day, change.appointment_id)
        outcome = "ok" if message.error is None else f"not saved: {message.error}"
        trouble = self.session.arrivals.record(change, screen.user, outcome)
        who = screen.who(change.patient)
        if message.error is not None:
            screen.say(f"{who} not marked {ARRIVAL_WORDS[change.after]}: {message.error}",
                       title="Cliniko", severity="error", timeout=10)
        else:
            undo = f" — {self._key_for(change.after)} again undoes it" if change.after != "booked" else ""
            screen.say(f"{who}: {change.words}{undo}", title="Saved in Cliniko")
        if trouble:
            screen.say(trouble, title="Audit log", severity="warning", timeout=10)

    def _key_for(self, mark: str) -> str:
        """The key that toggles *mark*, as mapped in the config."""
        app = self.screen.app
        for active in app.active_bindings.values():
            if active.binding.action == mark:
                return app.get_key_display(active.binding)
        return "the same key"
