"""Load a local day from Cliniko with as few round trips as the API allows.

Round trips: businesses, types and practitioners together; then the first
pages of individual and group appointments; their remaining pages
concurrently; attendees fetched in batches of up to 100 booking ids as each
page lands; patients in batches of up to 100 ids as attendees land. Never one
request per appointment.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from frontdesk.cliniko.client import ClinikoClient
from frontdesk.cliniko.errors import ClinikoError, ConfigurationError, IncompleteListError, UnknownLocationError
from frontdesk.cliniko.filters import Q
from frontdesk.cliniko.models import (
    AppointmentType,
    Attendee,
    Business,
    GroupAppointment,
    IndividualAppointment,
    Patient,
    Practitioner,
)
from frontdesk.domain.days import DayWanted, WrittenDay
from frontdesk.domain.local_ways import date_order_of
from frontdesk.domain.locations import pick_location
from frontdesk.domain.timezones import business_zone, day_window, local_day_of, span_of, zone_problem
from frontdesk.paths import write_private_text
from frontdesk.services.account import AccountInfo
from frontdesk.services.day import Day, home_business
from frontdesk.services.day_rows import attendee_batches, booking_model, chunks, parse_rows, patient_ids_of
from frontdesk.services.refresh_result import RefreshResult

log = logging.getLogger("frontdesk.day")
SYNC_MARGIN = timedelta(seconds=60)
M = TypeVar("M", bound=BaseModel)
Progress = Callable[[Day], None]


class DayIncomplete(ClinikoError):
    """Some list came back shorter than Cliniko said: the day holds what
    arrived (``day``), and staff must be told it is not the whole day."""

    kind = "incomplete"

    def __init__(self, day: Day, shortfalls: list[str]) -> None:
        super().__init__("; ".join(shortfalls) + " — showing what arrived, day incomplete")
        self.day = day


class DayLoader:
    """Loads and refreshes days; caches appointment types for the session."""

    def __init__(
        self,
        client: ClinikoClient,
        *,
        business_id: str | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        fallback_zone: str | None = None,
        location_cache: Path | None = None,
        account: AccountInfo | None = None,
    ) -> None:
        self.client = client
        self.account = account or AccountInfo(client)
        self.location_cache = location_cache
        self.business_id = business_id
        self.clock = clock
        self.fallback_zone = fallback_zone
        self._types: dict[str, AppointmentType] | None = None
        self._businesses: dict[str, Business] | None = None
        self._practitioners: dict[str, Practitioner] | None = None
        self._remembered: dict[str, Business] | None = None
        #: reference records that could not be read, by resource
        self._dropped_refs: dict[str, list[str]] = {}

    # -- reference data ------------------------------------------------------

    def forget(self) -> None:
        """Drop cached businesses, types and practitioners (a full reload)."""
        self._types = self._businesses = self._practitioners = None

    async def _by_id(self, resource: str, model: type[M], q: Q | None = None) -> dict[str, M]:
        """A reference list by id; records that cannot be read are left out
        and remembered (every day loaded with this list is incomplete)."""
        dropped: list[str] = []
        rows = await self.client.list_all(f"/{resource}", resource, q, shortfalls=dropped)
        parsed = parse_rows(model, rows, dropped, resource.replace("_", " "))
        self._dropped_refs[resource] = dropped
        return {row.id: row for row in parsed}  # type: ignore[attr-defined]

    async def businesses(self) -> dict[str, Business]:
        if self._businesses is None:
            self._businesses = await self._by_id("businesses", Business)
            self._remember_locations(self._businesses)
        return self._businesses

    def locations_hint(self) -> dict[str, Business]:
        """Businesses as loaded, else as remembered from the last session: their
        time zones fix the day's window before Cliniko has answered."""
        if self._businesses is not None:
            return self._businesses
        if self._remembered is None:  # read the file once, not on every header redraw
            self._remembered = {}
            if self.location_cache is not None and self.location_cache.exists():
                try:
                    rows = json.loads(self.location_cache.read_text(encoding="utf-8"))
                    self._remembered = {b.id: b for b in (Business.model_validate(row) for row in rows)}
                except (OSError, ValueError):
                    pass
        return self._remembered

    def home_business(self, businesses: dict[str, Business] | None = None) -> Business | None:
        """The configured location, else the first one."""
        return home_business(businesses or self.locations_hint(), self.business_id)

    async def date_for(self, wanted: DayWanted | None, now: datetime) -> date:
        """The local date staff asked for: a date as it is; one written the
        clinic's way in the account's date order; a relative day (or none:
        today) from today in the home location's zone."""
        if isinstance(wanted, date):
            return wanted
        if isinstance(wanted, WrittenDay):
            try:
                return wanted.on(date_order_of((await self.account.get()).country_code))
            except ValueError as exc:
                raise ConfigurationError(str(exc)) from None
        today = await self.default_date(now)
        return wanted.on(today) if wanted is not None else today

    async def default_date(self, now: datetime) -> date:
        """Today in the home location's zone (fetching the locations if none are known)."""
        business = self.home_business(self.locations_hint() or await self.businesses())
        return local_day_of(now, business_zone(business)) if business else now.date()

    def _remember_locations(self, businesses: dict[str, Business]) -> None:
        self._remembered = businesses
        if self.location_cache is None:
            return
        keep = ("id", "business_name", "display_name", "time_zone", "time_zone_identifier", "country_code")
        rows = [b.model_dump(include=set(keep)) for b in businesses.values()]
        try:
            write_private_text(self.location_cache, json.dumps(rows))
        except OSError as exc:
            log.warning("could not remember the locations in %s (%s); check the data folder",
                        self.location_cache, exc.strerror or type(exc).__name__)

    async def appointment_types(self, *, fresh: bool = False) -> dict[str, AppointmentType]:
        """All types, archived ones included (old appointments still use them)."""
        if self._types is None or fresh:
            q = Q().including_hidden("archived_at")
            self._types = await self._by_id("appointment_types", AppointmentType, q)
        return self._types

    async def practitioners(self) -> dict[str, Practitioner]:
        if self._practitioners is None:
            self._practitioners = await self._by_id("practitioners", Practitioner)
        return self._practitioners

    # -- the day -------------------------------------------------------------

    def _windows(self, day: Day, local_date: date) -> tuple[datetime, datetime]:
        ids = [self.business_id] if self.business_id else list(day.businesses) or [""]
        return span_of([day_window(local_date, day.zone_of(b)) for b in ids])

    def _in_day(self, day: Day, appt: IndividualAppointment | GroupAppointment) -> bool:
        if self.business_id and appt.business_id != self.business_id:
            return False
        if appt.archived_at is not None or appt.deleted_at is not None:
            return False
        return local_day_of(appt.starts_at, day.zone_of(appt.business_id)) == day.local_date

    async def load(self, local_date: date, on_progress: Progress | None = None) -> Day:
        if self.business_id and not self.business_id.isdigit():  # a name, tag or prefix: its id, once
            self.business_id = pick_location(self.business_id, await self.businesses()).id
        day = Day(local_date=local_date, business_id=self.business_id, fallback_zone=self.fallback_zone)
        sync_mark = self.clock() - SYNC_MARGIN
        problems = day.problems
        shortfalls: list[str] = []
        dropped: list[str] = []  # rows Cliniko sent that cannot be read
        account_task = asyncio.ensure_future(self.account.get())
        types_task = asyncio.ensure_future(self.appointment_types())
        practitioners_task = asyncio.ensure_future(self.practitioners())
        hint = self.locations_hint()
        businesses_task = asyncio.ensure_future(self.businesses())
        started: list[asyncio.Future[Any]] = [account_task, types_task, practitioners_task, businesses_task]
        pending: list[asyncio.Future[Any]] = []
        try:
            if hint:
                day.businesses = hint  # the window now; Cliniko's answer is checked below
            else:
                day.businesses = await businesses_task
            start, end = self._windows(day, local_date)
            base = Q().where("starts_at", ">=", start).where("starts_at", "<", end)
            if self.business_id:
                base.any_of("business_id", [self.business_id])

            def publish() -> None:
                day.changed()
                if on_progress is not None:
                    on_progress(day)

            async def attendees_for(appointments: list[IndividualAppointment | GroupAppointment]) -> None:
                async def one(batch: list[str]) -> None:
                    found = await self._fetch_attendees(day, batch, dropped, shortfalls)
                    # cancelled group attendees are not in patient_ids: fetch them now
                    await self._fetch_patients(day, (a.patient_id for a in found if a.patient_id), dropped, shortfalls)
                    publish()

                await asyncio.gather(*(one(batch) for batch in attendee_batches(appointments)))

            async def stream(path: str, resource: str, model: type, q: Q) -> None:
                try:
                    async for page in self.client.pages(path, resource, q, extra=[("sort", "starts_at")]):
                        if not account_task.done():  # links are checked against the account's hosts
                            await account_task
                        day.hosts = account_task.result().hosts
                        new = [a for a in parse_rows(model, page, dropped, resource.replace("_", " ")) if self._in_day(day, a)]
                        for appt in new:
                            day.appointments[appt.id] = appt
                        if new:
                            # patients are named on the appointments: fetch them alongside the attendees
                            batch = asyncio.ensure_future(asyncio.gather(
                                attendees_for(new), self._fetch_patients(day, patient_ids_of(new), dropped, shortfalls)
                            ))
                            pending.append(batch)
                            started.append(batch)
                        publish()
                except IncompleteListError as exc:
                    shortfalls.append(str(exc))

            individual_q = base.copy().including_hidden("cancelled_at")
            streams = [
                asyncio.ensure_future(stream("/individual_appointments", "individual_appointments",
                                             IndividualAppointment, individual_q)),
                asyncio.ensure_future(stream("/group_appointments", "group_appointments", GroupAppointment, base)),
            ]
            started += streams
            await asyncio.gather(*streams, types_task, practitioners_task)
            day.appointment_types = types_task.result()
            day.practitioners = practitioners_task.result()
            publish()
            while pending:
                batch, pending[:] = list(pending), []
                await asyncio.gather(*batch)
            fresh = await businesses_task
            account = await account_task
        except BaseException:
            await _abandon(started)
            raise
        if self.business_id and self.business_id not in fresh:
            self._unknown_location(fresh)
        if _zones(fresh) != _zones(day.businesses):
            # a location moved zone since last time: the window was wrong
            return await self.load(local_date, on_progress)
        day.businesses = fresh
        day.hosts = account.hosts
        if account.problem:
            problems.append(f"{account.problem} Patient links are checked only for a cliniko.com address.")
        placeless = sum(1 for a in day.appointments.values() if a.business_id not in fresh)
        if placeless:
            problems.append(f"{placeless} appointment{'s' * (placeless != 1)} name{'s' * (placeless == 1)} no location "
                            f"Cliniko sent: {'their times are' if placeless != 1 else 'its time is'} shown on the "
                            f"{day.zone_of(None).key} clock; check {'them' if placeless != 1 else 'it'} in Cliniko.")
        for business in fresh.values():
            trouble = zone_problem(business.time_zone_identifier, business.time_zone)
            if trouble:
                shown = day.zone_of(business.id).key
                problems.append(f"{business.name}: {trouble}; its times are shown in {shown}.")
        day.sync_mark = sync_mark
        day.synced_at = sync_mark + SYNC_MARGIN
        shortfalls += dropped + [note for notes in self._dropped_refs.values() for note in notes]
        if shortfalls:
            publish()
            raise DayIncomplete(day, shortfalls)
        day.complete = True
        publish()
        return day

    def _unknown_location(self, businesses: dict[str, Business]) -> None:
        raise UnknownLocationError(self.business_id or "", {b.id: b.name for b in businesses.values()})

    # -- batched lookups shared by load and refresh ------------------------------

    async def _fetch_attendees(self, day: Day, booking_ids: list[str], dropped: list[str],
                               shortfalls: list[str] | None = None) -> list[Attendee]:
        """One batch of booking ids (cancelled attendees included) into *day*."""
        q = Q().any_of("booking_id", booking_ids).including_hidden("cancelled_at")
        rows = await self.client.list_all("/attendees", "attendees", q, shortfalls=shortfalls)
        found = parse_rows(Attendee, rows, dropped, "attendees")
        for attendee in found:
            day.attendees[attendee.id] = attendee
        return found

    async def _fetch_patients(self, day: Day, patient_ids: Iterable[str], dropped: list[str],
                              shortfalls: list[str] | None = None) -> None:
        """Patients not yet asked for, in concurrent batches of up to 100 ids.
        Archived ones never come back, so each id is asked for once per day."""
        wanted = sorted(set(patient_ids) - day.patients_requested)
        day.patients_requested.update(wanted)

        async def one(batch: list[str]) -> None:
            rows = await self.client.list_all("/patients", "patients", Q().any_of("id", batch), shortfalls=shortfalls)
            for patient in parse_rows(Patient, rows, dropped, "patients"):
                day.patients[patient.id] = patient

        await asyncio.gather(*(one(batch) for batch in chunks(wanted)))

    # -- incremental refresh ----------------------------------------------------

    async def refresh(self, shown: Day) -> RefreshResult:
        """What changed since the last sync, as a new Day (*shown* is left as
        it is): one request per resource when nothing did (bookings,
        attendees, appointment types)."""
        since = shown.sync_mark or (self.clock() - timedelta(hours=1))
        next_mark = self.clock() - SYNC_MARGIN
        day = shown.copy()
        result = RefreshResult(day)
        dropped: list[str] = []

        def changed_q() -> Q:
            return Q().where("updated_at", ">", since).including_hidden("archived_at")

        bookings_q = changed_q().including_hidden("cancelled_at")
        if self.business_id:
            bookings_q.any_of("business_id", [self.business_id])
        bookings, attendees, types = await asyncio.gather(
            self.client.list_all("/bookings", "bookings", bookings_q),
            self.client.list_all("/attendees", "attendees", changed_q().including_hidden("cancelled_at")),
            self.client.list_all("/appointment_types", "appointment_types", changed_q()),
        )
        for t in parse_rows(AppointmentType, types, dropped, "appointment types"):
            self._types = self._types or {}
            self._types[t.id] = t
            if day.appointment_types.get(t.id) != t:
                day.appointment_types[t.id] = t
                result.types_changed = True
        new_ids: list[str] = []
        for row in bookings:
            model = booking_model(row)
            if model is None:
                continue
            parsed = parse_rows(model, [row], dropped, "appointments")
            if not parsed:
                gone = str(row.get("id") or "")
                if gone in day.appointments:  # its old state may no longer be true: not shown
                    del day.appointments[gone]
                    result.removed.add(gone)
                continue
            appt = parsed[0]
            if self._in_day(day, appt):
                if appt.id not in day.appointments:
                    new_ids.append(appt.id)
                    result.added.add(appt.id)
                if day.appointments.get(appt.id) != appt:  # the same record again is no change
                    day.appointments[appt.id] = appt
                    result.changed.add(appt.id)
            elif appt.id in day.appointments:
                del day.appointments[appt.id]
                result.removed.add(appt.id)
        for attendee in parse_rows(Attendee, attendees, dropped, "attendees"):
            if attendee.booking_id in day.appointments and day.attendees.get(attendee.id) != attendee:
                day.attendees[attendee.id] = attendee
                result.changed.add(attendee.booking_id)
        day.changed()
        known = {a.booking_id for a in day.attendees.values()}
        missing = [i for i in new_ids if i not in known]
        for batch in chunks(missing):
            await self._fetch_attendees(day, batch, dropped)
        await self._fetch_patients(day, (a.patient_id for a in day.attendees.values() if a.patient_id), dropped)
        day.changed()
        day.sync_mark = next_mark
        day.synced_at = next_mark + SYNC_MARGIN
        if dropped:
            day.complete = False
            raise DayIncomplete(day, dropped)
        return result


async def _abandon(tasks: list[asyncio.Future[Any]]) -> None:
    """A load failed: stop everything it started, and collect their errors
    (none is left to be logged as "never retrieved" after the client closes)."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _zones(businesses: dict[str, Business]) -> dict[str, str]:
    return {bid: business_zone(b).key for bid, b in businesses.items()}
