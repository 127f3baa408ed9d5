"""The console's moves: the cursor, the filter, another day or location,
Telehealth only, privacy, reload, which pane shows (narrow) and lock. A part of :class:`MainScreen`
(its actions must live on the screen, where the keys are bound), kept here
so the screen's own file is about composing and routing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from textual import events
from textual.widgets import Input

from frontdesk.domain.clock import weekday_date
from frontdesk.screens.console import Console
from frontdesk.screens.modals import ALL_LOCATIONS, LocationPicker, PractitionerPicker
from frontdesk.services.pickers import location_choices, practitioner_choices
from frontdesk.widgets.filter_box import FilterBox
from frontdesk.widgets.link_panel import LinkPanel


class Navigation:
    """Part of :class:`~frontdesk.screens.main.MainScreen`; each method is given
    the screen as a :class:`~frontdesk.screens.console.Console`."""

    def action_filter(self: Console) -> None:
        self.query_one(FilterBox).open()

    # naming-convention handlers: an ``@on`` handler is only seen on Textual's own classes
    def on_input_changed(self: Console, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.state.filter_text = event.value
            self.show_rows()
            self.update_header()

    def on_input_submitted(self: Console, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.table.focus()

    def action_clear_filter(self: Console) -> None:
        had = self.query_one(FilterBox).close()
        self.table.focus()
        if had:
            self.state.filter_text = ""
            self.show_rows()
            self.update_header()

    def action_cursor_down(self: Console) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self: Console) -> None:
        self.table.action_cursor_up()

    def go_to_day(self: Console, local_date: date | None) -> None:
        self.state.go_to(local_date)
        self.table.clear()
        self.show_appointment(None)
        self.load_day()
        self.update_header()

    def _follow_today(self: Console, now: datetime) -> bool:
        """Past midnight, a console on today moves to the new today (and
        says so); True when it did."""
        new_day = self.state.day_turned(now)
        if new_day is None:
            return False
        self.say(f"Midnight passed: now showing today, {weekday_date(new_day)}.", title="New day", timeout=15)
        self.state.local_date = new_day  # the header says the new date while it loads
        self.go_to_day(None)
        return True

    def action_prev_day(self: Console) -> None:
        if self.state.local_date:
            self.go_to_day(self.state.local_date - timedelta(days=1))

    def action_next_day(self: Console) -> None:
        if self.state.local_date:
            self.go_to_day(self.state.local_date + timedelta(days=1))

    def action_today(self: Console) -> None:
        self.go_to_day(None)

    def action_business(self: Console) -> None:
        loader = self.session.loader
        businesses = (self.day.businesses if self.day else None) or loader.locations_hint()
        locations = location_choices(businesses.values())

        def chosen(result: str | None) -> None:
            if result is not None:
                loader.business_id = None if result == ALL_LOCATIONS else result
                self.go_to_day(self.state.requested_date)

        self.app.push_screen(LocationPicker(locations, loader.business_id or ALL_LOCATIONS), chosen)

    def action_practitioner(self: Console) -> None:
        """One practitioner's day (or everyone's): the list, up next and the
        header follow; the choice stays through other days and refreshes."""
        if self.day is None:
            self.say("The day is still loading: choose a practitioner once it has.", severity="warning")
            return
        choices = practitioner_choices(self.day.practitioners.values(), self.state.views_of_day(),
                                       self.state.practitioner_id)

        def chosen(result: str | None) -> None:
            if result is not None:
                self.state.choose_practitioner(None if result == ALL_LOCATIONS else result)
                self.show_rows()
                self.update_header()
                self.update_up_next()

        self.app.push_screen(PractitionerPicker(choices, self.state.practitioner_id or ALL_LOCATIONS), chosen)

    def action_telehealth_only(self: Console) -> None:
        self.state.telehealth_only = not self.state.telehealth_only
        self.show_rows()
        self.update_header()
        self.say("Showing Telehealth appointments only" if self.state.telehealth_only else "Showing all appointments")

    def action_refresh(self: Console) -> None:
        self.load_day(fresh=True)

    def action_privacy(self: Console) -> None:
        self.privacy = not self.privacy

    def action_toggle_pane(self: Console) -> None:
        """Narrow: links ⇄ details in the lower pane. Wide (both shown): the
        details take the focus, to be scrolled."""
        if self.has_class("narrow"):
            self.show_pane("details" if self.pane == "links" else "links")
        else:
            self.query_one("#detail-box").focus()

    def show_pane(self: Console, pane: str) -> None:
        """Narrow, the lower pane shows the links or the details (`d` switches);
        its top edge says which, and how to get to the other."""
        self.pane = pane
        self.set_class(pane == "details", "show-details")
        self.set_class(pane == "links", "show-links")
        self.fit_panes()
        if self.has_class("narrow"):
            # focus must not stay on the pane just hidden (keys would go nowhere)
            hidden = self.query_one("#detail-box" if pane == "links" else LinkPanel)
            focused = self.focused
            if focused is None:
                self.table.focus()
            elif focused is hidden or hidden in focused.ancestors:
                self.query_one("#attendee-links" if pane == "links" else "#detail-box").focus()

    def action_lock(self: Console) -> None:
        self.app.action_lock()

    def fit_panes(self: Console) -> None:
        """Stacked, the lower pane is as small as what matters (the chosen
        row's link line and its send state: one line each on a short
        terminal), and grows while staff are in it (tab) or reading the
        details (d)."""
        narrow = self.has_class("narrow")
        focused = self.focused
        inside = focused is not None and any(node.id == "side" for node in focused.ancestors_with_self)
        grown = narrow and (self.pane == "details" or inside)
        self.set_class(grown, "grown")
        self.links.compact = compact = narrow and self.has_class("short") and not grown
        other = "links" if self.pane == "details" else "details"
        tab = "tab shows all" if compact else "tab scrolls"
        self.query_one("#side").border_title = f"{self.pane.capitalize()} · d {other} · {tab}" if narrow else ""

    def on_descendant_focus(self: Console, _: events.DescendantFocus) -> None:
        self.fit_panes()
