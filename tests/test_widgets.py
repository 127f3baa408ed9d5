"""The list and pane widgets on their own and in the console: what they draw,
how they move, and that they stay put while keys repeat."""

from contextlib import asynccontextmanager

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual.app import App, ComposeResult

from frontdesk.safe_text import fit
from frontdesk.widgets.appointment_table import AppointmentTable
from frontdesk.widgets.text_lines import SETTLE_SECONDS, TextLines

from conftest import settle
from console_helpers import screen_lines


# -- fitting words into columns ------------------------------------------------------

@given(st.text(alphabet=st.sampled_from(list("ab c—é漢😀\t\x1b")), max_size=30), st.integers(1, 20))
def test_fit_fills_exactly_the_column(text, width):
    fitted = fit(text, width)
    assert cell_len(fitted) == width
    assert "\x1b" not in fitted  # control characters never reach the screen


def test_fit_cuts_with_an_ellipsis():
    assert fit("Hydrotherapy Group", 8) == "Hydroth…"
    assert fit("Ng", 4) == "Ng  "
    assert fit("漢字漢字", 5) == "漢字…"


# -- text panes ------------------------------------------------------------------------

class Pane(App):
    def compose(self) -> ComposeResult:
        yield TextLines(id="pane")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab c\n—漢")), max_size=80), st.integers(1, 30))
def test_lines_are_counted_as_rich_wraps_them(text, width):
    """Lines short enough are not wrapped; the count must still match."""
    console = Console(width=200)
    lines = Text(text).split("\n", allow_blank=True)
    if all(cell_len(line.plain) <= width for line in lines):
        assert len(lines) == len(Text(text).wrap(console, width))


async def test_pane_grows_at_once_and_shrinks_when_changes_stop():
    app = Pane()
    async with app.run_test(size=(40, 20)) as pilot:
        pane = app.query_one(TextLines)
        pane.update(Text("one\ntwo"))
        await pilot.pause()
        assert pane.size.height == 2
        pane.update(Text("one\ntwo\nthree\nfour"))  # grows: laid out at once
        await pilot.pause()
        assert pane.size.height == 4 and "four" in screen_lines(pane)[3]
        pane.update(Text("short"))  # shrinks right after a change: height kept
        await pilot.pause()
        assert pane.size.height == 4
        assert screen_lines(pane)[0].startswith("short") and not screen_lines(pane)[1].strip()
        await pilot.pause(SETTLE_SECONDS + 0.1)
        assert pane.size.height == 1


async def test_pane_shrinks_at_once_after_a_rest():
    app = Pane()
    async with app.run_test(size=(40, 20)) as pilot:
        pane = app.query_one(TextLines)
        pane.update(Text("a\nb\nc"))
        await pilot.pause(SETTLE_SECONDS + 0.1)
        pane.update(Text("a"))
        await pilot.pause()
        assert pane.size.height == 1


async def test_pane_wraps_long_lines_and_pads_to_min_lines():
    app = Pane()
    async with app.run_test(size=(20, 20)) as pilot:
        pane = app.query_one(TextLines)
        pane.update(Text("https://harbourhealth.au4.cliniko.com/c/abcdefgh"), min_lines=5)
        await pilot.pause()
        lines = screen_lines(pane)
        assert pane.size.height == 5
        assert "".join(line.strip() for line in lines) == "https://harbourhealth.au4.cliniko.com/c/abcdefgh"


# -- the appointment list in the console ---------------------------------------------------

@asynccontextmanager
async def console_list(make_app):
    """The console at 120x36 with the seeded day loaded, and its list."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        yield app, pilot, app.screen.query_one(AppointmentTable)


async def test_list_keys_move_by_row_page_and_to_either_end(make_app):
    async with console_list(make_app) as (app, pilot, table):
        await pilot.press("home")
        assert table.cursor_row == 0 and app.screen.state.current_id == table.current_key
        await pilot.press("pagedown")
        assert table.cursor_row > 1
        await pilot.press("pageup")
        assert table.cursor_row == 0
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1
        assert app.screen.state.current_id == table.current_key
        marked = [line for line in screen_lines(table) if "▶" in line]
        assert len(marked) == 1 and table.cell(table.current_key, "time") in marked[0]
        await pilot.press("down")  # already last: stays
        assert table.cursor_row == table.row_count - 1


async def test_list_click_chooses_the_row(make_app):
    async with console_list(make_app) as (app, pilot, table):
        await pilot.press("home")
        await pilot.click(AppointmentTable, offset=(10, 3))  # header, then rows 0, 1, 2
        await pilot.pause()
        assert table.cursor_row == 2 and app.screen.state.current_id == table.current_key


async def test_list_header_stays_while_scrolling(make_app):
    async with console_list(make_app) as (app, pilot, table):
        await pilot.press("end")
        lines = screen_lines(table)
        assert table.scroll_y > 0
        assert "Time" in lines[0] and "Patient" in lines[0] and "Telehealth" in lines[0]


async def test_reloads_let_go_of_earlier_days(make_app):
    """A loaded day is frozen out of the collector's way; a reload must hand
    it back, or every `r` would keep a whole day alive."""
    import gc
    import weakref

    async with console_list(make_app) as (app, pilot, _):
        first = weakref.ref(app.screen.day)
        frozen = gc.get_freeze_count()
        for _ in range(3):
            await pilot.press("r")
            await settle(pilot)
        assert first() is None
        assert gc.get_freeze_count() < frozen * 1.5


async def test_moving_to_another_day_lets_go_of_the_last_one(make_app):
    import weakref

    async with console_list(make_app) as (app, pilot, table):
        first = weakref.ref(app.screen.day.views()[0].appointment)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.screen.day.local_date.isoformat() == "2026-11-26"
        assert first() is None  # no cache still holds yesterday's rows


async def test_the_chosen_row_is_scrolled_into_view_when_rows_come_back(make_app):
    """At 80x24, after a location change the list is emptied, laid out with
    no scrollbar, then refilled with the cursor on a late row: Textual
    refuses to scroll a widget whose scrollbar is not shown yet, and the ▶
    was off screen while the panes described it (issue 12 #3)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(AppointmentTable)
        views = list(app.screen.views)
        table.clear()
        await pilot.pause()  # laid out empty: no scrollbar
        table.show(views, keep=views[-1].id)
        assert table.cursor_row == len(views) - 1
        await pilot.pause()
        assert any("▶" in line for line in screen_lines(table))  # the chosen row is on screen
