"""``frontdesk today``: the day's appointments as a table or as JSON."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime
from typing import Any

from tui.services.day import STATUS_LABELS, AppointmentView, Day
from tui.services.gc_pause import gc_paused
from tui.services.session import Session

TELEHEALTH_WORDS = {"on": "Telehealth", "off": "off", "unknown": "unknown → off"}


def appointment_json(view: AppointmentView, now: datetime, reveal: bool) -> dict[str, Any]:
    appt = view.appointment
    prac = view.practitioner_link
    attendees = []
    for a in view.attendees:
        link = a.link
        decision = view.send_eligibility(a, now)
        attendees.append(
            {
                "id": a.attendee.id,
                "patient": {"id": a.attendee.patient_id, "name": a.name},
                "patient_link": {
                    "role": "patient",
                    "url": (link.url if reveal else link.masked()) if link else None,
                },
                "send_to_patient": {"allowed": decision.allowed, "reason": decision.reason},
                "cancelled": not a.active,
            }
        )
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
        "practitioner_link": {"role": "practitioner", "url": prac.url if prac else None},
        "attendees": attendees,
    }


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(day: Day, views: list[AppointmentView], now: datetime) -> str:
    header = (
        f"{'Time':5}  {'Location':22}  {'Patient':24}  {'Practitioner':18}  {'Type':26}  "
        f"{'Telehealth':13}  {'Status':14}  Send"
    )
    lines = [f"{day.local_date.isoformat()} — {len(views)} appointments", header, "-" * len(header)]
    for v in views:
        first = v.primary_attendee()
        decision = v.send_eligibility(first, now) if v.kind == "individual" else None
        if v.kind == "group":
            allowed = sum(1 for a in v.attendees if v.send_eligibility(a, now).allowed)
            send = f"{allowed} of {len(v.attendees)} can be sent"
        else:
            send = "yes" if decision and decision.allowed else f"no: {decision.reason if decision else ''}"
        lines.append(
            f"{v.local_start:5}  {_cut(v.business_name, 22):22}  "
            f"{_cut(v.patient_label(), 24):24}  {_cut(v.practitioner_name, 18):18}  "
            f"{_cut(v.type_name, 26):26}  {TELEHEALTH_WORDS[v.telehealth]:13}  "
            f"{STATUS_LABELS[v.status]:14}  {send}"
        )
    for problem in day.problems:
        lines.append(f"note: {problem}")
    return "\n".join(lines)


async def load_today(session: Session, local_date: date | None, reveal: bool) -> tuple[Day, list[AppointmentView]]:
    if local_date is None:
        local_date = await session.loader.default_date(session.clock())
    user_task = asyncio.ensure_future(session.sign_in()) if reveal else None
    with gc_paused():
        day = await session.loader.load(local_date)
    views = day.views()
    if user_task is not None:
        user = await user_task
        for view in views:
            for a in view.attendees:
                if a.link is not None:
                    session.audit.record(
                        "reveal",
                        user_id=user.id,
                        user_name=user.name,
                        appointment_id=view.id,
                        attendee_id=a.attendee.id,
                        link_role="patient",
                        link_fingerprint=a.link.fingerprint(),
                        detail="frontdesk today --reveal",
                    )
    return day, views


def today_output(
    day: Day, views: list[AppointmentView], now: datetime, *, as_json: bool, reveal: bool, pretty: bool = False
) -> str:
    if as_json:
        body = {
            "date": day.local_date.isoformat(),
            "appointments": [appointment_json(v, now, reveal) for v in views],
            "problems": list(day.problems),
        }
        # indented for a person at a terminal; compact (and ~6x faster to
        # write) for the scripts and pipes --json is mostly for
        return json.dumps(body, ensure_ascii=False, indent=2 if pretty else None)
    return render_table(day, views, now)

