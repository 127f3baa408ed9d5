"""What a refresh found: the new day, and which appointments changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from frontdesk.services.day import Day


@dataclass
class RefreshResult:
    """A refresh's answer: the new day, and which appointments changed."""

    day: Day
    changed: set[str] = field(default_factory=set)
    #: of ``changed``, the appointments new to the day
    added: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    types_changed: bool = False

    def in_place(self, before: Day) -> bool:
        """Every change keeps its row where it was (same times, location
        and type), so those rows can be redrawn alone."""
        if self.added or self.removed or self.types_changed:
            return False
        for appointment_id in self.changed:
            old, new = before.appointments.get(appointment_id), self.day.appointments.get(appointment_id)
            if old is None or new is None or _placing(old) != _placing(new):
                return False
        return True


def _placing(appointment: Any) -> tuple:
    return (appointment.starts_at, appointment.ends_at, appointment.business_id, appointment.appointment_type_id)
