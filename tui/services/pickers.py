"""What the console's pickers list: the open locations (which is also the
list's location tags' legend) and the practitioners of the day shown, each
with their count of appointments."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from frontdesk.cliniko.models import Business, Practitioner
from frontdesk.domain.timezones import business_zone, zone_city
from frontdesk.domain.wording import location_codes
from frontdesk.services.day import AppointmentView


def location_choices(businesses: Iterable[Business]) -> list[tuple[str, str]]:
    """(id, "SYD Harbour Health Sydney (Sydney time)") per open location."""
    open_ones = [b for b in businesses if b.archived_at is None]
    codes = location_codes([b.name for b in open_ones])
    return [(b.id, f"{codes.get(b.name, '?'):<4}{b.name} ({zone_city(business_zone(b))} time)") for b in open_ones]


def practitioner_choices(practitioners: Iterable[Practitioner], views: Iterable[AppointmentView],
                         chosen: str | None) -> list[tuple[str, str]]:
    """(id, "Dr Chloe Nguyen · 12 appointments") for everyone with an
    appointment that day, and the one chosen even without, by name."""
    counts = Counter(v.appointment.practitioner_id for v in views)
    people = sorted(practitioners, key=lambda p: p.name.casefold())
    return [(p.id, f"{p.name} · {counts.get(p.id, 0)} appointment{'s' * (counts.get(p.id, 0) != 1)}")
            for p in people if counts.get(p.id) or p.id == chosen]
