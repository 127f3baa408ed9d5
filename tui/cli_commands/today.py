"""``frontdesk today``: the day's appointments as a table or as JSON.

Everything printed passes through :mod:`frontdesk.safe_text`: the table is cut to
terminal cells and stripped of control and bidi characters; the JSON keeps
the data exact but writes every such character as a ``\\u`` escape.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from frontdesk.domain.terms import ours
from frontdesk.domain.days import DayWanted
from frontdesk.cliniko.errors import ClinikoError
from frontdesk.cliniko.models import Practitioner
from frontdesk.domain.practitioners import PractitionerNotFound, pick_practitioner
from frontdesk.domain.timezones import list_time, zone_city
from frontdesk.domain.links import NOT_A_PATIENT_LINK, NOT_A_PRACTITIONER_LINK
from frontdesk.domain.wording import BAD_LINK, STATUS_LABELS, TELEHEALTH_SHORT, location_codes
from frontdesk.safe_text import clean, column_widths, dumps_json, fit
from frontdesk.services.day import AppointmentView, Day
from frontdesk.services.day_loader import DayIncomplete
from frontdesk.services.day_sheet import day_sheet_csv
from frontdesk.services.heap import HEAP
from frontdesk.services.session import Session
from frontdesk.services.team_log import day_team_sends


def appointment_json(view: AppointmentView, now: datetime, reveal: bool) -> dict[str, Any]:
    appt = view.appointment
    prac = view.practitioner_link
    attendees = []
    for a in view.attendees:
        link = a.link
        decision = view.decision(a, now)
        patient_link: dict[str, Any] = {
            "role": "patient",
            "url": (link.url if reveal else link.masked()) if link else None,
        }
        if a.link_problem:
            patient_link["problem"] = NOT_A_PATIENT_LINK
        attendees.append(
            {
                "id": a.attendee.id,
                "patient": {"id": a.attendee.patient_id, "name": a.name},
                "patient_link": patient_link,
                "send_to_patient": {"allowed": decision.allowed, "reason": decision.reason},
                "cancelled": not a.active,
            }
        )
    practitioner_link: dict[str, Any] = {"role": "practitioner", "url": prac.url if prac else None}
    if view.practitioner_link_refused:
        practitioner_link["problem"] = NOT_A_PRACTITIONER_LINK
    return {
        "id": appt.id,
        "kind": view.kind,
        "starts_at": appt.starts_at.isoformat().replace("+00:00", "Z"),
        "ends_at": appt.ends_at.isoformat().replace("+00:00", "Z"),
        "local_start": view.local_start,
        "business": {
            "id": appt.business_id,
            "name": view.business_name,
            "time_zone": view.zone.key,
        },
        "practitioner": {"id": appt.practitioner_id, "name": view.practitioner_name},
        "appointment_type": {
            "id": appt.appointment_type_id,
            "name": view.type_name,
            "telehealth_enabled": view.appointment_type.telehealth_enabled if view.appointment_type else None,
        },
        "status": view.status,
        "practitioner_link": practitioner_link,
        "attendees": attendees,
    }


def _codes(names: list[str]) -> dict[str, str]:
    return location_codes(sorted({clean(n) for n in names}))


def render_table(day: Day, views: list[AppointmentView], now: datetime, width: int = 120,
                 whose: Practitioner | None = None) -> str:
    """The day as text, cut to *width* terminal cells, every time on the
    home location's clock (the title names it). With more than one
    location a column says which."""
    multi = len({v.appointment.business_id for v in views}) > 1
    clock = day.zone_of(day.business_id)
    times = {v.id: list_time(v.appointment.starts_at, clock, day.local_date) for v in views}
    fixed = {"Time": max((len(t) for t in times.values()), default=5), "Telehealth": 13, "Status": 14} \
        | ({"Loc": 4} if multi else {})
    widths = column_widths(width, fixed, {"Patient": 5, "Practitioner": 3, "Type": 4, "Send": 7}, gap=2)
    order = ["Time", *(["Loc"] if multi else []), "Patient", "Practitioner", "Type", "Telehealth", "Status", "Send"]
    codes = _codes([v.business_name for v in views]) if multi else {}

    def line(cells: dict[str, str]) -> str:
        return "  ".join(fit(cells[name], widths[name]) for name in order).rstrip()

    header = line({name: ours(name) for name in order})
    place = day.businesses[day.business_id].name if day.business_id in day.businesses else "all locations"
    place = clean(place) + (f" · {clean(whose.name)}'s list" if whose else "")
    title = f"{day.local_date.isoformat()} · {place} — {len(views)} appointments · times in {zone_city(clock)} time"
    lines = [fit(title, width).rstrip(), header, "-" * min(width, 200)]
    for v in views:
        if v.kind == "group":
            active = [a for a in v.attendees if a.active]
            allowed = sum(1 for a in active if v.decision(a, now).allowed)
            send = f"{allowed} of {len(active)} can be sent"
        else:
            decision = v.decision(v.primary_attendee(), now)
            send = "yes" if decision.allowed else f"no: {decision.reason}"
        telehealth = BAD_LINK if v.telehealth == "on" and v.bad_patient_link else TELEHEALTH_SHORT[v.telehealth]
        lines.append(line({"Time": times[v.id], "Loc": codes.get(clean(v.business_name), ""),
                           "Patient": v.patient_label(), "Practitioner": v.practitioner_name, "Type": v.type_name,
                           "Telehealth": telehealth, "Status": STATUS_LABELS[v.status], "Send": send}))
    for problem in day.problems:
        lines.append(f"note: {clean(problem)}")
    return "\n".join(lines)


async def load_today(session: Session, local_date: DayWanted | None, reveal: bool,
                     practitioner: str | None = None) -> tuple[Day, list[AppointmentView], str | None, Practitioner | None]:
    """The day, its views (one practitioner's, with *practitioner*), why it
    is incomplete (None when it is whole) and whose list it is. With
    *reveal* every patient link shown is audited first; a log that cannot
    record it raises :class:`~frontdesk.services.audit.AuditUnavailable`;
    a name that matches no one practitioner raises PractitionerNotFound."""
    local_date = await session.loader.date_for(local_date, session.clock())
    user_task = asyncio.ensure_future(session.sign_in()) if reveal else None
    incomplete = None
    try:
        with HEAP.paused():
            day = await session.loader.load(local_date)
    except DayIncomplete as exc:
        day, incomplete = exc.day, str(exc)
    except BaseException:
        if user_task is not None:
            user_task.cancel()
        raise
    session.apply_account_ways()  # the account is read with the day: its times are written its way
    views = day.views()
    whose = None
    if practitioner is not None:
        try:
            whose = pick_practitioner(practitioner, day.practitioners)
        except PractitionerNotFound:
            if user_task is not None:
                user_task.cancel()
            raise
        views = [v for v in views if v.appointment.practitioner_id == whose.id]
    if user_task is not None:
        user = await user_task
        session.audit.record_many(
            "reveal",
            [(view.id, a.attendee.id, a.link.fingerprint(), a.attendee.patient_id)
             for view in views for a in view.attendees if a.link],
            user_id=user.id,
            user_name=user.name,
            detail="frontdesk today --reveal",
        )
    return day, views, incomplete, whose


def today_output(
    day: Day, views: list[AppointmentView], now: datetime, *, as_json: bool, reveal: bool, pretty: bool = False,
    width: int = 120, whose: Practitioner | None = None,
) -> str:
    if as_json:
        body = {
            "date": day.local_date.isoformat(),
            "complete": day.complete,
            "practitioner": {"id": whose.id, "name": whose.name} if whose else None,
            "appointments": [appointment_json(v, now, reveal) for v in views],
            "problems": list(day.problems),
        }
        # indented for a person at a terminal; compact (and ~6x faster to
        # write) for the scripts and pipes --json is mostly for
        return dumps_json(body, indent=2 if pretty else None)
    return render_table(day, views, now, width, whose)


async def day_sheet(session: Session, day: Day, views: list[AppointmentView], *, reveal: bool) -> str:
    """``today --csv``: the sheet, with who was sent a link from this desk's
    log and, when Cliniko's memos can be read, from other desks'."""
    now = session.clock()
    mine = session.audit.sends_for([v.id for v in views])
    try:
        team = (await day_team_sends(session.client, day.appointments.values(), day.appointment_types,
                                     day.attendees_of, now, session.desk)).sends
    except ClinikoError:
        team = {}
    return day_sheet_csv(views, now, mine=mine, team=team, reveal=reveal)  # the rule as `today` states it
