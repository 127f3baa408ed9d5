"""What the guarded send answers: a send's outcome, and what is known of
earlier sends of a link before staff are asked."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.domain.contact import Channel
from frontdesk.services.audit import AuditEntry
from frontdesk.services.team_log import ClinikoMessage, TeamSend


@dataclass(frozen=True)
class SendOutcome:
    attendee_id: str
    channel: Channel
    recipient: str  # masked
    memo_id: str | None
    memo_error: str | None


@dataclass(frozen=True)
class PreviousSends:
    """What is known of earlier sends of one link before asking staff."""

    local: AuditEntry | None
    team: TeamSend | None  # from Cliniko's memos, another desk's (or this one's)
    #: why Cliniko's log could not be read (sending is not blocked by it)
    log_error: str | None = None
    #: why this desk's own log could not be read
    audit_error: str | None = None
    #: what Cliniko itself sent the patient (reminders, confirmations), newest first
    cliniko: tuple[ClinikoMessage, ...] = ()
