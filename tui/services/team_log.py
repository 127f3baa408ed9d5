"""Sends made from other desks, read back from Cliniko's communications log.

Each desk keeps its own audit log, so it cannot see what a colleague sent.
But every send posts a memo to Cliniko, and the memo ends with a marker a
program can read: which appointment and attendee, which channel, by whom;
never the link. Before sending, frontdesk reads the patient's recent memos
and looks for the marker.
"""

from __future__ import annotations

import json
import re
import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from frontdesk.cliniko.client import ClinikoClient
from frontdesk.cliniko.filters import Q
from frontdesk.cliniko.models import AppointmentType, Attendee, Communication, GroupAppointment, IndividualAppointment
from frontdesk.domain.eligibility import telehealth_state
from frontdesk.domain.sent_for import SentFor

Appointment = IndividualAppointment | GroupAppointment

MARKER = "frontdesk-sent"
MEMO = 12
#: what Cliniko itself sends patients, by communications category (its own
#: reminders and confirmations may carry the Telehealth link)
CLINIKO_SENT = {1: "reminder", 4: "confirmation", 7: "SMS message"}
BATCH = 100
#: how far back memos are read when an appointment's creation time is unknown
LOOKBACK = timedelta(days=90)
_FOUND = re.compile(rf"{MARKER} (\{{[^\n]*\}})\s*$", re.MULTILINE)


@dataclass(frozen=True)
class TeamSend:
    appointment_id: str
    attendee_id: str
    channel: str
    by: str
    at: datetime
    memo_id: str
    #: True: this desk's own memo; False: a memo naming another desk; None:
    #: no desk named (a memo from before desks were named), so nobody can say
    this_desk: bool | None = None
    #: the appointment as it was when the link went (None: a memo from before this was recorded)
    sent_for: SentFor | None = None

    @property
    def where(self) -> str:
        """Where the send was made, as far as the memo tells."""
        if self.this_desk is None:
            return "recorded in Cliniko"
        return "this desk, recorded in Cliniko" if self.this_desk else "another desk"


@dataclass(frozen=True)
class ClinikoMessage:
    """A message Cliniko sent the patient (its communications log)."""

    patient_id: str
    #: a CLINIKO_SENT value
    what: str
    #: "email" or "sms" (or "" when the log does not say)
    channel: str
    at: datetime


@dataclass(frozen=True)
class PatientLog:
    """What the patients' communications logs say: frontdesk's sends (from
    the memos' markers) and Cliniko's own messages, each newest first."""

    sends: list[TeamSend]
    messages: list[ClinikoMessage]


def marker(appointment_id: str, attendee_id: str, channel: str, by: str, desk: str | None,
           sent_for: SentFor | None = None) -> str:
    """The line a memo ends with (ASCII JSON: names stay exact and inert)."""
    data: dict[str, object] = {"appointment": appointment_id, "attendee": attendee_id, "channel": channel, "by": by}
    if desk:
        data["desk"] = desk
    if sent_for is not None:
        data["for"] = sent_for.fields()
    return f"{MARKER} {json.dumps(data, separators=(',', ':'))}"


def read_marker(memo: Communication, desk: str | None = None) -> TeamSend | None:
    """The send a memo records; *desk* is this desk's id."""
    found = _FOUND.search(memo.content or "")
    if found is None or memo.created_at is None:
        return None
    try:
        data = json.loads(found.group(1))
    except ValueError:
        return None
    fields = [data.get(k) if isinstance(data, dict) else None for k in ("appointment", "attendee", "channel", "by")]
    if not all(isinstance(f, str) and f for f in fields):
        return None
    appointment, attendee, channel, by = fields
    named = data.get("desk")
    this_desk = named == desk if isinstance(named, str) and named and desk else None
    return TeamSend(appointment, attendee, channel, by, memo.created_at, memo.id, this_desk,
                    SentFor.read(data.get("for")))


def sent_since(messages: Iterable[ClinikoMessage], created_at: datetime | None) -> tuple[ClinikoMessage, ...]:
    """Cliniko's messages since an appointment was booked: older ones were
    about other appointments (when it was booked is unknown: all of them)."""
    return tuple(m for m in messages if created_at is None or m.at >= created_at)


