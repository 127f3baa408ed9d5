"""Times read in order and the day is named (step 12): with every location
shown, the list is on one clock and its times never go backwards; a list
that is not today says so in the header and in up next; b marks the
location shown and is the tags' legend; f and the filters keep the cursor
at the same time of day, not the same row number."""

from __future__ import annotations

from textual.widgets import OptionList

from frontdesk.screens.modals import LocationPicker
from frontdesk.widgets.up_next import UpNextStrip

from conftest import settle
from console_helpers import header_text

SIZE = (120, 36)


def times_down_the_list(app) -> list[str]:
    table = app.screen.table
    return [table.cell(view.id, "time") for view in app.screen.views]


async def test_with_every_location_the_times_never_go_backwards_and_the_clock_is_named(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        zones = {v.zone.key for v in app.screen.views}
        assert len(zones) > 1, "the seed has locations on different clocks"
        times = times_down_the_list(app)
        assert times == sorted(times)
        assert "All locations · times in Sydney time" in header_text(app)
        # a row from another clock keeps its own time in the details
        auckland = next(v for v in app.screen.views if v.zone.key == "Pacific/Auckland")
        assert app.screen.table.cell(auckland.id, "time") != auckland.local_start


async def test_a_day_that_is_not_today_says_so_in_the_header_and_up_next(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        strip = app.screen.query_one(UpNextStrip)
        assert "NOT TODAY" not in header_text(app) and str(strip.render()).startswith("Up next ")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "(tomorrow) · NOT TODAY" in header_text(app)
        assert str(strip.render()).startswith("Up next (tomorrow)")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert "(yesterday) · NOT TODAY" in header_text(app)
        await pilot.press("t")
        await settle(pilot)
        assert "NOT TODAY" not in header_text(app)


async def test_b_marks_the_location_shown_and_lists_each_tag_with_its_name_and_clock(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, LocationPicker)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
        assert prompts[0] == "All locations  ◀ shown now"
        assert any(p.startswith("SYD") and "Sydney time" in p for p in prompts)
        assert any(p.startswith("AUC") and "Auckland time" in p for p in prompts)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        marked = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)
                  if "shown now" in str(options.get_option_at_index(n).prompt)]
        assert len(marked) == 1 and marked[0].startswith("SYD")


async def test_f_keeps_the_time_of_day_and_gives_the_row_back(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        rows = list(screen.views)
        # an in-person row with in-person rows after it, then a video call later on
        start = next(n for n, v in enumerate(rows) if v.telehealth != "on" and n + 2 < len(rows)
                     and rows[n + 1].telehealth != "on"
                     and any(w.telehealth == "on" for w in rows[n + 2:]))
        chosen = rows[start]
        screen.select_appointment(chosen.id)
        await pilot.pause()
        await pilot.press("f")
        await settle(pilot)
        landed = screen.current_view()
        expected = next(v for v in screen.views if v.appointment.starts_at >= chosen.appointment.starts_at)
        assert landed.id == expected.id and landed.telehealth == "on"
        await pilot.press("f")  # all again: back on the row staff chose
        await settle(pilot)
        assert screen.current_view().id == chosen.id


async def test_a_row_on_another_date_on_the_list_clock_names_its_day(make_app, sandbox):
    """An Auckland appointment at 00:30 is 22:30 the evening before in
    Sydney: on the list's clock it reads "Mon 22:30", never a bare 22:30
    above the morning's rows."""
    auckland = next(b["id"] for b in sandbox.store.businesses.values()
                    if b.get("time_zone_identifier") == "Pacific/Auckland")
    row = next(r for r in sandbox.store.individual_appointments.values()
               if r["business_id"] == auckland and not r["cancelled_at"])
    row["starts_at"], row["ends_at"] = "2026-11-23T11:30:00Z", "2026-11-23T12:00:00Z"  # 00:30 NZDT Tue 24
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.table
        assert app.screen.views[0].id == row["id"]
        assert table.cell(row["id"], "time") == "Mon 22:30"
        assert all(len(t.split()) == 1 for t in times_down_the_list(app)[1:])  # the day's own: a bare time


async def test_up_next_names_the_calls_own_day_not_the_lists(make_app, sandbox):
    """Tomorrow's list can hold a call that is tonight on the list's clock
    (00:30 in Auckland is 22:30 the evening before in Sydney): up next then
    says tonight's time, never "(tomorrow)"."""
    store = sandbox.store
    auckland = next(b["id"] for b in store.businesses.values() if b.get("time_zone_identifier") == "Pacific/Auckland")
    row = next(r for r in store.individual_appointments.values()
               if r["business_id"] == auckland and not r["cancelled_at"]
               and store.appointment_types[r["appointment_type_id"]]["telehealth_enabled"] is True)
    row["starts_at"], row["ends_at"] = "2026-11-24T11:30:00Z", "2026-11-24T12:00:00Z"  # 00:30 NZDT Wed 25
    row["patient_arrived"] = row["did_not_arrive"] = False
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "(tomorrow) · NOT TODAY" in header_text(app)
        strip = str(app.screen.query_one(UpNextStrip).render())
        assert strip.startswith("Up next 22:30 "), strip
