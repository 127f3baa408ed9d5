"""The clinic's own clock (step 12): a 12-hour clock and month-first dates
where the account's country writes them so (US, Canada), 24-hour and
day-first elsewhere, ``[ui] clock`` overriding the clock. Everything that
shows a time follows: the list, the header, details, up next, the CLI's
table and the day sheet."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from frontdesk.cli import main
from frontdesk.domain import clock
from frontdesk.sandbox.seed import DEMO_KEY
from frontdesk.widgets.up_next import UpNextStrip

from conftest import CONTACT, settle
from console_helpers import detail_text, eligible, header_text

US = ("United States", "US")
EVENING = datetime(2026, 11, 24, 18, 5, tzinfo=timezone.utc)


@pytest.mark.parametrize(("country", "setting", "time", "day"), [
    ("AU", None, "18:05", "Tue 24 Nov 2026"),
    ("US", None, "6:05 pm", "Tue Nov 24 2026"),
    ("CA", None, "6:05 pm", "Tue Nov 24 2026"),
    ("US", "24h", "18:05", "Tue Nov 24 2026"),  # the clock overridden; the date order stays the country's
    ("GB", "12h", "6:05 pm", "Tue 24 Nov 2026"),
    (None, None, "18:05", "Tue 24 Nov 2026"),  # not known yet: the 24-hour clock, day first
])
def test_each_country_writes_times_its_way(country, setting, time, day):
    clock.use_clock(clock.style_for(country, setting))
    assert clock.clock_time(EVENING) == time and clock.full_date(EVENING.date()) == day
    assert clock.clock_time(EVENING.replace(hour=0)) == ("12:05 am" if "pm" in time else "00:05")
    assert clock.clock_time(EVENING.replace(hour=12)) == ("12:05 pm" if "pm" in time else "12:05")


async def test_a_us_account_reads_its_console_on_a_12_hour_clock(make_app, sandbox):
    sandbox.store.country = US
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        times = [screen.table.cell(v.id, "time") for v in screen.views]
        assert times and all(re.fullmatch(r"(\w{3} )?\d{1,2}:\d{2} [ap]m", t) for t in times)
        assert "Tue Nov 24 2026" in header_text(app)
        view = eligible(app)
        screen.select_appointment(view.id)
        await pilot.pause()
        assert re.search(r"\d{1,2}:\d{2} [ap]m–\d{1,2}:\d{2} [ap]m Tue Nov 24", detail_text(app))
        strip = str(screen.query_one(UpNextStrip).render())
        assert re.match(r"Up next \d{1,2}:\d{2} [ap]m ", strip)


async def test_the_clock_setting_wins_over_the_country(make_app, sandbox):
    sandbox.store.country = US
    app = make_app(clock="24h")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        times = [app.screen.table.cell(v.id, "time") for v in app.screen.views]
        assert all(re.fullmatch(r"(\w{3} )?\d{2}:\d{2}", t) for t in times)
        assert "Tue Nov 24 2026" in header_text(app)


def test_the_cli_table_and_the_day_sheet_follow_the_account(capsys, monkeypatch, server, sandbox):
    sandbox.store.country = US
    monkeypatch.setenv("CLINIKO_API_KEY", DEMO_KEY)
    monkeypatch.setenv("CLINIKO_BASE_URL", server.base_url)
    monkeypatch.setenv("FRONTDESK_CONTACT_EMAIL", CONTACT)
    assert main(["today", "--date", "2026-11-24", "--width", "140"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines()[3:] if line[:1].isdigit()]
    assert rows and all(re.match(r"\d{1,2}:\d{2} [ap]m ", line) for line in rows)
    assert main(["today", "--csv", "--date", "2026-11-24"]) == 0
    sheet = capsys.readouterr().out.splitlines()[1:]
    assert sheet and all(re.match(r"2026-11-24,\d{1,2}:\d{2} [ap]m,", line) for line in sheet)


def test_dates_in_the_patients_message_follow_the_clinic():
    clock.use_clock(clock.style_for("US"))
    assert clock.long_date(date(2026, 11, 4)) == "Wednesday November 4 2026"
    clock.use_clock(clock.style_for("AU"))
    assert clock.long_date(date(2026, 11, 4)) == "Wednesday 4 November 2026"


def test_a_us_clinic_reads_dates_month_first_on_the_command_line(capsys, monkeypatch, server, sandbox):
    sandbox.store.country = US
    monkeypatch.setenv("CLINIKO_API_KEY", DEMO_KEY)
    monkeypatch.setenv("CLINIKO_BASE_URL", server.base_url)
    monkeypatch.setenv("FRONTDESK_CONTACT_EMAIL", CONTACT)
    assert main(["today", "--json", "--date", "11/25/2026"]) == 0
    assert '"date":"2026-11-25"' in capsys.readouterr().out.replace(" ", "")
    assert main(["today", "--date", "25/11/2026"]) == 2
    assert "not a date written MM/DD/YYYY" in capsys.readouterr().err
