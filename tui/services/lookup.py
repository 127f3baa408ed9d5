"""“I lost my link”: find a patient, then their appointments in the next 14
days, as views the console already knows how to decide about.

Search uses Cliniko's own ``GET /patients`` filters (names with ``~``,
email, date of birth); Cliniko ANDs filters, so "any of these names" is a
few requests in parallel, merged. Archived patients never appear (Cliniko
hides them from lists). From a chosen patient to their days it is two
sequential round trips (three when the reference data is not yet cached):
their individual and group appointments in parallel, then those
appointments' attendee records for this patient.
"""

from __future__ import annotations

import asyncio
import re
from datetime import date, datetime, timedelta

from frontdesk.cliniko.client import ClinikoClient
from frontdesk.cliniko.errors import ClinikoError
from frontdesk.cliniko.filters import Q
from frontdesk.cliniko.models import (
    Attendee,
    GroupAppointment,
    IndividualAppointment,
    Patient,
)
from frontdesk.domain.local_ways import DateOrder, date_order_of, looks_like_a_date, read_date
from frontdesk.domain.timezones import business_zone, day_window, local_day_of
from frontdesk.services.audit import AuditLog
from frontdesk.services.day import Day
from frontdesk.services.day_loader import DayLoader
from frontdesk.services.day_rows import chunks, parse_rows
from frontdesk.services.sent_ledger import SentLedger, read_ledger
from frontdesk.services.team_log import LOOKBACK, TeamSend, newest_by_attendee, team_sends

LOOKAHEAD_DAYS = 14
#: fewer characters than this match too many patients to be worth a request
MIN_CHARS = 2
MAX_MATCHES = 20
#: typed digits (spaces, +, - and brackets aside) this many or more: a phone number
MIN_PHONE_DIGITS = 3
_PHONE = re.compile(r"^[\d\s+()\-]+$")
#: the coming days' patients are read again after this long
COMING_FOR = timedelta(minutes=10)


def phone_digits(text: str) -> str | None:
    """The digits of a typed phone number (None: not a phone number). A
    leading 0 or country code is dropped, so 0412 345 678 and +61 412 345
    678 both end a stored number the same way."""
    text = text.strip()
    if not _PHONE.match(text) or looks_like_a_date(text):
        return None
    digits = re.sub(r"\D", "", text)
    return digits.lstrip("0") if len(digits) >= MIN_PHONE_DIGITS else None


def phone_matches(patient: Patient, digits: str) -> bool:
    return any(re.sub(r"\D", "", p.normalized_number or p.number or "").endswith(digits)
               for p in patient.patient_phone_numbers)


def patient_queries(text: str, order: DateOrder | None = None) -> list[Q]:
    """The ``GET /patients`` filters for what staff typed (run together,
    results merged): a date of birth (ISO or the clinic's own order), an
    email, or name words. Phone numbers are not filtered by Cliniko (see
    :meth:`PatientLookup.by_phone`)."""
    text = " ".join(text.split())
    if len(text) < MIN_CHARS:
        return []
    if looks_like_a_date(text):
        born = read_date(text, order)  # order None: ISO only
        return [Q().where("date_of_birth", "=", born.isoformat())] if born else []
    if "@" in text:
        return [Q().where("email", "~", text)]
    words = text.split()
    if len(words) == 1:
        return [Q().where(field, "~", words[0]) for field in ("first_name", "last_name", "preferred_first_name")]
    first, last = words[0], words[-1]
    return [Q().where(field, "~", first).where("last_name", "~", last)
            for field in ("first_name", "preferred_first_name")]


