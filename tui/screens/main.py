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

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input

from tui.cliniko.errors import AuthenticationError, ClinikoError, NetworkError, RateLimitedError, ServerError
from tui.cliniko.models import User
from tui.domain.contact import CHANNEL_WORDS, default_channel, recipient_for
from tui.domain.timezones import zone_for
from tui.screens.logs import AuditScreen, OutboxScreen
from tui.screens.modals import ALL_LOCATIONS, LocationPicker
from tui.screens.send import ChannelOption, ResultsScreen, SendChoice, SendConfirmScreen, SendPlan
from tui.services.delivery.errors import DeliveryError
from tui.services.delivery.service import message_values
from tui.services.day import AppointmentView, Day
from tui.services.early_load import EarlyLoad
from tui.services.gc_pause import gc_paused, release_kept
from tui.services.session import Session
from widgets.appointment_table import AppointmentTable
from widgets.detail_pane import DetailPane
from widgets.link_panel import LinkPanel
from widgets.sync_header import SyncHeader
from widgets.text import initials, plain

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
        ui = self.session.config.ui
        self.set_interval(ui.refresh_seconds, self.refresh_changes, name="auto-refresh")
        self.set_interval(30, self._tick, name="clock")

    def on_resize(self) -> None:
        self._apply_width(self.app.size.width)

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
        account = None
        try:
            settings = await self.session.client.get("/settings/public")
            account = (settings.get("account") or {}).get("name")
        except ClinikoError:
            pass  # the account name is a nicety; the header falls back
        self.post_message(SignedIn(user, account))

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

    @work(group="refresh", exclusive=True, exit_on_error=False)
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
        elif self._pending_draw is not None:
            return  # a redraw is already due: pages arriving together draw once
        elif time.monotonic() - self._last_draw < DRAW_INTERVAL:
            self._pending_draw = self.set_timer(DRAW_INTERVAL, self._draw_pending, name="draw-rows")
            return
        self._draw_rows()

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
        self._update_header()
        self.notify(message.error, title="Cliniko", severity="error", timeout=8, markup=False)

    # -- drawing -----------------------------------------------------------

    def _zone(self):
        business = self.session.loader.home_business(self.day.businesses if self.day else None)
        return business.zone() if business else None

    def _hhmm(self, moment: datetime) -> str:
        zone = self._zone()
        return moment.astimezone(zone).strftime("%H:%M") if zone else moment.strftime("%H:%M UTC")

    def _update_header(self) -> None:
        header = self.query_one(SyncHeader)
        header.account = self.account + (" (demo sandbox)" if self.session.demo_server else "")
        if self.user is not None:
            header.user = f"{plain(self.user.name)} ({self.user.role or 'unknown role'})"
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
            }.get(self.last_error or "", "offline")
            since = self._hhmm(self.offline_since)
            if self.day is not None and self.day.complete:
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
        return "\n".join(plain(w).casefold() for w in words)

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
        self.notify("Showing Telehealth appointments only" if self.telehealth_only else "Showing all appointments", markup=False)

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

    def _audit(self, action: str, view: AppointmentView, attendee_id: str, fingerprint: str) -> None:
        user = self.user
        self.session.audit.record(
            action,
            user_id=user.id if user else None,
            user_name=user.name if user else None,
            appointment_id=view.id,
            attendee_id=attendee_id,
            link_role="patient",
            link_fingerprint=fingerprint,
        )

    def _who(self, name: str) -> str:
        return initials(name) if self.privacy else plain(name)

    def action_reveal(self) -> None:
        view = self.current_view()
        links = self.query_one(LinkPanel)
        chosen = links.selected()
        if view is None or chosen is None or chosen.link is None:
            self.notify("No patient link to reveal here.", severity="warning", markup=False)
            return
        self._audit("reveal", view, chosen.attendee.id, chosen.link.fingerprint())
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
            self.notify("No patient link here to copy.", severity="warning", markup=False)
            return
        decision = view.link_eligibility(chosen, self.session.clock())
        if not decision.allowed or chosen.link is None:
            self.notify(f"Patient link not copied: {decision.reason}", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(chosen.link.url)
        self._audit("copy", view, chosen.attendee.id, chosen.link.fingerprint())
        self.notify(
            f"Copied the PATIENT link for {self._who(chosen.name)} — anyone with it can join.",
            title="Copied", markup=False,
        )

    def action_copy_practitioner(self) -> None:
        view = self.current_view()
        link = view.practitioner_link if view else None
        if link is None:
            self.notify("No practitioner link here to copy.", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(link.url)
        note = "" if view.telehealth == "on" else " Telehealth is off for this type, so it leads nowhere."
        self.notify(f"Copied the PRACTITIONER / ADMIN link — needs a Cliniko login.{note}", title="Copied", markup=False)

    def _update_sent_note(self) -> None:
        links = self.query_one(LinkPanel)
        chosen = links.selected()
        note = ""
        if chosen is not None and chosen.link is not None and self.session.delivery is not None:
            previous = self.session.delivery.previous_send(chosen.link)
            if previous is not None:
                note = f"Already sent {self._when(previous.at)} by {previous.user_name or 'unknown'} ({previous.channel})"
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
        previous = delivery.previous_send(chosen.link)
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
            previous=f"{self._when(previous.at)} by {previous.user_name or 'unknown'}" if previous else None,
            group_eligible=eligible,
        )

    @on(LinkPanel.SendRequested)
    def action_send(self) -> None:
        if self.sending:
            self.notify("A send is already in progress.", severity="warning", markup=False)
            return
        view = self.current_view()
        chosen = self.query_one(LinkPanel).selected()
        delivery = self.session.delivery
        if view is None or delivery is None:
            self.notify("Choose an appointment first.", severity="warning", markup=False)
            return
        decision = view.sendable(chosen, self.session.clock(), delivery.configured())
        if not decision.allowed:
            self.notify(f"Not sent: {decision.reason}", severity="warning", markup=False)
            return
        channels, _ = view.channels(chosen, delivery.configured())
        plan = self._plan(view, chosen, channels)

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

        self.app.push_screen(SendConfirmScreen(plan), confirmed)

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
            self.notify(
                f"Patient link for {who}: {outcome}" if sent else outcome,
                title="Sent" if sent else "Not sent",
                severity="information" if ok else ("warning" if sent else "error"),
                timeout=10,
                markup=False,
            )
            return
        sent = sum(1 for _, outcome, _ in message.results if outcome.startswith("sent"))
        self.app.push_screen(ResultsScreen(f"Sent {sent} of {len(message.results)} patient links", [(w, o) for w, o, _ in message.results]))

    def action_outbox(self) -> None:
        self.app.push_screen(OutboxScreen(self.session.outbox(), demo=self.session.demo_server is not None))

    def action_audit(self) -> None:
        view = self.current_view()
        if view is None:
            self.notify("Choose an appointment first.", severity="warning", markup=False)
            return
        names = {a.attendee.id: self._who(a.name) for a in view.attendees}
        title = f"{view.local_start} {self._who(view.patient_label()) if view.kind == 'individual' else view.patient_label()}"
        zone = self._zone() or view.zone
        self.app.push_screen(AuditScreen(title, self.session.audit.entries(view.id), zone, names))
