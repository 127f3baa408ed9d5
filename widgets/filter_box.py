"""The filter line: hidden until `/`, cleared and hidden by `esc`; enter
hands the keys back to the list. Its text reaches the screen as
``Input.Changed``."""

from __future__ import annotations

from textual.widgets import Input


class FilterBox(Input):
    def open(self) -> None:
        self.display = True
        self.focus()

    def close(self) -> bool:
        """Empty and hide it; whether there was anything to clear."""
        had = bool(self.value) or self.has_focus
        self.value = ""
        self.display = False
        return had
