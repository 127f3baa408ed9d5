"""The front desk's morning in the console: arrivals (A, D), who is where
(the status filter, w), the next Telehealth call (u and its strip), a
patient's next days (ctrl+f), and the row marks all of these read. A part
of :class:`MainScreen`, like :class:`Navigation`: actions must live on the
screen, where the keys are bound."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Protocol

from frontdesk.paths import exports_dir, saved_where, write_private_text
from frontdesk.screens.arrival_flow import ArrivalFlow, ArrivalSaved
from frontdesk.screens.console import Console
from frontdesk.screens.console_state import STATUS_FILTER_WORDS
from frontdesk.screens.day_feed import DayFeed, SendsRead
from frontdesk.screens.row_watch import RowWatch
from frontdesk.services.audit import AuditUnavailable
from frontdesk.services.day import AppointmentView, Day
from frontdesk.services.day_sheet import day_sheet_csv, for_excel
from frontdesk.services.failure import failure_words
from frontdesk.services.row_words import list_start
from frontdesk.widgets.filter_box import FilterBox
from frontdesk.widgets.up_next import UpNextStrip

if TYPE_CHECKING:
    from frontdesk.screens.lookup import FoundAppointment


class Desk(Console, Protocol):
    """The screen as these methods see it: a console with its arrivals
    and its row watch."""

    arrivals: ArrivalFlow
    rows: RowWatch
    feed: DayFeed


class FrontDesk:
    """Part of :class:`~frontdesk.screens.main.MainScreen`; each method is given
    the screen as a :class:`Desk`."""

    def refresh_marks(self: Desk, *, time_only: bool = False) -> None:
        """Rows' marks again: all of them (other desks' sends arrived), or
        with *time_only* (the clock's tick) just the video calls that began
        being late or ended since the last look: on a 5,000-row day a tick
        redoes a handful of rows, not all of them."""
        now, since = self.session.clock(), self.rows.looked_at
        views = self.state.views_of_day()
        if time_only and since is not None:
            views = [v for v in self.state.calls() if self.rows.time_moved(v, since, now)]
            self.rows.looked_at = now
        fresh = self.rows.all_marks(views) if views else {}
        changed = [v for v in views if self.state.marks.get(v.id) != fresh[v.id]]
        self.state.marks.update((v.id, fresh[v.id]) for v in changed)  # unchanged rows keep their cached lines
        self.table.marks = self.state.marks
        self.rows.nudge(changed, self.state.marks)
        if changed:
            if self.state.status_filter != "all":
                self.show_rows()
            else:
                self.table.update_rows(changed)
        self.update_up_next()

    def read_sends(self: Desk) -> None:
        """Read this desk's sends of the day again (off the UI loop); the
        marks, notes and up next follow when they arrive."""
        self.feed.read_sends(self.state.generation, [v.id for v in self.state.views_of_day()])

    def on_sends_read(self: Desk, message: SendsRead) -> None:
        if message.generation != self.state.generation:
            return  # for a day no longer on screen
        self.state.sent = message.ledger
        self.refresh_marks()
        self.show_appointment(self.state.current_id)

    def update_up_next(self: Desk) -> None:
        strip = self.query_one(UpNextStrip)
        upcoming = self.rows.up_next(self.state.calls())
        # the call's own day, on the list's clock (a day's first Auckland call can be tonight in Sydney)
        when = upcoming.view.appointment.starts_at if upcoming else None
        strip.not_today = self.state.not_today(when, self.session.clock())
        strip.upcoming = upcoming
        strip.looked = self.day is not None and self.day.complete

    def swap_day(self: Desk, day: Day, changed: str) -> None:
        """A new Day made here (an arrival and Cliniko's answer to it), with
        the one appointment it changed: swapped in and that row redrawn."""
        self.state.loaded(day)
        self.appointment_changed(changed)

    def appointment_changed(self: Desk, appointment_id: str) -> None:
        """One appointment changed here (an arrival, a send): its row, its
        marks and the panes, without rebuilding the list."""
        view = self.day.view(appointment_id) if self.day is not None else None
        if view is None:
            return
        self.state.replace(view)
        self.state.marks[view.id] = self.rows.marks_of(view)
        if self.state.status_filter != "all" and not self.state.passes_status(view):
            self.show_rows()
        else:
            self.table.update_rows([view])
        if appointment_id == self.state.current_id:
            self.show_appointment(appointment_id)
        self.update_up_next()

    def action_arrived(self: Desk) -> None:
        self.arrivals.toggle("arrived", self.links.chosen)

    def action_did_not_arrive(self: Desk) -> None:
        self.arrivals.toggle("did_not_arrive", self.links.chosen)

    def on_arrival_saved(self: Desk, message: ArrivalSaved) -> None:
        self.arrivals.saved(message)

    def action_status_filter(self: Desk) -> None:
        step = self.state.next_status_filter()
        self.show_rows()
        self.update_header()
        self.say(f"Showing: {STATUS_FILTER_WORDS[step] or 'all appointments'}")

    def action_find_patient(self: Desk) -> None:
        from frontdesk.screens.lookup import LookupScreen  # loads when first needed, not at start

        session = self.session
        self.app.push_screen(LookupScreen(session.lookup, session.clock, session.channels(), private=self.privacy), self._open_found)

    def _open_found(self: Desk, found: FoundAppointment | None) -> None:
        """Open a looked-up appointment in the day list, on its own date (all
        locations, if it is at another than the one chosen)."""
        if found is None:
            return
        loader = self.session.loader
        if loader.business_id is not None and loader.business_id != found.business_id:
            loader.business_id = None
        on_screen = self.day is not None and self.state.local_date == found.local_date and found.appointment_id in {
            v.id for v in self.state.views_of_day()}
        self._show_everything(redraw=on_screen)
        if on_screen:
            self.select_appointment(found.appointment_id)
        else:
            self.go_to_day(found.local_date)
            self.state.moved_to(found.appointment_id)  # the cursor lands on it once the day has loaded

    def action_up_next(self: Desk) -> None:
        upcoming = self.query_one(UpNextStrip).upcoming
        if upcoming is None:
            self.say("No Telehealth call left today.", severity="warning")
            return
        if upcoming.view.id not in {v.id for v in self.state.shown}:
            self._show_everything(redraw=True)  # filters hid it
        self.select_appointment(upcoming.view.id)

    def _show_everything(self: Desk, *, redraw: bool) -> None:
        """No filter of any kind: what staff asked to see must be on screen."""
        self.query_one(FilterBox).close()
        self.state.filter_text, self.state.status_filter, self.state.telehealth_only = "", "all", False
        if redraw:
            self.show_rows()
            self.update_header()

    def action_sweep(self: Desk) -> None:
        """The morning sweep over the list's day (one practitioner's, when one
        is chosen; the next ``[ui] sweep_hours`` when set): who would be sent,
        checked and unticked by staff before y."""
        day = self.day
        if day is None or not day.complete:
            self.say("The day is still loading: sweep it once it has.", severity="warning")
            return
        from frontdesk.screens.sweep import SweepScreen  # these load when first needed, not at start
        from frontdesk.services.sweep import plan_sweep

        state, session = self.state, self.session
        views = [v for v in state.views_of_day() if state.theirs(v)]
        hours = session.config.ui.sweep_hours
        now = session.clock()

        def plan(skip_reminded: bool):
            return plan_sweep(views, now, session.channels(), state.sent.all() or {}, day.team_sends, self.when,
                              within=timedelta(hours=hours) if hours else None, skip_reminded=skip_reminded)

        time_of = partial(list_start, zone=state.zone, on=day.local_date)

        def done(sent: int | None) -> None:
            if sent:
                self.read_sends()  # the sent marks, notes and up next
                self.say(f"Sweep: {sent} patient link{'s' * (sent != 1)} sent.", title="Sent")

        trouble = f"this desk's audit log cannot be read ({state.sent.trouble})" if state.sent.trouble else None
        self.app.push_screen(SweepScreen(plan, session.delivery, self.who, time_of, trouble), done)

    def action_export_day_sheet(self: Desk) -> None:
        """The day as CSV (no links) in the documents folder, 0600; who
        exported it is in the audit log. The log and the file are read and
        written off the UI loop."""
        day = self.day
        if day is None or not day.complete:
            self.say("The day is still loading: export it once it has.", severity="warning")
            return
        self.run_worker(self._export(day, self.state.views_of_day()), group="day-sheet", exclusive=True,
                        exit_on_error=False, description="save the day sheet")

    async def _export(self: Desk, day: Day, views: list[AppointmentView]) -> None:
        session = self.session
        try:
            mine = await asyncio.to_thread(session.audit.sends_for, [v.id for v in views])
        except AuditUnavailable as exc:
            self.say(f"Day sheet not saved: {exc.message}", title="Audit log", severity="error", timeout=10)
            return
        text = day_sheet_csv(views, session.clock(), mine=mine, team=day.team_sends, configured=session.channels())
        where = f"-{day.business_id}" if day.business_id else ""
        path = exports_dir() / f"day-sheet-{day.local_date.isoformat()}{where}.csv"
        try:
            await asyncio.to_thread(write_private_text, path, for_excel(text))  # for Excel, where staff open it
        except OSError as exc:
            self.say(f"Day sheet not saved to {path}: {failure_words(exc, 'save the day sheet')}.",
                     severity="error", timeout=10)
            return
        user = self.user
        try:
            await asyncio.to_thread(partial(session.audit.record, "export", user_id=user.id if user else None,
                                            user_name=user.name if user else None, appointment_id=None,
                                            detail=f"day sheet {path}"))
        except AuditUnavailable:
            pass  # the sheet has no links; the log's trouble was said when it began
        self.say(f"Day sheet saved (no links, only you can read it) {saved_where(path)}", title="Exported",
                 timeout=12)

