"""The console's keys. Every binding has an id (remap it in the config's
``[ui.keys]``) and a tooltip (``?`` lists them, as mapped)."""

from __future__ import annotations

from textual.binding import Binding

from frontdesk.widgets.link_panel import LinkPanel

CONSOLE_KEYS = [
    Binding("j", "cursor_down", "Down", show=False, id="down", tooltip="Next appointment (also ↓)"),
    Binding("k", "cursor_up", "Up", show=False, id="up", tooltip="Previous appointment (also ↑)"),
    Binding("slash", "filter", "Filter", id="filter", tooltip="Filter by patient, practitioner or type"),
    Binding("escape", "clear_filter", "Clear filter", show=False, id="clear-filter", tooltip="Clear the filter"),
    Binding("left_square_bracket", "prev_day", "Prev day", show=False, id="prev-day", tooltip="Previous day"),
    Binding("right_square_bracket", "next_day", "Next day", show=False, id="next-day", tooltip="Next day"),
    Binding("t", "today", "Today", show=False, id="today", tooltip="Back to today"),
    Binding("b", "business", "Location", show=False, id="business", tooltip="Choose a location; lists each location tag (SYD, AUC…) with its name and clock"),
    Binding("P", "practitioner", "Practitioner", show=False, id="practitioner",
            tooltip="Show one practitioner's day (or all); the header says whose list it is"),
    Binding("f", "telehealth_only", "Telehealth only", show=False, id="telehealth-only", tooltip="Show only Telehealth appointments"),
    *LinkPanel.KEYS,  # v c p s , . (the link panel's own keys)
    Binding("d", "toggle_pane", "Links/details", show=False, id="details", tooltip="Switch the lower pane between the links and the details"),
    Binding("A", "arrived", "Arrived", show=False, id="arrived",
            tooltip="Mark the patient arrived in Cliniko (again: clear it)"),
    Binding("D", "did_not_arrive", "Did not arrive", show=False, id="did-not-arrive",
            tooltip="Mark the patient did not arrive in Cliniko (again: clear it)"),
    Binding("w", "status_filter", "Who", show=False, id="status-filter",
            tooltip="Show all → not arrived yet → late? → link not sent"),
    Binding("S", "sweep", "Sweep", show=False, id="sweep",
            tooltip="Send every Telehealth patient's link not yet sent: the list to check first, then y"),
    Binding("u", "up_next", "Up next", show=False, id="up-next", tooltip="Jump to the next Telehealth call"),
    Binding("ctrl+f", "find_patient", "Find patient", show=False, id="find-patient",
            tooltip="Find a patient's appointments in the next 14 days"),
    Binding("r", "refresh", "Refresh", id="refresh", tooltip="Reload the whole day from Cliniko"),
    Binding("o", "outbox", "Outbox", show=False, id="outbox", tooltip="What was delivered"),
    Binding("a", "audit", "Audit", show=False, id="audit", tooltip="Audit log of the selected appointment"),
    Binding("i", "privacy", "Initials", show=False, id="privacy", tooltip="Show patient names as initials (shared screen)"),
    Binding("ctrl+l", "lock", "Lock", show=False, id="lock", tooltip="Lock the screen now"),
]
