"""The console: header, appointment list, link panel and details.

This screen composes and routes. What it shows is :class:`ConsoleState`
(pure); talking to Cliniko is :class:`DayFeed` (workers that answer with
messages); sending is :class:`SendFlow`; reveal and copy are
:class:`LinkActions`. Messages up, reactives down: the table's ``chosen``
reactive is watched (the row and both panes change in one frame), the link
panel says which attendee is chosen, and the panes get the view, the clock
and privacy pushed down to them.
"""

from __future__ import annotations

from datetime import date, datetime

from textual.app import ComposeResult
from textual.containers import Container, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer

from frontdesk.domain.terms import ours
from frontdesk.domain.days import DayWanted
from frontdesk.cliniko.models import User
from frontdesk.safe_text import clean
from frontdesk.screens.arrival_flow import ArrivalFlow
from frontdesk.screens.console_state import ConsoleState
from frontdesk.screens.day_feed import (
    DateKnown,
    DayFailed,
    DayFeed,
    DayUpdated,
    SignedIn,
    TeamSendsFound,
)
from frontdesk.screens.front_desk import FrontDesk
from frontdesk.screens.keys import CONSOLE_KEYS
from frontdesk.screens.link_actions import LinkActions
from frontdesk.screens.link_routes import LinkRoutes
from frontdesk.screens.navigation import Navigation
from frontdesk.screens.row_watch import RowWatch
from frontdesk.screens.send_flow import SendFlow
from frontdesk.screens.throttle import Throttle
from frontdesk.screens.worker_net import WorkerNet
from frontdesk.services.day import AppointmentView, Day
from frontdesk.services.early_load import EarlyLoad
from frontdesk.services.session import Session
from frontdesk.services.shown import shown_appointment
from frontdesk.widgets.appointment_table import AppointmentTable
from frontdesk.widgets.detail_pane import DetailPane
from frontdesk.widgets.filter_box import FilterBox
from frontdesk.widgets.link_panel import LinkPanel
from frontdesk.widgets.sync_header import SyncHeader
from frontdesk.widgets.status_line import StatusLine
from frontdesk.widgets.up_next import UpNextStrip

NARROW = 160  # below this width the panes stack under the list
SHORT = 34  # below this height (stacked) the links pane is one line per thing, until tab or d
DRAW_INTERVAL = 0.15  # while a day loads, rows are redrawn at most this often
FILTER_HINT = "filter: patient, practitioner or type (esc clears)"


