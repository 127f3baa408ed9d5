"""The two Telehealth links, kept apart by type, and what makes a URL one.

The appointment's ``telehealth_url`` admits only a logged-in Cliniko
practitioner or administrator; the attendee's is a bearer secret that admits
anyone holding it. They are distinct, unrelated types so that nothing which
sends to a patient can be handed a :class:`PractitionerLink`.

Neither can be built from just any string. A patient link is exactly
``https://<the account's Cliniko host>/c/<token>``, a practitioner link
``https://<that host>/appointments/<id>/connect``. The account's host comes
from the account (``/settings/public``'s subdomain and the key's shard),
never from the link being checked; while it is unknown, only an https host
under ``cliniko.com`` passes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from frontdesk.redact import MASK_CHAR

PRACTITIONER_LABEL = "PRACTITIONER / ADMIN LINK — needs a Cliniko login"
PATIENT_LABEL = "PATIENT LINK — anyone with this link can join"
NOT_A_PATIENT_LINK = "Patient link is not a Cliniko patient link — not sent"
NOT_A_PRACTITIONER_LINK = "Practitioner link is not a Cliniko appointment link — not shown"

CLINIKO_DOMAIN = "cliniko.com"
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# The whole URL, anchored: no login, port, query, fragment or stray
# character can slip past. Token: URL-safe, a sane length (Cliniko's example
# ``yxt65-xdR864MNvao`` is 17).
_PATIENT_URL = re.compile(r"^https://(?P<host>[A-Za-z0-9.-]{1,253})/c/(?P<token>[A-Za-z0-9_-]{8,64})$")
_PRACTITIONER_URL = re.compile(r"^https://(?P<host>[A-Za-z0-9.-]{1,253})/appointments/(?P<id>[0-9]{1,20})/connect$")


class LinkRefused(ValueError):
    """The URL is not the link it claims to be; the message says which."""


@dataclass(frozen=True, slots=True)
class AccountHosts:
    """The hosts an account's Telehealth links may use: ``<sub>.cliniko.com``
    and ``<sub>.<shard>.cliniko.com``. Without a subdomain (not learned yet,
    or ``/settings/public`` failed) any host under cliniko.com passes."""

    subdomain: str | None = None
    shard: str | None = None

    def allows(self, host: str) -> bool:
        return _allowed(self, host.lower())


@lru_cache(maxsize=256)
def _allowed(hosts: AccountHosts, host: str) -> bool:
    labels = host.split(".")
    if len(labels) < 3 or labels[-2:] != ["cliniko", "com"]:
        return False
    if not all(_LABEL.match(label) for label in labels):
        return False
    if not hosts.subdomain:
        return True
    sub = hosts.subdomain.lower()
    allowed = {f"{sub}.{CLINIKO_DOMAIN}"}
    if hosts.shard:
        allowed.add(f"{sub}.{hosts.shard.lower()}.{CLINIKO_DOMAIN}")
    return host in allowed


ANY_CLINIKO_HOST = AccountHosts()


def _match(pattern: re.Pattern[str], url: str, what: str, shape: str) -> re.Match[str]:
    found = pattern.match(url) if isinstance(url, str) else None
    if found is None:
        raise LinkRefused(f"{what}: not {shape}")
    if not ANY_CLINIKO_HOST.allows(found.group("host")):
        raise LinkRefused(f"{what}: not on cliniko.com")
    return found


@dataclass(frozen=True, slots=True)
class PractitionerLink:
    """An appointment's link; only works for a logged-in Cliniko user."""

    url: str
    appointment_id: str
    role: str = field(default="practitioner", init=False)

    def __post_init__(self) -> None:
        found = _match(_PRACTITIONER_URL, self.url, "practitioner link", "https://<host>/appointments/<id>/connect")
        if found.group("id") != self.appointment_id:
            raise LinkRefused("practitioner link: names another appointment")

    def __repr__(self) -> str:
        return f"PractitionerLink(appointment_id={self.appointment_id!r})"


@dataclass(frozen=True, slots=True)
class PatientLink:
    """An attendee's bearer link. ``str()`` and ``repr()`` never show the token."""

    url: str = field(repr=False)
    appointment_id: str
    attendee_id: str
    role: str = field(default="patient", init=False)

    def __post_init__(self) -> None:
        _match(_PATIENT_URL, self.url, "patient link", "https://<host>/c/<token>")

    @property
    def host(self) -> str:
        return self.url[len("https://"):].split("/", 1)[0].lower()

    def masked(self) -> str:
        return self.url[: self.url.rindex("/") + 1] + MASK_CHAR * 12

    def fingerprint(self) -> str:
        """A stable hash for the audit log; the token itself is never stored."""
        return hashlib.sha256(self.url.encode()).hexdigest()[:16]

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"PatientLink(attendee_id={self.attendee_id!r}, url={self.masked()!r})"


def practitioner_link(url: str | None, appointment_id: str, hosts: AccountHosts) -> PractitionerLink | None:
    """The appointment's link, or None when it is missing; raises
    :class:`LinkRefused` when it is not this account's appointment link."""
    if not url:
        return None
    link = PractitionerLink(url=url, appointment_id=appointment_id)
    if not hosts.allows(url[len("https://"):].split("/", 1)[0]):
        raise LinkRefused("practitioner link: another Cliniko account's address")
    return link


def patient_link(url: str | None, appointment_id: str, attendee_id: str, hosts: AccountHosts) -> PatientLink | None:
    """The attendee's link, or None when it is missing; raises
    :class:`LinkRefused` when it is not this account's patient link."""
    if not url:
        return None
    link = PatientLink(url=url, appointment_id=appointment_id, attendee_id=attendee_id)
    if not hosts.allows(link.host):
        raise LinkRefused("patient link: another Cliniko account's address")
    return link
