"""A console left open overnight: on today it follows today across midnight
(and says so); on a day staff chose, it stays put."""

from datetime import datetime, timedelta, timezone

from conftest import settle
from console_helpers import Heard, header_text
from test_late_and_next import Clock, app_at

# 23:58 on Tue 24 Nov in Sydney (AEDT, UTC+11)
LATE_EVENING = datetime(2026, 11, 24, 12, 58, tzinfo=timezone.utc)


async def test_today_follows_today_across_midnight(server, mail, tmp_path):
    clock = Clock(LATE_EVENING)
    heard = Heard()
    app = app_at(server, tmp_path, mail, clock)
    async with app.run_test(size=(120, 30), message_hook=heard) as pilot:
        await settle(pilot)
        assert "Tue 24 Nov 2026" in header_text(app)
        clock.moment = LATE_EVENING + timedelta(minutes=5)  # 00:03 Wednesday
        app.screen.tick()
        await settle(pilot)
        assert "Wed 25 Nov 2026" in header_text(app) and "Tue 24 Nov" not in header_text(app)
        assert "Midnight passed: now showing today, Wed 25 Nov." in heard
        assert app.screen.day.local_date.isoformat() == "2026-11-25"
        heard.clear()
        app.screen.tick()
        await settle(pilot)
        assert "Midnight passed" not in heard  # said once


async def test_a_chosen_day_stays_put(server, mail, tmp_path):
    clock = Clock(LATE_EVENING)
    heard = Heard()
    app = app_at(server, tmp_path, mail, clock)
    async with app.run_test(size=(120, 30), message_hook=heard) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")  # Monday, on purpose
        await settle(pilot)
        assert "Mon 23 Nov 2026" in header_text(app)
        clock.moment = LATE_EVENING + timedelta(minutes=5)
        app.screen.tick()
        await settle(pilot)
        assert "Mon 23 Nov 2026" in header_text(app) and "Midnight passed" not in heard


async def test_the_console_opens_on_a_day_said_relative_to_today(server, mail, tmp_path):
    from frontdesk.app import FrontdeskApp
    from frontdesk.domain.days import RelativeDay

    clock = Clock(LATE_EVENING)
    base = app_at(server, tmp_path, mail, clock)
    app = FrontdeskApp(base.config, config_path=tmp_path / "c.toml", session=base.session, local_date=RelativeDay(1))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "Wed 25 Nov 2026" in header_text(app)  # tomorrow in Sydney, though it is still the 24th in UTC
        clock.moment = LATE_EVENING + timedelta(minutes=5)
        app.screen.tick()
        await settle(pilot)
        assert "Wed 25 Nov 2026" in header_text(app)  # a day asked for stays put at midnight
