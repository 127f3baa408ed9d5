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

from tui.cliniko.client import ClinikoClient
from tui.cliniko.filters import Q
from tui.cliniko.models import Attendee, GroupAppointment, IndividualAppointment, Patient
from tui.domain.timezones import business_zone, day_window, local_day_of
from tui.services.day import Day
from tui.services.day_loader import DayLoader
from tui.services.day_rows import chunks, parse_rows

LOOKAHEAD_DAYS = 14
#: fewer characters than this match too many patients to be worth a request
MIN_CHARS = 2
MAX_MATCHES = 20
_DOB = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def patient_queries(text: str) -> list[Q]:
    """The ``GET /patients`` filters for what staff typed (run together,
    results merged): a date of birth, an email, or name words."""
    text = " ".join(text.split())
    if len(text) < MIN_CHARS:
        return []
    if _DOB.match(text):
        try:
            date.fromisoformat(text)
        except ValueError:
            return []
        return [Q().where("date_of_birth", "=", text)]
    if "@" in text:
        return [Q().where("email", "~", text)]
    words = text.split()
    if len(words) == 1:
        return [Q().where(field, "~", words[0]) for field in ("first_name", "last_name", "preferred_first_name")]
    first, last = words[0], words[-1]
    return [Q().where(field, "~", first).where("last_name", "~", last)
            for field in ("first_name", "preferred_first_name")]


class PatientLookup:
    def __init__(self, client: ClinikoClient, loader: DayLoader) -> None:
        self.client = client
        self.loader = loader

    async def search(self, text: str) -> list[Patient]:
        """Up to MAX_MATCHES patients, by last then first name."""
        queries = patient_queries(text)
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
        home = loader.home_business(loader.locations_hint() or await loader.businesses())
        today = local_day_of(now, business_zone(home)) if home else now.date()
        start = day_window(today, business_zone(home))[0] if home else now - timedelta(hours=12)
        end = start + timedelta(days=LOOKAHEAD_DAYS)
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
