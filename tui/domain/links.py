"""The two Telehealth links, kept apart by type.

The appointment's ``telehealth_url`` admits only a logged-in Cliniko
practitioner or administrator; the attendee's is a bearer secret that admits
anyone holding it. They are distinct, unrelated types so that nothing which
sends to a patient can be handed a :class:`PractitionerLink`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tui.redact import MASK_CHAR

PRACTITIONER_LABEL = "PRACTITIONER / ADMIN LINK — needs a Cliniko login"
PATIENT_LABEL = "PATIENT LINK — anyone with this link can join"


@dataclass(frozen=True, slots=True)
class PractitionerLink:
    """An appointment's link; only works for a logged-in Cliniko user."""

    url: str
    appointment_id: str
    role: str = field(default="practitioner", init=False)

    def __repr__(self) -> str:
        return f"PractitionerLink(appointment_id={self.appointment_id!r})"


@dataclass(frozen=True, slots=True)
class PatientLink:
    """An attendee's bearer link. ``str()`` and ``repr()`` never show the token."""

    url: str = field(repr=False)
    appointment_id: str
    attendee_id: str
    role: str = field(default="patient", init=False)

    def masked(self) -> str:
        return mask_url(self.url)

    def fingerprint(self) -> str:
        """A stable hash for the audit log; the token itself is never stored."""
        return hashlib.sha256(self.url.encode()).hexdigest()[:16]

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"PatientLink(attendee_id={self.attendee_id!r}, url={self.masked()!r})"


def mask_url(url: str) -> str:
    """Keep scheme, host and the path up to the token; hide the token."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return MASK_CHAR * 12
    segments = parts.path.rstrip("/").split("/")
    prefix = "/".join(segments[:-1])
    return f"{parts.scheme}://{parts.netloc}{prefix}/{MASK_CHAR * 12}"


def practitioner_link(url: str | None, appointment_id: str) -> PractitionerLink | None:
    return PractitionerLink(url=url, appointment_id=appointment_id) if url else None


def patient_link(url: str | None, appointment_id: str, attendee_id: str) -> PatientLink | None:
    return PatientLink(url=url, appointment_id=appointment_id, attendee_id=attendee_id) if url else None
