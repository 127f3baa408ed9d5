"""The day's appointments: a DataTable keyed by appointment id."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets._data_table import Row, RowKey

from tui.services.day import STATUS_LABELS, AppointmentView
from widgets.text import cut, initials, short_labels

TELEHEALTH_WORDS = {"on": "Telehealth", "off": "off", "unknown": "unknown → off"}


class CursorMark:
    """The first cell of each row: ▶ on the highlighted row, so the cursor
    never relies on colour. It reads the cursor when drawn, and DataTable
    redraws exactly the rows the cursor left and entered, so moving the
    cursor updates no cell (an update would redraw the whole table)."""

    def __init__(self, table: "AppointmentTable", appointment_id: str) -> None:
        self.table = table
        self.appointment_id = appointment_id

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Segment("▶" if self.table.current_key == self.appointment_id else " ")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, 1)


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
        self._marks: dict[str, CursorMark] = {}
        #: per appointment: (its cached cells' identity, RowKey, row data, Row), reused by rebuilds
        self._row_cache: dict[str, tuple[object, RowKey, dict, Row]] = {}
        self._raws: dict[str, tuple[str, ...]] = {}
        self._raw_cache: dict[str, tuple[AppointmentView, tuple[bool, bool], tuple[str, ...]]] = {}
        self._cell_cache: dict[tuple, list[Text]] = {}

    def _widths(self) -> dict[str, int]:
        total = max(60, (self.size.width or self.app.size.width) - 2)
        fixed = {"mark": 1, "time": 5, "telehealth": 13, "status": 14}
        columns = len(fixed) + 3 + self.show_location
        spare = total - sum(fixed.values()) - 2 * columns
        parts = {"patient": 5, "practitioner": 4, "type": 5} | ({"location": 3} if self.show_location else {})
        share = sum(parts.values())
        flex = {name: max(6, spare * weight // share) for name, weight in parts.items()}
        return fixed | flex

    def _raw(self, view: AppointmentView) -> tuple[str, ...]:
        """The row's words, before cutting: the cache key of its cells.
        Cached per view object, so re-showing the same views (filtering) is cheap."""
        cached = self._raw_cache.get(view.id)
        flags = (self.privacy, self.show_location)
        if cached is not None and cached[0] is view and cached[1] == flags:
            body = cached[2]
        else:
            body = self._raw_body(view)
            self._raw_cache[view.id] = (view, flags, body)
        return body

    def _raw_body(self, view: AppointmentView) -> tuple[str, ...]:
        patient = view.patient_label()
        if self.privacy and view.kind == "individual":
            patient = initials(patient)
        cancelled = view.status == "cancelled"
        return (
            view.local_start,
            *((self._locations.get(view.business_name, view.business_name),) if self.show_location else ()),
            patient,
            view.practitioner_name,
            view.type_name,
            TELEHEALTH_WORDS[view.telehealth],
            ("✕ " if cancelled else "") + STATUS_LABELS[view.status],
        )

    def _cells(self, appointment_id: str, raw: tuple[str, ...], widths: list[int]) -> list:
        key = (raw, tuple(widths))
        cells = self._cell_cache.get(key)
        if cells is None:
            style = "strike dim" if raw[-1].startswith("✕") else ""
            cells = [Text(cut(value, width), style=style, no_wrap=True, overflow="ellipsis") for value, width in zip(raw, widths[1:])]
            if len(self._cell_cache) > 50_000:
                self._cell_cache.clear()
            self._cell_cache[key] = cells
        return [self._marks.setdefault(appointment_id, CursorMark(self, appointment_id)), *cells]

    def show(self, views: list[AppointmentView], keep: str | None = None) -> None:
        """Show *views* in order; keep the cursor on *keep* if it is still there.

        Same rows with a few changes: only changed cells are updated (each
        update redraws the table). Otherwise the table is rebuilt in one pass
        (``_replace_rows``), which is cheaper than many updates."""
        self._views = views
        self.show_location = self.multi_location and (self.size.width or self.app.size.width) >= 100
        self._locations = short_labels(sorted(set(self.location_names) | {v.business_name for v in views}))
        widths = self._widths()
        names = ["mark", "time", *(["location"] if self.show_location else []), "patient", "practitioner", "type", "telehealth", "status"]
        width_list = [widths[n] for n in names]
        keys = [v.id for v in views]
        columns = [" ", "Time", *(["Location"] if self.show_location else []), "Patient", "Practitioner", "Type", "Telehealth", "Status"]
        raws = {v.id: self._raw(v) for v in views}
        same_layout = len(self.columns) == len(columns) and self._built_width == self.size.width
        changed = sum(1 for key, raw in raws.items() if self._raws.get(key) != raw)
        if keys == self._keys and same_layout and changed <= 40:
            column_keys = [c.key for c in self.ordered_columns][1:]
            for key, raw in raws.items():
                old = self._raws.get(key)
                if old == raw:
                    continue
                for index, (cell, column) in enumerate(zip(self._cells(key, raw, width_list)[1:], column_keys)):
                    if old is None or old[index] != raw[index]:
                        self.update_cell(key, column, cell)
                self._raws[key] = raw
            return
        scroll_y = self.scroll_y
        self.clear(columns=True)
        for name, width in zip(columns, width_list):
            self.add_column(name, key=name.lower() if name.strip() else " ", width=width)
        self._replace_rows([(key, self._cells(key, raws[key], width_list)) for key in keys])
        self._raws = raws
        self._keys = keys
        self._built_width = self.size.width
        if keep in keys:
            self.move_cursor(row=keys.index(keep), scroll=False)
            self.scroll_to(y=scroll_y, animate=False)

    def _replace_rows(self, rows: list[tuple[str, list[Text]]]) -> None:
        """``add_row`` for many rows at once, without re-validating the cursor
        after each one or measuring fixed-width cells (together those made a
        5,000-row rebuild take over a second). Mirrors DataTable.add_row of
        Textual 8.x; the table has just been cleared."""
        columns = self.ordered_columns
        for key, cells in rows:
            cached = self._row_cache.get(key)
            if cached is None or cached[0] is not cells[1]:
                row_key = RowKey(key)
                data = {column.key: cell for column, cell in zip(columns, cells)}
                cached = self._row_cache[key] = (cells[1], row_key, data, Row(row_key, 1, None, False))
            _, row_key, data, row = cached
            self._row_locations[row_key] = len(self.rows)
            self._data[row_key] = data
            self.rows[row_key] = row
            # not added to _new_rows: every column has a fixed width and every
            # row a height of 1, so there is nothing to measure
        self._require_update_dimensions = True
        self._update_count += 1
        self.cursor_coordinate = self.cursor_coordinate
        if rows and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self.check_idle()

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
