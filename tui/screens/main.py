"""The console: header, appointment list, detail pane and link panel.

Messages up, reactives down: workers post ``DayUpdated``/``DayFailed``; the
screen turns them into rows and pushes the highlighted appointment into the
panes by setting their reactives. Staff's cursor moves come from watching the
table's ``chosen`` reactive, so the row and the panes change in one frame.
Each job has its own worker group, and a generation number drops answers for
a day that is no longer on screen.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input

from tui.cliniko.errors import ClinikoError
from tui.cliniko.models import User
from tui.domain.contact import CHANNEL_WORDS, default_channel, recipient_for
from tui.domain.links import NOT_A_PATIENT_LINK, NOT_A_PRACTITIONER_LINK
from tui.domain.timezones import business_zone, zone_for
from tui.safe_text import clean
from tui.screens.logs import AuditScreen, OutboxScreen
from tui.screens.modals import ALL_LOCATIONS, LocationPicker
from tui.screens.send import ChannelOption, PreviousNote, ResultsScreen, SendChoice, SendConfirmScreen, SendPlan
from tui.services.delivery.errors import DeliveryError
from tui.services.delivery.service import message_values
from tui.services.audit import AuditUnavailable
from tui.services.day import AppointmentView, Day
from tui.services.early_load import EarlyLoad
from tui.services.team_log import day_team_sends
from tui.services.gc_pause import gc_paused, release_kept
from tui.services.session import Session
from widgets.appointment_table import AppointmentTable
from widgets.detail_pane import DetailPane
from widgets.link_panel import LinkPanel
from widgets.sync_header import SyncHeader
from widgets.text import initials

log = logging.getLogger("frontdesk.ui")
NARROW = 160  # below this width the panes stack under the list
DRAW_INTERVAL = 0.15  # while a day loads, rows are redrawn at most this often


@dataclass
class DayUpdated(Message):
    generation: int
    day: Day


@dataclass
class DayFailed(Message):
    generation: int
    error: str
    kind: str


@dataclass
class SendFinished(Message):
    results: list[tuple[str, str, bool]]  # (who, outcome, ok)
    single: bool


@dataclass
class TeamSendsFound(Message):
    generation: int
    sends: dict


@dataclass
class SignedIn(Message):
    user: User
    account: str | None


class MainScreen(Screen):
    AUTO_FOCUS = "#appointments"
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="down", tooltip="Next appointment (also ↓)"),
        Binding("k", "cursor_up", "Up", show=False, id="up", tooltip="Previous appointment (also ↑)"),
        Binding("slash", "filter", "Filter", id="filter", tooltip="Filter by patient, practitioner or type"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="clear-filter", tooltip="Clear the filter"),
        Binding("left_square_bracket", "prev_day", "Prev day", show=False, id="prev-day", tooltip="Previous day"),
        Binding("right_square_bracket", "next_day", "Next day", show=False, id="next-day", tooltip="Next day"),
        Binding("t", "today", "Today", show=False, id="today", tooltip="Back to today"),
        Binding("b", "business", "Location", show=False, id="business", tooltip="Choose a location"),
        Binding("f", "telehealth_only", "Telehealth only", show=False, id="telehealth-only", tooltip="Show only Telehealth appointments"),
        Binding("v", "reveal", "Reveal", id="reveal", tooltip="Show the patient link for a few seconds (audited)"),
        Binding("c", "copy_patient", "Copy", id="copy-patient", tooltip="Copy the patient link, only when it may be sent (audited)"),
        Binding("p", "copy_practitioner", "Copy pract.", show=False, id="copy-practitioner", tooltip="Copy the practitioner / admin link"),
        Binding("s", "send", "Send", id="send", tooltip="Send the patient link to the patient"),
        Binding("comma", "prev_attendee", "Prev attendee", show=False, id="prev-attendee", tooltip="Group: previous attendee"),
        Binding("full_stop", "next_attendee", "Next attendee", show=False, id="next-attendee", tooltip="Group: next attendee"),
        Binding("r", "refresh", "Refresh", id="refresh", tooltip="Reload the whole day from Cliniko"),
        Binding("o", "outbox", "Outbox", show=False, id="outbox", tooltip="What was delivered"),
        Binding("a", "audit", "Audit", show=False, id="audit", tooltip="Audit log of the selected appointment"),
        Binding("i", "privacy", "Initials", show=False, id="privacy", tooltip="Show patient names as initials (shared screen)"),
        Binding("ctrl+l", "lock", "Lock", show=False, id="lock", tooltip="Lock the screen now"),
    ]

    def __init__(
        self,
        session: Session,
        *,
        local_date: date | None = None,
        business_id: str | None = None,
        early: EarlyLoad | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        #: the first day's load, if the app started it before this screen existed
        self.early = early
        self.local_date = local_date
        self.requested_date = local_date
        if business_id is not None:
            session.loader.business_id = business_id
        self.day: Day | None = None
        self.generation = 0
        self.busy = False
        self.filter_text = ""
        self.telehealth_only = False
        self.privacy = session.config.ui.privacy_initials
        self.user: User | None = None
        self.account = "Cliniko"
        self.offline_since: datetime | None = None
        self.last_error: str | None = None
        self.current_id: str | None = None
        self.sending = False
        self._views: list[AppointmentView] = []
        self._all_views: list[tuple[AppointmentView, str]] | None = None
        self._reveal_timer: Timer | None = None
        self._pending_draw: Timer | None = None
        self._last_draw = 0.0
        #: until staff move the cursor, it follows the next appointment due
        self._user_moved = False
        #: the appointment staff chose: kept through reloads, even while the
        #: rows arriving do not include it yet
        self._wanted: str | None = None
        #: problems with Cliniko's data already told to staff
        self._told: set[str] = set()
        #: the load whose other-desk sends were asked for
        self._team_checked = -1
        self.last_error_text = ""

    # -- layout ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield SyncHeader(id="header")
        yield Input(placeholder="filter: patient, practitioner or type (esc clears)", id="filter")
        with Container(id="body"):
            yield AppointmentTable(id="appointments")
            with VerticalScroll(id="side"):
                yield LinkPanel(id="links")
                yield DetailPane(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self._apply_width(self.app.size.width)
        table = self.query_one(AppointmentTable)
        table.privacy = self.privacy
        table.focus()
        self.watch(table, "chosen", self._moved_by_user, init=False)
        header = self.query_one(SyncHeader)
        header.user = "signing in…"
        links = self.query_one(LinkPanel)
        links.now = self.session.clock()
        links.privacy = self.privacy
        links.configured = tuple(self.session.delivery.configured()) if self.session.delivery else ()
        self.query_one(DetailPane).privacy = self.privacy
        self.load_day()  # the day first: its requests lead the way
        self.sign_in()
        self._check_audit_log()
        ui = self.session.config.ui
        self.set_interval(ui.refresh_seconds, self.refresh_changes, name="auto-refresh")
        self.set_interval(30, self._tick, name="clock")

    def on_resize(self) -> None:
        self._apply_width(self.app.size.width)

    def say(self, text: str, **options) -> None:
        """A notification; its text is cleaned like everything else shown."""
        self.notify(clean(text), markup=False, **options)

    def _check_audit_log(self) -> None:
        """Tell staff at once when the local audit log cannot be used (the day
        list works; reveal, copy and send are refused until it can)."""
        audit = self.session.audit
        try:
            audit.check()
        except AuditUnavailable as exc:
            self.say(f"{exc.message} Reveal, copy and send are off until it is fixed.",
                     title="Audit log", severity="error", timeout=15)
            return
        if audit.notice:
            self.say(audit.notice, title="Audit log", severity="warning", timeout=15)
            audit.notice = None

    def _apply_width(self, width: int) -> None:
        self.set_class(width < NARROW, "narrow")

    # -- workers -----------------------------------------------------------

    @work(group="sign-in", exclusive=True, exit_on_error=False)
    async def sign_in(self) -> None:
        try:
            user = await self.session.sign_in()
        except ClinikoError as exc:
            self.post_message(DayFailed(-1, str(exc), exc.kind))
            return
        account = await self.session.account.get()  # shared with the day's link checks
        self.post_message(SignedIn(user, account.name))

    @work(group="day", exclusive=True, exit_on_error=False)
    async def _load_worker(self, generation: int, requested: date | None, fresh: bool) -> None:
        loader = self.session.loader
        early, self.early = self.early, None
        if early is not None and (fresh or not early.serves(requested, loader.business_id)):
            early.cancel()
            early = None

        def progress(day: Day) -> None:
            self.post_message(DayUpdated(generation, day))

        try:
            if fresh:
                loader.forget()
            if early is not None:
                local_date = await early.dated
            else:
                local_date = requested or await loader.default_date(self.session.clock())
            if generation == self.generation:
                self.local_date = local_date
                self._update_header()
            with gc_paused(keep=True):
                load = early.adopt(progress) if early is not None else loader.load(local_date, on_progress=progress)
                await asyncio.gather(load, self._release_previous_day())
        except ClinikoError as exc:
            self.post_message(DayFailed(generation, str(exc), exc.kind))
        except Exception as exc:  # noqa: BLE001 - never a traceback in front of staff
            log.exception("day load failed")
            self.post_message(DayFailed(generation, f"Unexpected problem while loading ({type(exc).__name__}).", "error"))

    # explicit descriptions: Textual's default is the repr of every argument (a whole day)
    @work(group="refresh", exclusive=True, exit_on_error=False, description="refresh the day")
    async def _refresh_worker(self, generation: int, day: Day) -> None:
        try:
            await self.session.loader.refresh(day)
        except ClinikoError as exc:
            self.post_message(DayFailed(generation, str(exc), exc.kind))
            return
        except Exception as exc:  # noqa: BLE001
            log.exception("refresh failed")
            self.post_message(DayFailed(generation, f"Unexpected problem while refreshing ({type(exc).__name__}).", "error"))
            return
        self.post_message(DayUpdated(generation, day))

    @work(group="team-log", exclusive=True, exit_on_error=False, description="read other desks' sends")
    async def _team_worker(self, generation: int) -> None:
        """Other desks' sends of the day's links, from Cliniko's memos; a
        failure only leaves the notes to this desk's own log."""
        day = self.day
        if day is None:
            return
        try:
            sends = await day_team_sends(self.session.client, day, self.session.clock())
        except ClinikoError as exc:
            log.info("could not read Cliniko's communications log: %s", exc.kind)
            return
        self.post_message(TeamSendsFound(generation, sends))

    def on_team_sends_found(self, message: TeamSendsFound) -> None:
        if message.generation == self.generation and self.day is not None:
            self.day.team_sends = message.sends
            self._update_sent_note()

    @staticmethod
    async def _release_previous_day() -> None:
        await asyncio.sleep(0.02)  # collected while the new day's first requests are in flight
        release_kept()

    def load_day(self, *, fresh: bool = False) -> None:
        self.generation += 1
        self.busy = True
        self.query_one(SyncHeader).sync = "loading…"
        self._load_worker(self.generation, self.requested_date, fresh)

    def refresh_changes(self) -> None:
        if self.busy or self.day is None or not self.day.complete:
            return
        self._refresh_worker(self.generation, self.day)

    def _tick(self) -> None:
        self.query_one(LinkPanel).now = self.session.clock()
        self._update_header()

    # -- messages ----------------------------------------------------------

    def on_signed_in(self, message: SignedIn) -> None:
        self.user = message.user
        if message.account:
            self.account = message.account
        self._update_header()

    def on_day_updated(self, message: DayUpdated) -> None:
        if message.generation != self.generation:
            return  # an answer for a day that is no longer on screen
        self.day = message.day
        if message.day.complete:
            self.busy = False
            self.offline_since = None
            self.last_error = None
            self._tell_problems(message.day)
            if self._team_checked != message.generation:  # once per load, not on every refresh
                self._team_checked = message.generation
                self._team_worker(message.generation)
        elif self._pending_draw is not None:
            return  # a redraw is already due: pages arriving together draw once
        elif time.monotonic() - self._last_draw < DRAW_INTERVAL:
            self._pending_draw = self.set_timer(DRAW_INTERVAL, self._draw_pending, name="draw-rows")
            return
        self._draw_rows()

    def _tell_problems(self, day: Day) -> None:
        """What the loader could not use (unreadable rows, unknown time zones),
        each said once."""
        for problem in day.problems:
            if problem not in self._told:
                self._told.add(problem)
                self.say(problem, title="Cliniko data", severity="warning", timeout=10)

    def _draw_pending(self) -> None:
        self._pending_draw = None
        self._draw_rows()

    def _draw_rows(self) -> None:
        if self._pending_draw is not None:
            self._pending_draw.stop()
            self._pending_draw = None
        self._last_draw = time.monotonic()
        self._rebuild(data_changed=True)
        self._update_header()

    def on_day_failed(self, message: DayFailed) -> None:
        if message.generation not in (self.generation, -1):
            return
        if message.generation == self.generation:
            self.busy = False
        now = self.session.clock()
        if self.offline_since is None:
            self.offline_since = now
        self.last_error = message.kind
        self.last_error_text = message.error
        self._update_header()
        self.say(message.error, title="Cliniko", severity="error", timeout=8)

    # -- drawing -----------------------------------------------------------

    def _zone(self):
        business = self.session.loader.home_business(self.day.businesses if self.day else None)
        return business_zone(business) if business else None

    def _hhmm(self, moment: datetime) -> str:
        zone = self._zone()
        return moment.astimezone(zone).strftime("%H:%M") if zone else moment.strftime("%H:%M UTC")

    def _update_header(self) -> None:
        header = self.query_one(SyncHeader)
        header.account = self.account + (" (demo sandbox)" if self.session.demo_server else "")
        if self.user is not None:
            header.user = f"{clean(self.user.name)} ({self.user.role or 'unknown role'})"
        loader = self.session.loader
        businesses = (self.day.businesses if self.day else None) or loader.locations_hint()
        business = businesses.get(loader.business_id or "")
        header.location = business.name if business else "All locations"
        if self.local_date:
            header.date_label = self.local_date.strftime("%a %d %b %Y")
        extras = []
        if self.telehealth_only:
            extras.append("Telehealth only")
        if self.filter_text:
            extras.append(f"filter “{self.filter_text}”")
        if self.privacy:
            extras.append("initials")
        suffix = (" · " + " · ".join(extras)) if extras else ""
        if self.offline_since is not None:
            reason = {
                "authentication": "API key rejected",
                "permission": "not allowed",
                "rate_limited": "rate limited",
                "server": "Cliniko unavailable",
                "protocol": "unreadable answer from Cliniko",
                "network": "offline",
                "incomplete": "Cliniko's answer came back short",
            }.get(self.last_error or "", "offline")
            since = self._hhmm(self.offline_since)
            if self.last_error == "incomplete" and self.day is not None and not self.day.complete:
                header.sync = f"{self.last_error_text}; press r{suffix}"  # rows missing: say how many
            elif self.day is not None and self.day.complete:
                header.sync = f"{reason} since {since} — showing last data{suffix}"
            elif self.day is not None:
                header.sync = f"{reason} since {since} — day incomplete, showing what loaded; press r{suffix}"
            else:
                header.sync = f"{reason} since {since} — no data yet; press r to retry{suffix}"
        elif self.busy:
            count = len(self.day.appointments) if self.day else 0
            header.sync = f"loading… {count} so far{suffix}"
        elif self.day is not None and self.day.synced_at is not None:
            shown = len(self._views)
            noun = "appointment" if shown == 1 else "appointments"
            header.sync = f"updated {self._hhmm(self.day.synced_at)} · {shown} {noun}{suffix}"

    def _haystack(self, view: AppointmentView) -> str:
        words = [view.patient_label(), view.practitioner_name, view.type_name, *(a.name for a in view.attendees)]
        return "\n".join(clean(w).casefold() for w in words)

    def _rebuild(self, *, data_changed: bool = False) -> None:
        """Re-show the rows; the day's views and their search text are rebuilt
        only when the data changed, not on every keystroke of the filter."""
        if self.day is None:
            return
        if data_changed or self._all_views is None:
            self._all_views = [(v, self._haystack(v)) for v in self.day.views()]
        pairs = self._all_views
        if self.telehealth_only:
            pairs = [(v, h) for v, h in pairs if v.telehealth == "on"]
        needle = self.filter_text.casefold().strip()
        if needle:
            pairs = [(v, h) for v, h in pairs if needle in h]
        views = [v for v, _ in pairs]
        self._views = views
        table = self.query_one(AppointmentTable)
        table.privacy = self.privacy
        table.multi_location = self.session.loader.business_id is None and len(self.day.businesses) > 1
        table.location_names = [b.name for b in self.day.businesses.values()]
        keep = self._wanted if self._user_moved else self.current_id
        if not self._user_moved and views:
            now = self.session.clock()
            due = next((v for v in views if v.appointment.ends_at > now and v.status != "cancelled"), views[-1])
            keep = due.id
        table.show(views, keep=keep)
        if table.current_key != self.current_id or not views:
            self._select(table.current_key)
        else:
            self._select(self.current_id, keep_attendee=True)

    def _select(self, appointment_id: str | None, *, keep_attendee: bool = False) -> None:
        changed = appointment_id != self.current_id
        self.current_id = appointment_id
        view = self.day.view(appointment_id) if (self.day and appointment_id) else None
        links = self.query_one(LinkPanel)
        if changed:
            self._hide_reveal()
            links.attendee_index = 0
        links.now = self.session.clock()
        self.query_one(DetailPane).view = view
        links.view = view
        self._update_sent_note()

    def _moved_by_user(self, appointment_id: str | None) -> None:
        self._user_moved = True
        self._wanted = appointment_id
        if appointment_id != self.current_id:
            self._select(appointment_id)

    def current_view(self) -> AppointmentView | None:
        return self.day.view(self.current_id) if (self.day and self.current_id) else None

    def select_appointment(self, appointment_id: str) -> bool:
        """Move the cursor to an appointment (tests and the palette use it)."""
        found = self.query_one(AppointmentTable).select(appointment_id)
        if found:
            self._user_moved = True
            self._wanted = appointment_id
        return found

    # -- filter --------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value
        self._rebuild()
        self._update_header()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(AppointmentTable).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        had = bool(box.value) or box.has_focus
        box.value = ""
        box.display = False
        self.query_one(AppointmentTable).focus()
        if had:
            self.filter_text = ""
            self._rebuild()
            self._update_header()

    # -- navigation ------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.query_one(AppointmentTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(AppointmentTable).action_cursor_up()

    def _go_to(self, local_date: date | None) -> None:
        self.requested_date = local_date
        if local_date is not None:
            self.local_date = local_date
        self.day = None
        self.current_id = None
        self._user_moved = False
        self._wanted = None
        self._views = []
        self._all_views = None
        self.query_one(AppointmentTable).clear()
        self._select(None)
        self.load_day()
        self._update_header()

    def action_prev_day(self) -> None:
        if self.local_date:
            self._go_to(self.local_date - timedelta(days=1))

    def action_next_day(self) -> None:
        if self.local_date:
            self._go_to(self.local_date + timedelta(days=1))

    def action_today(self) -> None:
        self._go_to(None)

    def action_business(self) -> None:
        loader = self.session.loader
        businesses = (self.day.businesses if self.day else None) or loader.locations_hint()
        locations = [(b.id, b.name) for b in businesses.values() if b.archived_at is None]

        def chosen(result: str | None) -> None:
            if result is None:
                return
            loader.business_id = None if result == ALL_LOCATIONS else result
            self._go_to(self.requested_date)

        self.app.push_screen(LocationPicker(locations, loader.business_id or ALL_LOCATIONS), chosen)

    def action_telehealth_only(self) -> None:
        self.telehealth_only = not self.telehealth_only
        self._rebuild()
        self._update_header()
        self.say("Showing Telehealth appointments only" if self.telehealth_only else "Showing all appointments")

    def action_refresh(self) -> None:
        self.load_day(fresh=True)

    def action_privacy(self) -> None:
        self.privacy = not self.privacy
        self.query_one(DetailPane).privacy = self.privacy
        self.query_one(LinkPanel).privacy = self.privacy
        self._rebuild()
        self._update_header()

    def action_lock(self) -> None:
        self.app.action_lock()

    def action_prev_attendee(self) -> None:
        links = self.query_one(LinkPanel)
        if links.attendee_index > 0:
            self._hide_reveal()
            links.attendee_index -= 1
            self._update_sent_note()

    def action_next_attendee(self) -> None:
        links = self.query_one(LinkPanel)
        view = links.view
        if view is not None and links.attendee_index < len(view.attendees) - 1:
            self._hide_reveal()
            links.attendee_index += 1
            self._update_sent_note()

    # -- links -----------------------------------------------------------------

    def _audit(self, action: str, view: AppointmentView, attendee_id: str, fingerprint: str) -> bool:
        """Record a reveal or copy first; when the log cannot record it the
        action is refused, with the reason (fail closed)."""
        user = self.user
        try:
            self.session.audit.record(
                action,
                user_id=user.id if user else None,
                user_name=user.name if user else None,
                appointment_id=view.id,
                attendee_id=attendee_id,
                link_role="patient",
                link_fingerprint=fingerprint,
            )
        except AuditUnavailable as exc:
            verb = {"reveal": "revealed", "copy": "copied"}[action]
            self.say(f"Patient link not {verb}: {exc.message}", title="Audit log", severity="error", timeout=10)
            return False
        return True

    def _who(self, name: str) -> str:
        return initials(name) if self.privacy else clean(name)

    def action_reveal(self) -> None:
        view = self.current_view()
        links = self.query_one(LinkPanel)
        chosen = links.selected()
        if view is None or chosen is None or chosen.link is None:
            why = f": {NOT_A_PATIENT_LINK}" if chosen is not None and chosen.link_problem else "."
            self.say(f"No patient link to reveal here{why}", severity="warning")
            return
        if not self._audit("reveal", view, chosen.attendee.id, chosen.link.fingerprint()):
            return
        links.revealed = True
        if self._reveal_timer is not None:
            self._reveal_timer.stop()
        self._reveal_timer = self.set_timer(self.session.config.ui.reveal_seconds, self._hide_reveal, name="reveal")

    def _hide_reveal(self) -> None:
        if self._reveal_timer is not None:
            self._reveal_timer.stop()
            self._reveal_timer = None
        self.query_one(LinkPanel).revealed = False

    def action_copy_patient(self) -> None:
        view = self.current_view()
        chosen = self.query_one(LinkPanel).selected()
        if view is None or chosen is None:
            self.say("No patient link here to copy.", severity="warning")
            return
        decision = view.link_eligibility(chosen, self.session.clock())
        if not decision.allowed or chosen.link is None:
            self.say(f"Patient link not copied: {decision.reason}", severity="warning")
            return
        if not self._audit("copy", view, chosen.attendee.id, chosen.link.fingerprint()):
            return
        self.app.copy_to_clipboard(chosen.link.url)
        self.say(f"Copied the PATIENT link for {self._who(chosen.name)} — anyone with it can join.", title="Copied")

    def action_copy_practitioner(self) -> None:
        view = self.current_view()
        link = view.practitioner_link if view else None
        if link is None:
            refused = view is not None and view.practitioner_link_refused
            self.say(NOT_A_PRACTITIONER_LINK if refused else "No practitioner link here to copy.", severity="warning")
            return
        self.app.copy_to_clipboard(link.url)
        note = "" if view.telehealth == "on" else " Telehealth is off for this type, so it leads nowhere."
        self.say(f"Copied the PRACTITIONER / ADMIN link — needs a Cliniko login.{note}", title="Copied")

    def _update_sent_note(self) -> None:
        links = self.query_one(LinkPanel)
        chosen = links.selected()
        note = ""
        if chosen is not None and chosen.link is not None and self.session.delivery is not None:
            try:
                previous = self.session.delivery.previous_send(chosen.link)
            except AuditUnavailable:
                previous = None
                note = "Audit log unavailable: cannot tell whether this link was sent from this desk"
            team = self.day.team_sends.get((chosen.link.appointment_id, chosen.attendee.id)) if self.day else None
            if previous is not None:
                note = f"Already sent {self._when(previous.at)} by {previous.user_name or 'unknown'} ({previous.channel})"
            elif team is not None:
                note = f"Already sent {self._when(team.at)} by {team.by} (another desk, {team.channel})"
        links.sent_note = note

    def _when(self, moment: datetime) -> str:
        zone = self._zone()
        local = moment.astimezone(zone) if zone else moment
        return local.strftime("%d %b %H:%M")

    def _plan(self, view: AppointmentView, chosen, channels: list) -> SendPlan:
        delivery = self.session.delivery
        patient = chosen.patient
        country = view.business.country_code if view.business else None
        values = message_values(patient, view.appointment, view.practitioner_name, view.business)
        options = []
        for channel in channels:
            recipient = recipient_for(patient, channel, country)
            preview = delivery.compose(channel, values, chosen.link.masked())
            body = (f"Subject: {preview.subject}\n\n" if preview.subject else "") + preview.text
            options.append(ChannelOption(channel, recipient.masked(), body))
        clinic = f"{view.local_start}–{view.local_end} {view.appointment.starts_at.astimezone(view.zone):%a %d %b} ({view.zone.key})"
        patient_time = None
        if patient.time_zone:
            pz = zone_for(patient.time_zone)
            if pz.utcoffset(view.appointment.starts_at) != view.zone.utcoffset(view.appointment.starts_at):
                patient_time = f"{view.appointment.starts_at.astimezone(pz):%H:%M %a %d %b} ({pz.key})"
        eligible = 0
        if view.kind == "group":
            now = self.session.clock()
            eligible = sum(1 for a in view.attendees if view.sendable(a, now, delivery.configured()).allowed)
        return SendPlan(
            patient=self._who(chosen.name),
            clinic_time=clinic,
            patient_time=patient_time,
            practitioner=view.practitioner_name,
            options=options,
            default=default_channel(patient, channels) or channels[0],
            group_eligible=eligible,
        )

    async def _previous_note(self, view: AppointmentView, chosen) -> PreviousNote:
        """Earlier sends of this link, from this desk's log and Cliniko's
        memos (other desks), in words for the confirmation."""
        found = await self.session.delivery.previous_sends(
            chosen.link, chosen.attendee.patient_id, view.appointment.created_at)
        lines: list[str] = []
        if found.local is not None:
            e = found.local
            lines.append(f"Already sent {self._when(e.at)} by {e.user_name or 'unknown'} ({e.channel}).")
        elif found.team is not None:
            t = found.team
            lines.append(f"Already sent {self._when(t.at)} by {t.by} (another desk, {t.channel}).")
        for problem in (found.audit_error, found.log_error):
            if problem:
                lines.append(f"{problem}: a send from {'this' if problem is found.audit_error else 'another'} "
                             "desk would not show here.")
        return PreviousNote(lines, repeat=found.local is not None or found.team is not None)

    @on(LinkPanel.SendRequested)
    def action_send(self) -> None:
        if self.sending:
            self.say("A send is already in progress.", severity="warning")
            return
        view = self.current_view()
        chosen = self.query_one(LinkPanel).selected()
        delivery = self.session.delivery
        if view is None or delivery is None:
            self.say("Choose an appointment first.", severity="warning")
            return
        decision = view.sendable(chosen, self.session.clock(), delivery.configured())
        if not decision.allowed:
            self.say(f"Not sent: {decision.reason}", severity="warning")
            return
        channels, _ = view.channels(chosen, delivery.configured())
        plan = self._plan(view, chosen, channels)
        check = partial(self._previous_note, view, chosen)

        def confirmed(choice: SendChoice | None) -> None:
            if choice is None or self.sending:
                return
            targets = [chosen]
            if choice.everyone:
                now = self.session.clock()
                targets = [a for a in view.attendees if view.sendable(a, now, delivery.configured()).allowed]
            self.sending = True
            self.query_one(LinkPanel).sending = True
            self._send_worker(view, targets, choice)

        self.app.push_screen(SendConfirmScreen(plan, check), confirmed)

    @work(group="send", exit_on_error=False)
    async def _send_worker(self, view: AppointmentView, targets: list, choice: SendChoice) -> None:
        delivery = self.session.delivery
        results: list[tuple[str, str, bool]] = []
        for attendee in targets:
            who = self._who(attendee.name)
            channels, why = view.channels(attendee, delivery.configured())
            channel = choice.channel if choice.channel in channels else (channels[0] if channels else None)
            if channel is None:
                results.append((who, f"not sent: {why}", False))
                continue
            try:
                outcome = await delivery.send(
                    attendee.link, channel, kind=view.kind, practitioner=view.practitioner_name,
                    confirm_repeat=choice.confirm_repeat or choice.everyone,
                )
            except DeliveryError as exc:
                results.append((who, exc.message, False))
            except Exception as exc:  # noqa: BLE001 - report, never crash
                log.exception("send failed")
                results.append((who, f"not sent: unexpected problem ({type(exc).__name__})", False))
            else:
                text = f"sent by {CHANNEL_WORDS[outcome.channel].lower()} to {outcome.recipient}"
                if outcome.memo_error:
                    text += f". {outcome.memo_error}"
                results.append((who, text, outcome.memo_error is None))
        self.post_message(SendFinished(results, single=not choice.everyone))

    def on_send_finished(self, message: SendFinished) -> None:
        self.sending = False
        self.query_one(LinkPanel).sending = False
        self._update_sent_note()
        if message.single and len(message.results) == 1:
            who, outcome, ok = message.results[0]
            sent = outcome.startswith("sent")
            self.say(
                f"Patient link for {who}: {outcome}" if sent else outcome,
                title="Sent" if sent else "Not sent",
                severity="information" if ok else ("warning" if sent else "error"),
                timeout=10,
            )
            return
        sent = sum(1 for _, outcome, _ in message.results if outcome.startswith("sent"))
        self.app.push_screen(ResultsScreen(f"Sent {sent} of {len(message.results)} patient links", [(w, o) for w, o, _ in message.results]))

    def action_outbox(self) -> None:
        self.app.push_screen(OutboxScreen(self.session.outbox(), demo=self.session.demo_server is not None))

    def action_audit(self) -> None:
        view = self.current_view()
        if view is None:
            self.say("Choose an appointment first.", severity="warning")
            return
        names = {a.attendee.id: self._who(a.name) for a in view.attendees}
        title = f"{view.local_start} {self._who(view.patient_label()) if view.kind == 'individual' else view.patient_label()}"
        zone = self._zone() or view.zone
        self.app.push_screen(AuditScreen(title, self.session.audit.entries(view.id), zone, names))