class PatientLookup:
    def __init__(self, client: ClinikoClient, loader: DayLoader, audit: AuditLog, desk: str) -> None:
        self.client = client
        self.loader = loader
        self.audit = audit
        self.desk = desk
        self._coming: tuple[datetime, list[Patient]] | None = None

    async def date_order(self) -> DateOrder | None:
        return date_order_of((await self.loader.account.get()).country_code)

    def known_order(self) -> DateOrder | None:
        """How the clinic writes dates, if its settings are read (None: ISO only)."""
        account = self.loader.account.known
        return date_order_of(account.country_code if account is not None else None)

    async def by_phone(self, digits: str, now: datetime) -> list[Patient]:
        """Patients whose phone number ends with *digits*, among those with
        an appointment in the coming LOOKAHEAD_DAYS: Cliniko cannot filter
        patients by phone, so the coming days' patients are read (once,
        then again after COMING_FOR) and matched here."""
        if self._coming is None or now - self._coming[0] > COMING_FOR:
            self._coming = (now, await self._coming_patients(now))
        found = [p for p in self._coming[1] if phone_matches(p, digits)]
        return sorted(found, key=lambda p: ((p.last_name or "").casefold(), p.display_name.casefold()))[:MAX_MATCHES]

    async def _coming_patients(self, now: datetime) -> list[Patient]:
        _, start, end = await self._window(now)
        window = Q().where("starts_at", ">=", start).where("starts_at", "<", end)
        individual, group = await asyncio.gather(
            self.client.list_all("/individual_appointments", "individual_appointments", window.copy()),
            self.client.list_all("/group_appointments", "group_appointments", window.copy()))
        dropped: list[str] = []
        ids = {a.patient_id for a in parse_rows(IndividualAppointment, individual, dropped, "appointments")
               if a.patient_id}
        groups = sorted(g.id for g in parse_rows(GroupAppointment, group, dropped, "appointments"))
        for rows in await asyncio.gather(*(self.client.list_all("/attendees", "attendees",
                                                                 Q().any_of("booking_id", batch))
                                           for batch in chunks(groups))):
            ids |= {a.patient_id for a in parse_rows(Attendee, rows, dropped, "attendees") if a.patient_id}
        pages = await asyncio.gather(*(self.client.list_all("/patients", "patients", Q().any_of("id", batch))
                                       for batch in chunks(sorted(ids))))
        return [p for rows in pages for p in parse_rows(Patient, rows, dropped, "patients") if p.archived_at is None]

    async def _window(self, now: datetime) -> tuple[date, datetime, datetime]:
        """Today at the home location, and from the start of it LOOKAHEAD_DAYS long."""
        loader = self.loader
        home = loader.home_business(loader.locations_hint() or await loader.businesses())
        today = local_day_of(now, business_zone(home)) if home else now.date()
        start = day_window(today, business_zone(home))[0] if home else now - timedelta(hours=12)
        return today, start, start + timedelta(days=LOOKAHEAD_DAYS)

    async def upcoming_with_sends(self, patient: Patient, now: datetime) -> tuple[Day, SentLedger]:
        """:meth:`upcoming`, with what was already sent: other desks' sends
        from the patient's memos (read alongside the appointments, so no
        extra round trip) into ``day.team_sends``, and this desk's from its
        log (read off the UI loop)."""
        day, memos = await asyncio.gather(self.upcoming(patient, now), self._memos(patient, now))
        day.team_sends = newest_by_attendee(memos)
        return day, await read_ledger(self.audit, day.appointments)

    async def _memos(self, patient: Patient, now: datetime) -> list[TeamSend]:
        try:
            return await team_sends(self.client, [patient.id], now - LOOKBACK, self.desk)
        except ClinikoError:
            return []  # then this desk's log alone says what was sent

    async def search(self, text: str) -> list[Patient]:
        """Up to MAX_MATCHES patients, by last then first name."""
        queries = patient_queries(text, await self.date_order())
        if not queries:
            return []
        answers = await asyncio.gather(*(
            self.client.get("/patients", q.params() + [("per_page", str(MAX_MATCHES))]) for q in queries))
        found: dict[str, Patient] = {}
        for answer in answers:
            rows = answer.get("patients")
            for patient in parse_rows(Patient, rows if isinstance(rows, list) else [], [], "patients"):
                if patient.archived_at is None:
                    found[patient.id] = patient
        ordered = sorted(found.values(), key=lambda p: ((p.last_name or "").casefold(), p.display_name.casefold()))
        return ordered[:MAX_MATCHES]

    async def upcoming(self, patient: Patient, now: datetime) -> Day:
        """The patient's appointments from the start of today (the home
        location's day) for LOOKAHEAD_DAYS, with their own attendee records."""
        loader = self.loader
        today, start, end = await self._window(now)
        day = Day(local_date=today, fallback_zone=loader.fallback_zone)
        window = Q().where("starts_at", ">=", start).where("starts_at", "<", end)
        # round trip 1: the appointments (and any reference data not cached yet)
        individual, group, types, practitioners, businesses, account = await asyncio.gather(
            self.client.list_all("/individual_appointments", "individual_appointments",
                                 window.copy().where("patient_id", "=", patient.id).including_hidden("cancelled_at")),
            self.client.list_all("/group_appointments", "group_appointments",
                                 window.copy().where("patient_ids", "~", patient.id)),
            loader.appointment_types(), loader.practitioners(), loader.businesses(), loader.account.get())
        day.appointment_types, day.practitioners, day.businesses, day.hosts = types, practitioners, businesses, account.hosts
        dropped: list[str] = []
        for model, rows, what in ((IndividualAppointment, individual, "individual appointments"),
                                  (GroupAppointment, group, "group appointments")):
            for appointment in parse_rows(model, rows, dropped, what):
                if appointment.archived_at is None and appointment.deleted_at is None:
                    day.appointments[appointment.id] = appointment
        day.patients[patient.id] = patient

        # round trip 2: this patient's attendee records (their patient links), in batches of ids
        async def attendees(batch: list[str]) -> list:
            q = Q().any_of("booking_id", batch).where("patient_id", "=", patient.id).including_hidden("cancelled_at")
            return await self.client.list_all("/attendees", "attendees", q)

        batches = await asyncio.gather(*(attendees(batch) for batch in chunks(sorted(day.appointments))))
        for rows in batches:
            for attendee in parse_rows(Attendee, rows, dropped, "attendees"):
                day.attendees[attendee.id] = attendee
        day.changed()
        day.problems += dropped
        day.complete = not dropped
        day.synced_at = now
        return day
