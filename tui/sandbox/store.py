"""The sandbox's data: every resource as dicts keyed by 19-digit string ids,
in the sandbox's internal shape (rendered as Cliniko's JSON by render.py)."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import date, datetime

from frontdesk.sandbox.clock import iso_z

SUBDOMAIN = "harbourhealth"
SHARD = "au4"
ID_BASE = 1_390_000_000_000_000_000

# kind codes keep ids of different resources apart
K_BUSINESS, K_PRACT, K_TYPE, K_PATIENT, K_USER = 1, 2, 3, 4, 5
K_APPT, K_GROUP, K_ATTENDEE, K_BLOCK, K_COMM = 6, 7, 8, 9, 10


def make_id(kind: int, day_index: int, n: int) -> str:
    return str(ID_BASE + kind * 10**15 + day_index * 10**9 + n)


@dataclass
class Store:
    """Every resource, as dicts keyed by id, in the sandbox's internal shape."""

    now: datetime
    subdomain: str = SUBDOMAIN
    #: the account's country (ISO 3166-1), which sets how it writes dates and times
    country: tuple[str, str] = ("Australia", "AU")
    #: its word for the people it sees (Cliniko offers "patient" and "client")
    patient_term: str = "patient"
    shard: str = SHARD
    businesses: dict[str, dict] = field(default_factory=dict)
    practitioners: dict[str, dict] = field(default_factory=dict)
    appointment_types: dict[str, dict] = field(default_factory=dict)
    patients: dict[str, dict] = field(default_factory=dict)
    users: dict[str, dict] = field(default_factory=dict)
    individual_appointments: dict[str, dict] = field(default_factory=dict)
    group_appointments: dict[str, dict] = field(default_factory=dict)
    attendees: dict[str, dict] = field(default_factory=dict)
    unavailable_blocks: dict[str, dict] = field(default_factory=dict)
    communications: dict[str, dict] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # key body → user id
    today: date | None = None

    def host(self) -> str:
        return f"https://{self.subdomain}.{self.shard}.cliniko.com"

    def resource(self, name: str) -> dict[str, dict]:
        return getattr(self, name)


class Ids:
    def __init__(self) -> None:
        self.counters: dict[tuple[int, int], int] = {}

    def next(self, kind: int, day_index: int = 0) -> str:
        n = self.counters.get((kind, day_index), 0) + 1
        self.counters[(kind, day_index)] = n
        return make_id(kind, day_index, n)


def token(rng: random.Random) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(rng.choices(alphabet, k=5)) + "-" + "".join(rng.choices(alphabet, k=12))


def base_row(rid: str, created: datetime) -> dict:
    return {"id": rid, "created_at": iso_z(created), "updated_at": iso_z(created),
            "archived_at": None, "deleted_at": None}
