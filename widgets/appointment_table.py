"""The day's appointments: a DataTable keyed by appointment id."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import DataTable

from tui.services.day import STATUS_LABELS, AppointmentView
from widgets.text import cut, initials, short_labels

TELEHEALTH_WORDS = {"on": "Telehealth", "off": "off", "unknown": "unknown → off"}


class AppointmentTable(DataTable):
    """Rows are rebuilt from views; the cursor stays on the same appointment."""

    DEFAULT_CSS = """
    AppointmentTable { height: 1fr; }
    """

    class MovedByUser(Message):
        """Staff moved the cursor themselves (so it stops following 'next due')."""

    def _moved(self) -> None:
        self.post_message(self.MovedByUser())

    def action_cursor_up(self) -> None:
        self._moved()
        super().action_cursor_up()

    def action_cursor_down(self) -> None:
        self._moved()
        super().action_cursor_down()

    def action_page_up(self) -> None:
        self._moved()
        super().action_page_up()

    def action_page_down(self) -> None:
        self._moved()
        super().action_page_down()

    def action_scroll_top(self) -> None:
        self._moved()
        super().action_scroll_top()

    def action_scroll_bottom(self) -> None:
        self._moved()
        super().action_scroll_bottom()

    async def _on_click(self, event: events.Click) -> None:
        self._moved()
        await super()._on_click(event)

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.multi_location = False
        self.location_names: list[str] = []
        self.show_location = False
        self.privacy = False
        self._keys: list[str] = []
        self._views: list[AppointmentView] = []
        self._built_width = 0
        self._locations: dict[str, str] = {}
        self._marked: str | None = None

    def _widths(self) -> dict[str, int]:
        total = max(60, (self.size.width or self.app.size.width) - 2)
        fixed = {"mark": 1, "time": 5, "telehealth": 13, "status": 14}
        columns = len(fixed) + 3 + self.show_location
        spare = total - sum(fixed.values()) - 2 * columns
        parts = {"patient": 5, "practitioner": 4, "type": 5} | ({"location": 3} if self.show_location else {})
        share = sum(parts.values())
        flex = {name: max(6, spare * weight // share) for name, weight in parts.items()}
        return fixed | flex

    def _row(self, view: AppointmentView, widths: dict[str, int]) -> list[Text]:
        cancelled = view.status == "cancelled"
        style = "strike dim" if cancelled else ""
        patient = view.patient_label()
        if self.privacy and view.kind == "individual":
            patient = initials(patient)
        status = ("✕ " if cancelled else "") + STATUS_LABELS[view.status]
        cells = [
            "▶" if view.id == self._marked else " ",
            view.local_start,
            *([cut(self._locations.get(view.business_name, view.business_name), widths["location"])] if self.show_location else []),
            cut(patient, widths["patient"]),
            cut(view.practitioner_name, widths["practitioner"]),
            cut(view.type_name, widths["type"]),
            TELEHEALTH_WORDS[view.telehealth],
            status,
        ]
        return [Text(c, style=style, no_wrap=True, overflow="ellipsis") for c in cells]

    def show(self, views: list[AppointmentView], keep: str | None = None) -> None:
        """Show *views* in order; keep the cursor on *keep* if it is still there."""
        self._views = views
        self.show_location = self.multi_location and (self.size.width or self.app.size.width) >= 100
        self._locations = short_labels(sorted(set(self.location_names) | {v.business_name for v in views}))
        widths = self._widths()
        keys = [v.id for v in views]
        columns = [" ", "Time", *(["Location"] if self.show_location else []), "Patient", "Practitioner", "Type", "Telehealth", "Status"]
        if keys == self._keys and len(self.columns) == len(columns) and self._built_width == self.size.width:
            for view in views:
                for col, cell in zip(self.columns, self._row(view, widths)):
                    self.update_cell(view.id, col, cell)
            return
        scroll_y = self.scroll_y
        self.clear(columns=True)
        order = ["mark", "time", *(["location"] if self.show_location else []), "patient", "practitioner", "type", "telehealth", "status"]
        for name, width_key in zip(columns, order):
            self.add_column(name, key=name.lower() if name.strip() else " ", width=widths[width_key])
        for view in views:
            self.add_row(*self._row(view, widths), key=view.id)
        self._keys = keys
        self._built_width = self.size.width
        if keep in keys:
            self.move_cursor(row=keys.index(keep), scroll=False)
            self.scroll_to(y=scroll_y, animate=False)
        self.mark(self.current_key)

    def mark(self, appointment_id: str | None) -> None:
        """A ▶ beside the highlighted row, so the cursor never relies on colour."""
        if appointment_id == self._marked:
            return
        for key, text in ((self._marked, " "), (appointment_id, "▶")):
            if key in self._keys:
                self.update_cell(key, " ", Text(text))
        self._marked = appointment_id if appointment_id in self._keys else None

    def on_resize(self) -> None:
        if self.size.width != self._built_width and self._views:
            keep = self.current_key
            self._keys = []
            self.show(self._views, keep=keep)

    @property
    def current_key(self) -> str | None:
        if not self._keys or self.cursor_row < 0 or self.cursor_row >= len(self._keys):
            return None
        return self._keys[self.cursor_row]

    def select(self, appointment_id: str) -> bool:
        if appointment_id not in self._keys:
            return False
        self._moved()
        self.move_cursor(row=self._keys.index(appointment_id))
        return True
