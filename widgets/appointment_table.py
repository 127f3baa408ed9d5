"""The day's appointments: one pre-formatted line per appointment, drawn with
Textual's line API.

A line is built once per (row words, column widths) and cached; drawing a
screenful is slicing strings, so moving the cursor, filtering 5,000 rows or
scrolling costs a few lines of work, not a table rebuild. The highlighted row
carries a ▶ in its first column, so the cursor never relies on colour.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from frontdesk.domain.terms import ours
from frontdesk.domain.clock import current as clock_style
from frontdesk.domain.clock import time_width
from frontdesk.domain.wording import location_codes, short_labels
from frontdesk.safe_text import column_widths
from frontdesk.services.day import AppointmentView
from frontdesk.services.row_marks import RowMarks
from frontdesk.services.row_words import CANCELLED, ListShape, row_words
from frontdesk.widgets.text import fit

COLUMN_TITLES = {"time": "Time", "location": "Location", "patient": "Patient", "practitioner": "Practitioner",
                 "type": "Type", "telehealth": "Telehealth", "sent": "Sent", "status": "Status"}
_PAD = 1  # blank cells either side of every column
WIDE = 100  # from this width the words are the long ones
NAMED = 140  # from this width locations are named; below, a three-letter tag (b lists them)


class AppointmentTable(ScrollView, can_focus=True):
    """Rows are rebuilt from views; the cursor stays on the same appointment."""

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]

    COMPONENT_CLASSES = {"appointment-table--header", "appointment-table--cursor", "appointment-table--cancelled"}

    DEFAULT_CSS = """
    AppointmentTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        & > .appointment-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .appointment-table--cancelled { text-style: strike dim; }
        & > .appointment-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .appointment-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    #: the appointment staff moved the cursor to. Rows re-shown by ``show``
    #: set it quietly, so watching it (``self.watch(table, "chosen", …)``)
    #: sees only staff's moves, in the same tick as the move: the row and
    #: whatever the watcher updates are painted in one frame.
    chosen: reactive[str | None] = reactive(None, init=False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.multi_location = False
        self.location_names: list[str] = []
        self.show_location = False
        #: the one clock every row's time is read on (the header names it):
        #: with several locations, times then never go backwards down the list
        self.list_zone: ZoneInfo | None = None
        #: the day shown: a row that falls on another date on the list's
        #: clock (an Auckland morning is the evening before in Sydney) says so
        self.list_date: date | None = None
        self._other_dates = False
        self.privacy = False
        self.cursor_row = 0
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._lines: list[str] = []  # each row after its cursor column
        self._cancelled: list[bool] = []
        self._views: list[AppointmentView] = []
        self._header = ""
        self._columns: list[tuple[str, int]] = []
        self._built_width = 0
        self._locations: dict[str, str] = {}
        self._row_cache: dict[str, tuple[AppointmentView, tuple, RowMarks | None, tuple[str, bool]]] = {}
        #: each row's sent and late marks, by appointment id
        self.marks: dict[str, RowMarks] = {}
        self._shape: tuple = ()
        self._line_cache: dict[tuple, str] = {}
        self._styles: dict[tuple[bool, bool], Style] | None = None
        self._header_style = Style()

    # -- columns and words ----------------------------------------------------

    def _width(self) -> int:
        return self.size.width or self.app.size.width

    def _narrow(self) -> bool:
        return self._width() < WIDE

    def _tagged(self) -> bool:
        """Locations as three-letter tags: a name would squeeze the patient."""
        return self._width() < NAMED

    def _widths(self) -> dict[str, int]:
        """Fixed columns for time, location and the words; the names share
        the rest. Narrow (an SSH terminal's 80 columns) the words are the
        short ones and the location is a three-letter tag."""
        narrow = self._narrow()
        fixed = {"mark": 1, "time": time_width() + (4 if self._other_dates else 0), "telehealth": 11 if narrow else 13, "sent": 1 if narrow else 4,
                 "status": 13 if narrow else 14}
        weights = {"patient": 6, "practitioner": 4, "type": 5}
        if self.show_location:
            longest = max((cell_len(label) for label in self._locations.values()), default=3)
            fixed |= {"location": 3 if self._tagged() else min(16, longest)}
        return column_widths(max(60, self._width() - 2), fixed, weights, gap=2 * _PAD)

    def _raw(self, view: AppointmentView) -> tuple[str, ...]:
        """The row's words before fitting (see frontdesk.services.row_words)."""
        shape = ListShape(self._narrow(), self.privacy, self.list_zone, self.list_date,
                          self._locations if self.show_location else None)
        return row_words(view, self.marks.get(view.id), shape)

    def _row(self, view: AppointmentView, shape: tuple, widths: tuple[int, ...]) -> tuple[str, bool]:
        """A row's line and whether it is cancelled, cached per view object
        and table shape: re-showing the same views (filtering) is a lookup."""
        cached = self._row_cache.get(view.id)
        marks = self.marks.get(view.id)
        if cached is not None and cached[0] is view and cached[1] == shape and cached[2] is marks:
            return cached[3]
        raw = self._raw(view)
        row = (self._line(raw, widths), raw[-1].startswith(CANCELLED))
        self._row_cache[view.id] = (view, shape, marks, row)
        return row

    def _line(self, raw: tuple[str, ...], widths: tuple[int, ...]) -> str:
        key = (raw, widths)
        line = self._line_cache.get(key)
        if line is None:
            pad = " " * _PAD
            line = "".join(pad + fit(value, width) + pad for value, width in zip(raw, widths))
            if len(self._line_cache) > 50_000:
                self._line_cache.clear()
            self._line_cache[key] = line
        return line

    # -- showing rows -----------------------------------------------------------

    def show(self, views: list[AppointmentView], keep: str | None = None) -> None:
        """Show *views* in order; keep the cursor on *keep* if it is there,
        else on the same row number."""
        self._views = views
        self.show_location = self.multi_location  # at every width: which location each row is
        zone, day = self.list_zone, self.list_date
        self._other_dates = bool(zone and day) and any(v.appointment.starts_at.astimezone(zone).date() != day
                                                       for v in views)
        names = sorted(set(self.location_names) | {v.business_name for v in views})
        self._locations = location_codes(names) if self._tagged() else short_labels(names)
        widths = self._widths()
        names = ["time", *(["location"] if self.show_location else []), "patient", "practitioner", "type",
                 "telehealth", "sent", "status"]
        self._columns = [(name, widths[name]) for name in names]
        width_key = tuple(widths[name] for name in names)
        titles = COLUMN_TITLES | ({"sent": "✓"} if self._narrow() else {}) | ({"location": "Loc"} if self._tagged() else {})
        self._header = " " * (widths["mark"] + 2 * _PAD) + self._line(tuple(ours(titles[n]) for n in names), width_key)
        shape = (self.privacy, self.show_location, tuple(self._locations.items()), width_key, self._narrow(), self._tagged(),
                 clock_style(),
                 self.list_zone)
        if shape == self._shape:
            shape = self._shape  # the same object: each row's cache check is then a few identity tests
        self._shape = shape
        rows = [self._row(v, shape, width_key) for v in views]
        self._keys = [v.id for v in views]
        self._index = {key: n for n, key in enumerate(self._keys)}
        self._lines = [line for line, _ in rows]
        self._cancelled = [cancelled for _, cancelled in rows]
        self._built_width = self.size.width
        previous_top = self.scroll_y
        if keep in self._index:
            self.cursor_row = self._index[keep]
        self.cursor_row = max(0, min(self.cursor_row, len(self._keys) - 1))
        self.virtual_size = Size(cell_len(self._header), len(self._keys) + 1)
        self.scroll_to(y=min(previous_top, self.max_scroll_y), animate=False, immediate=True, force=True)
        self._scroll_cursor_into_view(context=2)
        self.set_reactive(AppointmentTable.chosen, self.current_key)
        self.refresh()

    def update_rows(self, views: list[AppointmentView]) -> None:
        """Redraw these rows only (an arrival, a send, marks that changed):
        the rest of the list is not rebuilt."""
        widths = tuple(width for _, width in self._columns)
        for view in views:
            row = self._index.get(view.id)
            if row is None:
                continue
            self._views[row] = view
            self._lines[row], self._cancelled[row] = self._row(view, self._shape, widths)
            self.refresh_line(row + 1)  # virtual lines: the header is line 0

    def clear(self) -> None:
        """No rows, and nothing cached for them: another day is coming."""
        self._row_cache.clear()
        self.show([])

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def current_key(self) -> str | None:
        return self._keys[self.cursor_row] if 0 <= self.cursor_row < len(self._keys) else None

    def cell(self, appointment_id: str, column: str) -> str:
        """What a column shows for an appointment, as fitted on screen."""
        words = self._raw(self._views[self._index[appointment_id]])
        for value, (name, width) in zip(words, self._columns):
            if name == column:
                return fit(value, width).rstrip()
        raise KeyError(column)

    def select(self, appointment_id: str) -> bool:
        row = self._index.get(appointment_id)
        if row is None:
            return False
        self._move_to(row)
        return True

    def on_resize(self) -> None:
        if self.size.width != self._built_width and self._views:
            self.show(self._views, keep=self.current_key)

    # -- cursor -------------------------------------------------------------------

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # less the header

    def _scroll_cursor_into_view(self, context: int = 0) -> None:
        top = round(self.scroll_y)
        rows = self._visible_rows()
        if self.cursor_row < top:
            self.scroll_to(y=max(0, self.cursor_row - context), animate=False, immediate=True, force=True)
        elif self.cursor_row >= top + rows:
            target = self.cursor_row - rows + 1 if not context else self.cursor_row - context
            self.scroll_to(y=max(0, target), animate=False, immediate=True, force=True)

    def _move_to(self, row: int) -> None:
        if not self._keys:
            return
        row = max(0, min(row, len(self._keys) - 1))
        old, self.cursor_row = self.cursor_row, row
        self._scroll_cursor_into_view()
        for changed in {old, row}:
            self.refresh_line(changed + 1)  # virtual lines: the header is line 0
        self.chosen = self.current_key

    def action_cursor_up(self) -> None:
        self._move_to(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._move_to(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self._move_to(self.cursor_row - self._visible_rows())

    def action_page_down(self) -> None:
        self._move_to(self.cursor_row + self._visible_rows())

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(len(self._keys) - 1)

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self._move_to(round(self.scroll_y) + event.y - 1)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing --------------------------------------------------------------------

    def notify_style_update(self) -> None:
        self._styles = None
        super().notify_style_update()

    def _line_styles(self) -> dict[tuple[bool, bool], Style]:
        """(cancelled, cursor) → the line's style; worked out once per style
        change rather than for every line drawn."""
        if self._styles is None:
            base = self.rich_style
            cancelled = self.get_component_rich_style("appointment-table--cancelled")
            cursor = self.get_component_rich_style("appointment-table--cursor")
            self._header_style = base + self.get_component_rich_style("appointment-table--header")
            self._styles = {
                (False, False): base,
                (True, False): base + cancelled,
                (False, True): base + cursor,
                (True, True): base + cancelled + cursor,
            }
        return self._styles

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        styles = self._line_styles()
        base = styles[False, False]
        scroll_x = round(self.scroll_x)
        if y == 0:
            return Strip([Segment(self._header, self._header_style)]).crop_extend(scroll_x, scroll_x + width, base)
        row = round(self.scroll_y) + y - 1
        if row >= len(self._lines):
            return Strip.blank(width, base)
        cursor = row == self.cursor_row
        text = f"{' ' * _PAD}{'▶' if cursor else ' '}{' ' * _PAD}{self._lines[row]}"
        return Strip([Segment(text, styles[self._cancelled[row], cursor])]).crop_extend(scroll_x, scroll_x + width, base)
