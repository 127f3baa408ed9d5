"""What the console's helpers (SendFlow, LinkActions, Navigation) may use
of the screen they serve: a Protocol, so they depend on this and not on
MainScreen itself."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from textual.app import App
from textual.timer import Timer

from tui.cliniko.models import User
from tui.screens.console_state import ConsoleState
from tui.services.day import AppointmentView, Day
from tui.services.session import Session
from widgets.appointment_table import AppointmentTable
from widgets.link_panel import LinkPanel


class Console(Protocol):
    session: Session
    state: ConsoleState
    user: User | None
    privacy: bool
    pane: str

    @property
    def app(self) -> App[Any]: ...

    @property
    def links(self) -> LinkPanel: ...

    @property
    def table(self) -> AppointmentTable: ...

    @property
    def day(self) -> Day | None: ...

    def say(self, text: str, **options: Any) -> None: ...

    def who(self, name: str) -> str: ...

    def when(self, moment: datetime) -> str: ...

    def current_view(self) -> AppointmentView | None: ...

    def load_day(self, *, fresh: bool = False) -> None: ...

    def set_timer(self, delay: float, callback: Any, *, name: str | None = None) -> Timer: ...

    def run_worker(self, work: Any, **options: Any) -> Any: ...

    def post_message(self, message: Any) -> bool: ...

    def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...

    def _rebuild(self, *, data_changed: bool = False) -> None: ...

    def _update_header(self) -> None: ...

    def _select(self, appointment_id: str | None) -> None: ...

    def _go_to(self, local_date: date | None) -> None: ...

    def show_pane(self, pane: str) -> None: ...

    def has_class(self, *names: str) -> bool: ...
