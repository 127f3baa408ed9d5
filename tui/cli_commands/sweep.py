"""``frontdesk sweep``: the morning sweep from the command line. A dry run
by default (who would be sent, who is left out and why); ``--yes`` sends,
one line per patient as each ends (see :mod:`frontdesk.services.sweep`)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from datetime import timedelta

from frontdesk.cliniko.errors import ClinikoError
from frontdesk.domain.clock import date_and_time
from frontdesk.domain.contact import CHANNEL_WORDS
from frontdesk.domain.timezones import list_time
from frontdesk.safe_text import clean, fit
from frontdesk.cli_commands.today import load_today
from frontdesk.services.session import Session
from frontdesk.services.sweep import FAILED, SENT, LeftOut, SweepItem, plan_sweep, run_sweep
from frontdesk.services.team_log import day_team_sends


def _line(time: str, item: SweepItem | LeftOut, tail: str) -> str:
    who = fit(clean(item.attendee.name), 24)
    return f"  {time:>8}  {who}  {fit(clean(item.view.practitioner_name), 18)}  {tail}"


async def sweep_command(session: Session, args: argparse.Namespace, say: Callable[[str], None]) -> tuple[int, int]:
    """(how many failed, how many were sent); the plan and each result said."""
    day, views, incomplete, _ = await load_today(session, args.date, False, args.practitioner)
    if incomplete:
        raise ClinikoError(f"{incomplete} Nothing was sent: a sweep works only on the whole day.")
    now = session.clock()
    zone = day.zone_of(day.business_id)
    mine = await asyncio.to_thread(session.audit.sends_for, [v.id for v in views])
    try:
        team = (await day_team_sends(session.client, day.appointments.values(), day.appointment_types,
                                     day.attendees_of, now, session.desk)).sends
    except ClinikoError:
        team = {}  # each send still re-reads the patient's memos before it goes
    hours = args.hours or session.config.ui.sweep_hours
    plan = plan_sweep(views, now, session.channels(), mine, team, lambda t: date_and_time(t.astimezone(zone)),
                      within=timedelta(hours=hours) if hours else None, skip_reminded=args.skip_reminded)

    def time_of(item: SweepItem | LeftOut) -> str:
        return list_time(item.view.appointment.starts_at, zone, day.local_date)

    span = f"the next {hours} hours" if hours else day.local_date.isoformat()
    say(f"Morning sweep, {span}: {len(plan.items)} to send, {len(plan.left_out)} left out.")
    for item in plan.items:
        again = f" (again: {item.again})" if item.again else ""
        say(_line(time_of(item), item, f"{CHANNEL_WORDS[item.channel]} {item.recipient}{again}"))
    if plan.left_out:
        say("Left out:")
        for out in plan.left_out:
            say(_line(time_of(out), out, out.reason))
    if not args.yes or not plan.items:
        say("Dry run: nothing was sent. Add --yes to send these." if plan.items and not args.yes
            else "Nothing to send.")
        return 0, 0
    await session.sign_in()
    results = await run_sweep(session.delivery, list(plan.items),
                              on_result=lambda n, r: say(_line(time_of(r.item), r.item, r.words)))
    failed = sum(1 for r in results if r.outcome == FAILED)
    sent = sum(1 for r in results if r.outcome == SENT)
    say(f"Sent {sent} of {len(plan.items)}; {failed} failed; {len(results) - sent - failed} not sent "
        "(each line says why).")
    return failed, sent
