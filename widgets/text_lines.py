"""Read-only rich text drawn with Textual's line API.

The panes change on every cursor move. A ``Static`` sends each change through
Textual's general content pipeline and, when its height changes, lays out the
whole screen. Here a change renders the text's lines once (wrapping only the
lines too long for the width), so a repaint is handing out prepared strips.
A pane that grows is laid out at once; one that shrinks while changes come
fast keeps its height until they stop, so a held-down arrow passing groups
does not re-lay out the screen on every step.
"""

from __future__ import annotations

import time

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

#: how long a pane that got shorter keeps its height after the last change
SETTLE_SECONDS = 0.3


class TextLines(Widget):
    DEFAULT_CSS = """
    TextLines { height: auto; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = Text()
        self._min_lines = 0
        self._key: tuple | None = None
        self._strips: list[Strip] = []
        self._width = -1  # the width the strips were rendered for
        self._reported = 0  # the height the last layout gave us
        self._floor = 0  # kept while a shrink waits for the cursor to rest
        self._settle: Timer | None = None
        self._base: Style | None = None
        self._changed_at = 0.0

    @property
    def plain(self) -> str:
        return self._text.plain

    def update(self, text: Text, min_lines: int = 0) -> None:
        key = (text.plain, text.spans, text.style, min_lines)
        if key == self._key:
            return  # nothing new to draw
        self._key = key
        self._text = text
        self._min_lines = min_lines
        width = self.content_region.width
        if width <= 0 or not self.is_mounted:
            self._width = -1
            self.refresh(layout=True)
            return
        self._render_text(width)
        lines = len(self._strips)
        previous_change, self._changed_at = self._changed_at, time.monotonic()
        if self._settle is not None:
            self._settle.stop()
            self._settle = None
        if lines > self._reported:
            self._floor = 0
            self.refresh(layout=True)
        elif lines < self._reported and self._changed_at - previous_change < SETTLE_SECONDS:
            self._floor = self._reported  # changes are coming fast: keep the height for now
            self._settle = self.set_timer(SETTLE_SECONDS, self._shrink)
            self.refresh()
        else:
            self._floor = 0
            self.refresh(layout=lines != self._reported)

    def _shrink(self) -> None:
        self._settle = None
        self._floor = 0
        self.refresh(layout=True)

    def _render_for(self, width: int) -> None:
        """The strips for *width*, rendered again only if the width changed."""
        if width != self._width and width > 0:
            self._render_text(width)

    def _render_text(self, width: int) -> None:
        console = self.app.console
        text = self._text
        lines = text.split("\n", allow_blank=True)
        if any(cell_len(line.plain) > width for line in lines):
            lines = text.wrap(console, width)
        self._strips = [Strip(list(line.render(console))) for line in lines]
        self._strips.extend(Strip([]) for _ in range(self._min_lines - len(self._strips)))
        self._width = width

    # -- Textual -------------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._render_for(width)
        self._reported = max(len(self._strips), self._floor)
        return self._reported

    def notify_style_update(self) -> None:
        self._base = None
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        self._render_for(width)
        if self._base is None:
            self._base = self.rich_style
        strip = self._strips[y] if y < len(self._strips) else Strip([])
        return strip.apply_style(self._base).crop_extend(0, width, self._base)