def cliniko_sent_words(messages: Iterable[ClinikoMessage], when: Callable[[datetime], str], most: int = 3) -> str:
    """Cliniko's own messages to a patient, newest first ("reminder by email
    Mon 23 Nov 09:00; …"): they may carry the Telehealth link."""
    found = list(messages)
    words = [f"{m.what}{' by ' + ('SMS' if m.channel == 'sms' else 'email') if m.channel else ''} {when(m.at)}"
             for m in found[:most]]
    more = f"; {len(found) - most} more" if len(found) > most else ""
    return "; ".join(words) + more


async def patient_log(client: ClinikoClient, patient_ids: Iterable[str], since: datetime,
                      desk: str | None = None, *, cliniko: bool = True) -> PatientLog:
    """These patients' memos (frontdesk's sends) and, with *cliniko*,
    Cliniko's own messages since *since*, in one request per page (*desk*:
    this desk's id)."""
    ids = sorted(set(patient_ids))
    if not ids:
        return PatientLog([], [])
    categories = [MEMO, *CLINIKO_SENT] if cliniko else [MEMO]
    q = Q().any_of("patient_id", ids).any_of("category_code", categories).where("created_at", ">=", since)
    rows = await client.list_all("/communications", "communications", q)
    sends, messages = [], []
    for row in rows:
        try:
            memo = Communication.model_validate(row)
        except ValueError:
            continue
        if memo.category_code == MEMO:
            send = read_marker(memo, desk)
            if send is not None:
                sends.append(send)
        elif memo.category_code in CLINIKO_SENT and memo.patient_id and memo.created_at and memo.direction_code != 2:
            channel = {1: "sms", 2: "email"}.get(memo.type_code or 0, "")
            messages.append(ClinikoMessage(memo.patient_id, CLINIKO_SENT[memo.category_code], channel, memo.created_at))
    return PatientLog(sorted(sends, key=lambda s: s.at, reverse=True),
                      sorted(messages, key=lambda m: m.at, reverse=True))


async def team_sends(client: ClinikoClient, patient_ids: Iterable[str], since: datetime,
                     desk: str | None = None) -> list[TeamSend]:
    """Every frontdesk send recorded in these patients' memos since *since*,
    newest first (*desk*: this desk's id). Memos only: a send's fresh
    re-read asks for nothing it does not use."""
    return (await patient_log(client, patient_ids, since, desk, cliniko=False)).sends


def newest_by_attendee(sends: Iterable[TeamSend]) -> dict[tuple[str, str], TeamSend]:
    """The newest send of each (appointment id, attendee id)."""
    found: dict[tuple[str, str], TeamSend] = {}
    for send in sorted(sends, key=lambda s: s.at):
        found[(send.appointment_id, send.attendee_id)] = send  # the newest wins
    return found


def latest_for(sends: Iterable[TeamSend], appointment_id: str, attendee_id: str) -> TeamSend | None:
    return next((s for s in sends if s.appointment_id == appointment_id and s.attendee_id == attendee_id), None)


async def day_team_sends(
    client: ClinikoClient,
    appointments: Iterable[Appointment],
    types: dict[str, AppointmentType],
    attendees_of: Callable[[str], list[Attendee]],
    now: datetime,
    desk: str | None = None,
    *,
    cliniko: bool = False,
) -> DayLog:
    """Sends recorded for a day's Telehealth appointments, and with
    *cliniko* what Cliniko itself sent their patients, for the notes and
    markers on screen (the send itself checks again, fresh)."""
    patients: set[str] = set()
    since = now
    for appt in appointments:
        if telehealth_state(types.get(appt.appointment_type_id or "")) != "on":
            continue
        patients.update(a.patient_id for a in attendees_of(appt.id) if a.patient_id)
        since = min(since, appt.created_at or now - LOOKBACK)
    ids = sorted(patients)
    logs = await asyncio.gather(*(patient_log(client, ids[n:n + BATCH], since, desk, cliniko=cliniko)
                                  for n in range(0, len(ids), BATCH)))
    messages: dict[str, list[ClinikoMessage]] = {}
    for log in logs:
        for message in log.messages:
            messages.setdefault(message.patient_id, []).append(message)
    return DayLog(newest_by_attendee(s for log in logs for s in log.sends),
                  {pid: tuple(sorted(found, key=lambda m: m.at, reverse=True)) for pid, found in messages.items()})


@dataclass(frozen=True)
class DayLog:
    #: the newest frontdesk send of each (appointment id, attendee id)
    sends: dict[tuple[str, str], TeamSend]
    #: Cliniko's own messages to each patient (by patient id), newest first
    messages: dict[str, tuple[ClinikoMessage, ...]]
