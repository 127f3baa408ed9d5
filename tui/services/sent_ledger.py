"""This desk's sends of the day's links, as last read from the audit log.

The console looks here on every cursor move and clock tick (the sent
column, the "Already sent" notes, up next); the log itself is read off the
UI loop (:func:`read_ledger`), after each load, refresh and send, so a log
locked by another program never freezes the console. The send itself
always asks the log again (the claim), so a ledger a moment old can never
let a link go twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from frontdesk.services.audit import AuditEntry, AuditLog, AuditUnavailable

#: one appointment's sends, by (attendee id, link fingerprint)
Sends = Mapping[tuple[str, str], AuditEntry]


@dataclass(frozen=True)
class SentLedger:
    by_appointment: Mapping[str, Sends] = field(default_factory=dict)
    #: why the log could not be read (then nothing counts as sent from here)
    trouble: str | None = None

    def of(self, appointment_id: str) -> Sends | None:
        """One appointment's sends; None when the log could not be read."""
        return None if self.trouble else self.by_appointment.get(appointment_id, {})

    def all(self) -> Mapping[str, Sends] | None:
        return None if self.trouble else self.by_appointment


async def read_ledger(audit: AuditLog, appointment_ids: Iterable[str]) -> SentLedger:
    try:
        return SentLedger(await asyncio.to_thread(audit.sends_for, list(appointment_ids)))
    except AuditUnavailable as exc:
        return SentLedger(trouble=exc.message)
