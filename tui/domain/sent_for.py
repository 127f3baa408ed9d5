"""What a patient link was sent for: the appointment's start, type and
practitioner at the moment it went. When any of them has changed since, the
message the patient holds names the old appointment, so the link counts as
not sent for this one: the row, the link panel, up next and the sweep say
"sent for 09:00 — moved to 10:30" and offer it again. Pure."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from frontdesk.cliniko.models import GroupAppointment, IndividualAppointment
from frontdesk.domain.clock import clock_time, date_and_time


@dataclass(frozen=True)
class SentFor:
    starts_at: datetime
    type_id: str | None
    practitioner_id: str | None

    @classmethod
    def of(cls, appointment: IndividualAppointment | GroupAppointment) -> SentFor:
        return cls(appointment.starts_at, appointment.appointment_type_id, appointment.practitioner_id)

    def fields(self) -> dict[str, str]:
        """As the memo's marker and the audit log keep it (ASCII, exact)."""
        found = {"starts": self.starts_at.isoformat()}
        if self.type_id:
            found["type"] = self.type_id
        if self.practitioner_id:
            found["practitioner"] = self.practitioner_id
        return found

    def text(self) -> str:
        return json.dumps(self.fields(), separators=(",", ":"))

    @classmethod
    def read(cls, data: object) -> SentFor | None:
        """From a marker's fields or the log's text; None when absent or
        unreadable (a send from before this was recorded: nothing is claimed)."""
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                return None
        if not isinstance(data, dict) or not isinstance(data.get("starts"), str):
            return None
        try:
            starts = datetime.fromisoformat(data["starts"])
        except ValueError:
            return None
        if starts.tzinfo is None:
            return None
        kind, who = data.get("type"), data.get("practitioner")
        return cls(starts, kind if isinstance(kind, str) else None, who if isinstance(who, str) else None)


def moved_since(sent: SentFor | None, appointment: IndividualAppointment | GroupAppointment,
                zone: ZoneInfo, type_name: str, practitioner_name: str) -> str | None:
    """What changed since the link went, in staff's words; None when nothing
    did (or when what it was sent for is unknown)."""
    if sent is None:
        return None
    if sent.starts_at != appointment.starts_at:
        old, new = sent.starts_at.astimezone(zone), appointment.starts_at.astimezone(zone)
        same_day = old.date() == new.date()
        before = clock_time(old) if same_day else date_and_time(old)
        after = clock_time(new) if same_day else date_and_time(new)
        return f"sent for {before} — moved to {after}"
    if sent.type_id and appointment.appointment_type_id and sent.type_id != appointment.appointment_type_id:
        return f"sent for another appointment type — now ‘{type_name}’"
    if sent.practitioner_id and appointment.practitioner_id and sent.practitioner_id != appointment.practitioner_id:
        return f"sent for another practitioner — now with {practitioner_name}"
    return None