class MainScreen(Navigation, FrontDesk, LinkRoutes, WorkerNet, Screen):
    AUTO_FOCUS = "#appointments"
    BINDINGS = CONSOLE_KEYS
    privacy = reactive(False, init=False)

    def __init__(self, session: Session, *, local_date: DayWanted | None = None, business_id: str | None = None,
                 early: EarlyLoad | None = None) -> None:
        super().__init__()
        self.session = session
        if business_id is not None:
            session.loader.business_id = business_id
        self.state = ConsoleState(requested_date=local_date,
                                  local_date=local_date if isinstance(local_date, date) else None)
        self.feed = DayFeed(self, session, early)
        self.send_flow = SendFlow(self)
        self.link_actions = LinkActions(self)
        self.arrivals = ArrivalFlow(self)
        self.rows = RowWatch(self)
        self.set_reactive(MainScreen.privacy, session.config.ui.privacy_initials)
        self.state.privacy = self.privacy
        self.user: User | None = None
        self.account = "Cliniko"
        self._team_checked = -1  # the load whose other-desk sends were asked for
        self.pane = "links"  # narrow: the lower pane's content
        self._draws = Throttle(self, DRAW_INTERVAL, self._draw_rows)

    def compose(self) -> ComposeResult:
        yield SyncHeader(id="header")
        yield UpNextStrip(id="up-next")
        yield FilterBox(placeholder=ours(FILTER_HINT), id="filter")
        with Container(id="body"):
            yield AppointmentTable(id="appointments")
            with Vertical(id="side"):
                yield LinkPanel(id="links")
                with VerticalScroll(id="detail-box"):
                    yield DetailPane(id="detail")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.on_resize()
        self.table.privacy = self.privacy
        self.table.focus()
        self.watch(self.table, "chosen", self._moved_by_user, init=False)
        self.load_day()  # the day first: its requests lead the way
        self.feed.sign_in()
        self.link_actions.check_audit_log()
        self.set_interval(self.session.config.ui.refresh_seconds, self.refresh_changes, name="auto-refresh")
        self.set_interval(30, self.tick, name="clock")

    def on_resize(self) -> None:
        self.set_class(self.app.size.width < NARROW, "narrow")
        self.set_class(self.app.size.height < SHORT, "short")
        self.show_pane(self.pane)

    # -- read-only views for the palette and tests --------------------------------------

    @property
    def table(self) -> AppointmentTable:
        return self.query_one(AppointmentTable)

    @property
    def links(self) -> LinkPanel:
        return self.query_one(LinkPanel)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def day(self) -> Day | None:
        return self.state.day

    @property
    def views(self) -> tuple[AppointmentView, ...]:
        """The rows on screen, in order."""
        return tuple(self.state.shown)

    def current_view(self) -> AppointmentView | None:
        return self.state.current_view()

    # -- how things are shown -------------------------------------------------------------

    def say(self, text: str, **options) -> None:
        """A notification; its text is cleaned like everything else shown."""
        self.notify(clean(text), markup=False, **options)

    def who(self, name: str) -> str:
        return self.state.who(name)

    def when(self, moment: datetime) -> str:
        return self.state.when(moment)

    # -- loading ------------------------------------------------------------------------

    def load_day(self, *, fresh: bool = False) -> None:
        self.query_one(SyncHeader).sync = "loading…"
        self.feed.load(self.state.new_load(), self.state.requested_date, fresh=fresh)

    def refresh_changes(self) -> None:
        if not self.state.busy and self.day is not None and self.day.complete:
            self.feed.refresh(self.state.generation, self.day)

    def tick(self) -> None:
        """Time moves: calls start, become late, end. Rows whose marks
        changed are redrawn, the late are told once, up next moves on; past
        midnight, a console on today moves to the new today."""
        now = self.session.clock()
        if self._follow_today(now):
            return
        self._show_chosen(self.state.current_view(), details=False)  # the details say nothing time changes
        self.update_header()
        if self.day is not None and self.day.complete:
            self.refresh_marks(time_only=True)

    def on_date_known(self, message: DateKnown) -> None:
        if message.generation == self.state.generation:
            self.state.local_date = message.local_date
            self.update_header()

    def on_signed_in(self, message: SignedIn) -> None:
        self.user = message.user
        self.account = message.account or self.account
        if self.session.apply_account_ways():  # the account's own clock and words: everything says them
            self.query_one(FilterBox).placeholder = ours(FILTER_HINT)
            self.show_rows(data_changed=True)
            self.update_up_next()
        self.update_header()

    def on_day_updated(self, message: DayUpdated) -> None:
        if message.generation != self.state.generation:
            return  # an answer for a day that is no longer on screen
        if message.based_on is not None and message.based_on is not self.day:
            return  # made from a day since replaced (an arrival): the next refresh asks again
        before = self.day
        self.state.loaded(message.day)
        if not message.day.complete:
            self._draws()  # pages arriving together draw once
            return
        for problem in self.state.untold(message.day.problems):
            self.say(problem, title="Cliniko data", severity="warning", timeout=10)
        if self._team_checked != message.generation:  # once per load, not on every refresh
            self._team_checked = message.generation
            self.feed.other_desks(message.generation, message.day)
        refreshed = message.refreshed
        if refreshed is not None and before is not None and refreshed.in_place(before):
            for appointment_id in refreshed.changed:  # only what changed is redrawn
                self.appointment_changed(appointment_id)
            self.update_header()
        else:
            self._draws.now()

    def _draw_rows(self) -> None:
        self.show_rows(data_changed=True)
        self.update_header()

    def on_day_failed(self, message: DayFailed) -> None:
        if self.state.failed(message.generation, message.kind, message.error, self.session.clock()):
            self.update_header()
            self.say(message.error, title="Cliniko", severity="error", timeout=8)

    def on_team_sends_found(self, message: TeamSendsFound) -> None:
        if message.generation == self.state.generation and self.day is not None:
            self.state.loaded(self.day.copy(team_sends=message.sends, cliniko_messages=message.messages))
            self.refresh_marks()
            self.show_appointment(self.state.current_id)

    # -- drawing ------------------------------------------------------------------------

    def update_header(self) -> None:
        self._home_clock()
        header = self.query_one(SyncHeader)
        header.account = self.account + (" (demo sandbox)" if self.session.demo else "")
        if self.user is not None:
            header.user = f"{clean(self.user.name)} ({self.user.role or 'unknown role'})"
        loader = self.session.loader
        words = self.state.header_words((self.day.businesses if self.day else None) or loader.locations_hint(),
                                        loader.business_id, self.session.clock())
        header.location, header.location_short, header.sync = words.location, words.location_short, words.sync
        if words.date_label is not None:
            header.date_label = words.date_label

    def _home_clock(self) -> None:
        self.state.set_home(self.session.loader.home_business(self.day.businesses if self.day else None))

    def show_rows(self, *, data_changed: bool = False) -> None:
        """Re-show the rows, the cursor where it belongs (see ConsoleState)."""
        if self.day is None:
            return
        views = self.state.visible(data_changed=data_changed)
        table = self.table
        table.marks = self.state.marks
        table.privacy = self.privacy
        table.multi_location = self.session.loader.business_id is None and len(self.day.businesses) > 1
        self._home_clock()
        table.list_zone = self.state.zone  # one clock for every row (the header names it)
        table.list_date = self.day.local_date
        table.location_names = [b.name for b in self.day.businesses.values()]
        table.show(views, keep=self.state.cursor_target(self.session.clock()))
        self.show_appointment(table.current_key)
        if data_changed and self.day.complete:
            # the rows and links first; their sent/late marks and up next once this desk's log is read
            self.read_sends()

    def show_appointment(self, appointment_id: str | None) -> None:
        self.state.current_id = appointment_id
        view = self.state.current_view()
        # quietly: setting what is shown redraws the panel once, notes included
        self.links.set_reactive(LinkPanel.sent_notes, self.link_actions.notes(view) if view is not None else {})
        self._show_chosen(view)

    def _show_chosen(self, view: AppointmentView | None, *, details: bool = True) -> None:
        """Both panes' appointment (the link panel's only, when *details* is
        False): its names, send decisions and Cliniko's messages made once, for now."""
        shown = None if view is None else shown_appointment(
            view, self.session.clock(), self.session.channels(), private=self.privacy, late_after=self.rows.late_after,
            cliniko_messages=self.day.cliniko_messages if self.day is not None else None)
        if details:
            self.query_one(DetailPane).shown = shown
        self.links.shown = shown

    def _moved_by_user(self, appointment_id: str | None) -> None:
        self.state.moved_to(appointment_id)
        if appointment_id != self.state.current_id:
            self.show_appointment(appointment_id)

    def select_appointment(self, appointment_id: str) -> bool:
        """Move the cursor to an appointment (tests and the palette use it)."""
        found = self.table.select(appointment_id)
        if found:
            self.state.moved_to(appointment_id)
        return found

    def watch_privacy(self, privacy: bool) -> None:
        self.state.privacy = privacy
        if privacy:
            self.app.clear_notifications()  # said before: they may name patients in full
            self.status.forget()
        self.show_rows()
        self.update_header()
        self.update_up_next()
