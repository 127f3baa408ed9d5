"""Small modal screens: help, and the location and practitioner pickers."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.widgets.text import clean

ALL_LOCATIONS = "__all__"


class HelpScreen(ModalScreen[None]):
    """Every key, with what it does; built from the live bindings (so remapped
    keys show as remapped)."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="help-close")]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        # A grid, so a long description wraps in its own column at 80x24
        # rather than under the keys.
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(ratio=1)
        for key, description, tooltip in self.rows:
            words = Text(description, style="bold")
            if tooltip:
                words.append(f": {tooltip}", style="not bold")
            grid.add_row(key, words)
        with VerticalScroll(id="help-body", classes="dialog"):
            yield Static(Text("Keys", style="bold"))
            yield Static(grid)
            yield Static(Text("Press esc or ? to close.", style="dim"))


class Picker(ModalScreen[str | None]):
    """One of a list, or all of them: enter picks, esc leaves as it was."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker-cancel")]
    #: what the picker is for, what each line holds, and its "all" line
    TITLE, HINT, EVERYONE, LIST_ID = "", "", "", ""

    def __init__(self, choices: list[tuple[str, str]], current: str | None) -> None:
        super().__init__()
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        def label(key: str, name: str) -> str:
            return clean(name) + ("  ◀ shown now" if key == self.current else "")

        options = [Option(label(ALL_LOCATIONS, self.EVERYONE), id=ALL_LOCATIONS)]
        options += [Option(label(key, name), id=key) for key, name in self.choices]
        with Vertical(classes="dialog", id="picker"):
            yield Static(Text(f"{self.TITLE} (enter to pick, esc to cancel)", style="bold"))
            yield Static(Text(self.HINT, style="dim"))
            yield OptionList(*options, id=self.LIST_ID)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [ALL_LOCATIONS] + [key for key, _ in self.choices]
        options.highlighted = ids.index(self.current) if self.current in ids else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class LocationPicker(Picker):
    TITLE, EVERYONE, LIST_ID = "Choose a location", "All locations", "locations"
    HINT = "Each location: its tag in a narrow list, its name, its own clock"


class PractitionerPicker(Picker):
    TITLE, EVERYONE, LIST_ID = "Whose day", "All practitioners", "practitioners"
    HINT = "Each practitioner: their appointments on this day"
