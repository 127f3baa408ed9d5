"""What the console's parts may use of the screen, as Protocols, so they
depend on these and not on MainScreen itself.

:class:`Host` is all the helper objects (SendFlow, LinkActions, ArrivalFlow,
RowWatch) get: what the screen knows, and the ways to tell staff, ask,
run a job and report back. Never a widget: they answer with messages, and
the one change they make is a new Day, which only the screen swaps in
(:meth:`Host.swap_day`). :class:`Console` is the screen as its own parts
(Navigation, FrontDesk, LinkRoutes, mixed into MainScreen) see it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from textual.app import App
from textual.timer import Timer

from frontdesk.cliniko.models import User
from frontdesk.screens.console_state import ConsoleState
from frontdesk.services.day import AppointmentView, Day
from frontdesk.services.session import Session
from frontdesk.widgets.appointment_table import AppointmentTable
from frontdesk.widgets.link_panel import LinkPanel


class Host(Protocol):
    session: Session
    state: ConsoleState
    user: User | None
    privacy: bool

    @property
    def app(self) -> App[Any]: ...

    @property
    def day(self) -> Day | None: ...

    def say(self, text: str, **options: Any) -> None: ...

    def who(self, name: str) -> str: ...

    def when(self, moment: datetime) -> str: ...

    def current_view(self) -> AppointmentView | None: ...

    def swap_day(self, day: Day, changed: str) -> None: ...

    def run_worker(self, work: Any, **options: Any) -> Any: ...

    def post_message(self, message: Any) -> bool: ...


class Console(Host, Protocol):
    pane: str

    @property
    def links(self) -> LinkPanel: ...

    @property
    def table(self) -> AppointmentTable: ...

    def load_day(self, *, fresh: bool = False) -> None: ...

    def set_timer(self, delay: float, callback: Any, *, name: str | None = None) -> Timer: ...

    def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...

    def show_rows(self, *, data_changed: bool = False) -> None: ...

    def update_header(self) -> None: ...

    def show_appointment(self, appointment_id: str | None) -> None: ...

    def go_to_day(self, local_date: date | None) -> None: ...

    def show_pane(self, pane: str) -> None: ...

    def select_appointment(self, appointment_id: str) -> bool: ...

    def appointment_changed(self, appointment_id: str) -> None: ...

    def refresh_marks(self, *, time_only: bool = False) -> None: ...

    def update_up_next(self) -> None: ...

    def has_class(self, *names: str) -> bool: ...

    def set_class(self, add: bool, *class_names: str, update: bool = True) -> Any: ...

    @property
    def focused(self) -> Any: ...

    def fit_panes(self) -> None: ...
