"""A deterministic clinic for the sandbox: businesses, staff, types, patients,
and a realistic spread of appointments around "today".

Every id is a 19-digit string, every appointment carries a practitioner link
and every attendee a patient link, whatever its type's Telehealth flag.
"""

from __future__ import annotations

import random
import string
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from tui.domain.timezones import zone_for
from tui.sandbox.clock import iso_z

SUBDOMAIN = "harbourhealth"
SHARD = "au4"
ID_BASE = 1_390_000_000_000_000_000

# kind codes keep ids of different resources apart
K_BUSINESS, K_PRACT, K_TYPE, K_PATIENT, K_USER = 1, 2, 3, 4, 5
K_APPT, K_GROUP, K_ATTENDEE, K_BLOCK, K_COMM = 6, 7, 8, 9, 10


def make_id(kind: int, day_index: int, n: int) -> str:
    return str(ID_BASE + kind * 10**15 + day_index * 10**9 + n)


@dataclass(frozen=True)
class ClinicSize:
    individual_per_day: int = 64
    groups_per_day: int = 4
    attendees_per_group: int = 0  # 0: a realistic mix of 3 to 8
    extra_types: int = 0  # more types beyond the ten named ones
    practitioners: int = 6
    businesses: int = 3
    patients: int = 160
    days_before: int = 3
    days_after: int = 7
    background_per_day: int = 24  # appointments on days other than today


DEMO = ClinicSize()


def benchmark_size(individual: int = 600, groups: int = 40) -> ClinicSize:
    return ClinicSize(
        individual_per_day=individual,
        groups_per_day=groups,
        attendees_per_group=8,
        extra_types=20,
        practitioners=25,
        businesses=1,
        patients=max(400, individual // 2),
        days_before=1,
        days_after=1,
        background_per_day=20,
    )


# name, minutes, telehealth flag, group max attendees (None for individual)
TYPES: list[tuple[str, int, bool | None, int | None]] = [
    ("Telehealth Consult", 30, True, None),
    ("Telehealth Follow-up", 15, True, None),
    ("Initial Consult (in person)", 45, False, None),
    ("Follow-up (in person)", 30, False, None),
    ("Physio Review", 30, None, None),
    ("Psychology Session", 50, True, None),
    ("Dietitian Check-in", 20, None, None),
    ("Group Pilates (studio)", 60, False, 8),
    ("Online Mindfulness Group", 60, True, 10),
    ("Hydrotherapy Group", 45, None, 6),
]
ARCHIVED_TYPE = ("Telehealth Trial (retired)", 30, True, None)

BUSINESSES = [
    # name, IANA identifier (None: only the label is set), label, country, code
    ("Harbour Health Sydney", "Australia/Sydney", "Sydney", "Australia", "AU"),
    ("Harbour Health Auckland", "Pacific/Auckland", "Auckland", "New Zealand", "NZ"),
    ("Harbour Health Telehealth Hub", None, "Melbourne", "Australia", "AU"),
]

PRACTITIONERS = [
    ("Dr", "Amelia", "Hart", "Physiotherapist"),
    ("", "Ben", "Okafor", "Physiotherapist"),
    ("Dr", "Chloe", "Nguyen", "Clinical Psychologist"),
    ("", "Daniel", "Reyes", "Dietitian"),
    ("", "Ella", "Fitzgerald", "Exercise Physiologist"),
    ("Dr", "Farid", "Haddad", "Psychologist"),
]
FIRST = ["Olivia", "Noah", "Charlotte", "Jack", "Isla", "William", "Amelia", "Oliver", "Mia",
         "Leo", "Grace", "Henry", "Zoe", "Lucas", "Ruby", "Thomas", "Sophie", "James", "Ava",
         "Hamish", "Aroha", "Wiremu", "Priya", "Arjun", "Mei", "Hiroshi", "Fatima", "Omar",
         "Elena", "Mateo", "Siobhan", "Connor", "Yusuf", "Anika", "Tama", "Lily", "Max"]
LAST = ["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Martin",
        "Anderson", "Thompson", "Walker", "Harris", "Lee", "Ryan", "Robinson", "Kelly",
        "King", "Te Whare", "Patel", "Singh", "Chen", "Tanaka", "Haddad", "O'Brien",
        "MacDonald", "Kowalski", "García", "Ngata", "Campbell", "Murphy"]
PREFERRED = {"William": "Will", "Charlotte": "Charlie", "Thomas": "Tom", "James": "Jim",
             "Elena": "Lena", "Hamish": "Hame", "Siobhan": "Shiv", "Oliver": "Ollie"}
NOTES = ["Prefers afternoon calls", "Check hearing aid works with video", "Interpreter booked",
         "Bring previous scans", "Parking validation needed", "Running 5 min late — called ahead",
         "", "", "", ""]


@dataclass
class Store:
    """Every resource, as dicts keyed by id, in the sandbox's internal shape."""

    now: datetime
    subdomain: str = SUBDOMAIN
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


class _Ids:
    def __init__(self) -> None:
        self.counters: dict[tuple[int, int], int] = {}

    def next(self, kind: int, day_index: int = 0) -> str:
        n = self.counters.get((kind, day_index), 0) + 1
        self.counters[(kind, day_index)] = n
        return make_id(kind, day_index, n)


def _ascii(name: str) -> str:
    """'García' → 'garcia', "O'Brien" → 'obrien': a plausible email local part."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _token(rng: random.Random) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(rng.choices(alphabet, k=5)) + "-" + "".join(rng.choices(alphabet, k=12))


def _base(rid: str, created: datetime) -> dict:
    return {"id": rid, "created_at": iso_z(created), "updated_at": iso_z(created),
            "archived_at": None, "deleted_at": None}


SANDBOX_KEYS = {
    # role → API key; the suffix is the sandbox's shard
    "receptionist": "MS0xNDAwMDAwLXNhbmRib3gtcmVjZXB0aW9uaXN0LWtleQ-au4",
    "administrator": "MS0xNDAwMDAwLXNhbmRib3gtYWRtaW5pc3RyYXRvci1rZXk-au4",
    "practitioner": "MS0xNDAwMDAwLXNhbmRib3gtcHJhY3RpdGlvbmVyLWtleQ-au4",
}
DEMO_KEY = SANDBOX_KEYS["receptionist"]


def build_store(now: datetime, size: ClinicSize = DEMO, seed: int = 7) -> Store:
    rng = random.Random(seed)
    ids = _Ids()
    epoch = now - timedelta(days=400)
    store = Store(now=now)

    for idx, (name, ident, label, country, code) in enumerate(BUSINESSES[: size.businesses]):
        rid = ids.next(K_BUSINESS)
        store.businesses[rid] = {
            **_base(rid, epoch), "business_name": name, "display_name": name, "label": name,
            "country": country, "country_code": code, "time_zone": label,
            "time_zone_identifier": ident, "appointment_reminders_enabled": True,
            "address_1": f"{10 + idx * 7} Wharf Road", "city": label,
        }
    business_ids = list(store.businesses)

    users = [("Rosa", "Delgado", "receptionist"), ("Sam", "Whitaker", "administrator"),
             ("Amelia", "Hart", "practitioner")]
    for (first, last, role), key in zip(users, SANDBOX_KEYS.values()):
        rid = ids.next(K_USER)
        store.users[rid] = {**_base(rid, epoch), "first_name": first, "last_name": last,
                            "email": f"{first.lower()}@{SUBDOMAIN}.example", "role": role,
                            "active": True, "time_zone": "Sydney",
                            "time_zone_identifier": "Australia/Sydney", "phone_numbers": []}
        store.keys[key.rsplit("-", 1)[0]] = rid

    types = list(TYPES)
    for n in range(size.extra_types):
        flag = [True, False, None][n % 3]
        types.append((f"Service {n + 11:02d}", 15 + 15 * (n % 4), flag, None))
    type_ids: list[str] = []
    for name, minutes, flag, group_max in types + [ARCHIVED_TYPE]:
        rid = ids.next(K_TYPE)
        store.appointment_types[rid] = {
            **_base(rid, epoch), "name": name, "category": "Group" if group_max else "Standard",
            "color": "#%06x" % rng.randrange(0x1000000), "description": None,
            "duration_in_minutes": minutes, "max_attendees": group_max or 1,
            "telehealth_enabled": flag, "show_in_online_bookings": True,
            "appointment_confirmation_template_ids": [], "appointment_reminder_template_ids": [],
            "online_payments_mode": None,
        }
        type_ids.append(rid)
    archived_type = type_ids.pop()
    store.appointment_types[archived_type]["archived_at"] = iso_z(epoch + timedelta(days=30))
    individual_types = [t for t in type_ids if store.appointment_types[t]["max_attendees"] == 1]
    group_types = [t for t in type_ids if store.appointment_types[t]["max_attendees"] > 1]

    practitioner_ids: list[str] = []
    for n in range(size.practitioners):
        title, first, last, designation = PRACTITIONERS[n % len(PRACTITIONERS)]
        if n >= len(PRACTITIONERS):
            first, last = FIRST[n % len(FIRST)], LAST[(n * 7) % len(LAST)]
        rid = ids.next(K_PRACT)
        display = " ".join(p for p in (title, first, last) if p)
        store.practitioners[rid] = {
            **_base(rid, epoch), "title": title or None, "first_name": first, "last_name": last,
            "display_name": display, "label": display, "designation": designation,
            "description": None, "active": True, "show_in_online_bookings": True,
            "user_id": next(iter(store.users)) if n == 0 else None,
        }
        practitioner_ids.append(rid)

    patient_ids: list[str] = []
    for n in range(size.patients):
        rid = ids.next(K_PATIENT)
        first = FIRST[rng.randrange(len(FIRST))]
        last = LAST[rng.randrange(len(LAST))]
        roll = rng.random()
        email = f"{_ascii(first)}.{_ascii(last)}{n}@example.com"
        mobile = {"phone_type": "Mobile", "number": f"04{rng.randrange(10**8):08d}",
                  "normalized_number": ""}
        mobile["normalized_number"] = "61" + mobile["number"][1:]
        home = {"phone_type": "Home", "number": f"(02) 9{rng.randrange(10**7):07d}",
                "normalized_number": ""}
        home["normalized_number"] = "612" + home["number"][5:]
        if roll < 0.55:
            contact = (email, [mobile])
        elif roll < 0.72:
            contact = (email, [])
        elif roll < 0.86:
            contact = (None, [mobile, home])
        elif roll < 0.95:
            contact = (None, [home])  # no email and no mobile: nowhere to send
        else:
            contact = (None, [])
        reminder = {True: "SMS & Email", False: "Email"}.get(bool(contact[0]) and bool(contact[1]), "SMS")
        if not contact[0] and not any(p["phone_type"] == "Mobile" for p in contact[1]):
            reminder = "None"
        store.patients[rid] = {
            **_base(rid, epoch), "title": None, "first_name": first, "last_name": last,
            "preferred_first_name": PREFERRED.get(first) if rng.random() < 0.6 else None,
            "label": f"{first} {last}", "email": contact[0], "patient_phone_numbers": contact[1],
            "reminder_type": reminder,
            "receives_confirmation_emails": rng.choice([True, True, False, None]),
            "accepted_email_marketing": rng.choice([True, False, None]),
            "accepted_sms_marketing": rng.choice([True, False, None]),
            "accepted_privacy_policy": rng.choice([True, None]),
            "time_zone": rng.choice([None] * 8 + ["Europe/London", "Australia/Perth", "Pacific/Auckland"]),
            "date_of_birth": f"{rng.randrange(1940, 2015)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            "merged_at": None, "notes": None, "appointment_notes": None,
        }
        if n % 9 == 0:  # old records send "" where the spec says null
            store.patients[rid]["archived_at"] = ""
            store.patients[rid]["deleted_at"] = ""
        patient_ids.append(rid)
    # one archived patient keeps a booking: lists hide them and GET by id is 404
    archived_patient = patient_ids[-1]
    store.patients[archived_patient]["archived_at"] = iso_z(now - timedelta(days=20))

    main_zone = ZoneInfo(BUSINESSES[0][1])
    store.today = now.astimezone(main_zone).date()
    for offset in range(-size.days_before, size.days_after + 1):
        day = store.today + timedelta(days=offset)
        count = size.individual_per_day if offset == 0 else size.background_per_day
        groups = size.groups_per_day if offset == 0 else max(1, size.groups_per_day // 4)
        _seed_day(store, rng, ids, day, offset + 500, count, groups, size, business_ids,
                  practitioner_ids, individual_types, group_types, patient_ids, archived_type)
    _seed_communications(store, rng, ids, patient_ids)
    return store


def _zone(store: Store, business_id: str) -> ZoneInfo:
    b = store.businesses[business_id]
    return zone_for(b["time_zone_identifier"], b["time_zone"])


def _seed_day(store, rng, ids, day, day_index, count, groups, size, business_ids,
              practitioner_ids, individual_types, group_types, patient_ids, archived_type):
    now = store.now
    host = store.host()
    # practitioners per business: most in the first, a few elsewhere
    def business_for(p_index: int) -> str:
        if len(business_ids) == 1:
            return business_ids[0]
        return business_ids[{4: 1, 5: 2}.get(p_index % 6, 0)]

    per_pract = [0] * len(practitioner_ids)
    for n in range(count):
        p_index = n % len(practitioner_ids)
        slot = per_pract[p_index]
        per_pract[p_index] += 1
        business_id = business_for(p_index)
        zone = _zone(store, business_id)
        type_id = individual_types[(n * 5 + day_index) % len(individual_types)]
        minutes = store.appointment_types[type_id]["duration_in_minutes"]
        slots_per_day = max(1, (count + len(practitioner_ids) - 1) // len(practitioner_ids))
        span = 10 * 60  # 08:00–18:00
        start_min = 8 * 60 + (slot * span) // slots_per_day
        start_min -= start_min % 5
        starts = datetime.combine(day, time(start_min // 60, start_min % 60), tzinfo=zone).astimezone(timezone.utc)
        ends = starts + timedelta(minutes=minutes)
        rid = ids.next(K_APPT, day_index)
        patient_id = patient_ids[rng.randrange(len(patient_ids))]
        patient = store.patients[patient_id]
        created = starts - timedelta(days=rng.randrange(2, 40))
        record = {
            **_base(rid, created), "starts_at": iso_z(starts), "ends_at": iso_z(ends),
            "appointment_type_id": type_id, "business_id": business_id,
            "practitioner_id": practitioner_ids[p_index], "patient_id": patient_id,
            "patient_name": patient["label"], "cancelled_at": None, "cancellation_reason": None,
            "cancellation_reason_description": "", "cancellation_note": None,
            "did_not_arrive": False, "patient_arrived": False,
            "email_reminder_sent": starts - now < timedelta(days=1) and bool(patient["email"]),
            "sms_reminder_sent": starts - now < timedelta(days=1) and patient["reminder_type"] in ("SMS", "SMS & Email"),
            "has_patient_appointment_notes": False, "notes": rng.choice(NOTES) or None,
            "booking_ip_address": None, "invoice_status": None, "treatment_note_status": None,
            "online_booking_policy_accepted": None, "repeat_rule": {}, "repeated_from_id": None,
            "patient_case_id": None, "telehealth_url": f"{host}/appointments/{rid}/connect",
        }
        roll = rng.random()
        if roll < 0.07:
            record["cancelled_at"] = iso_z(created + timedelta(days=1))
            record["cancellation_reason"] = 30
            record["cancellation_reason_description"] = "Sick"
            record["updated_at"] = record["cancelled_at"]
        elif ends <= now:
            record["patient_arrived"] = roll > 0.12
            record["did_not_arrive"] = roll <= 0.12
        elif starts <= now:
            record["patient_arrived"] = True
        if n == 3:  # an archived row: hidden from lists, 404 by id
            record["archived_at"] = iso_z(created + timedelta(days=1))
        if n == 5 and day_index == 500:
            record["appointment_type_id"] = archived_type
        store.individual_appointments[rid] = record
        _attendee(store, rng, ids, day_index, rid, patient_id, created, cancelled=record["cancelled_at"])

    for g in range(groups):
        business_id = business_ids[0] if g % 3 else business_ids[-1]
        zone = _zone(store, business_id)
        type_id = group_types[g % len(group_types)]
        t = store.appointment_types[type_id]
        start_min = 9 * 60 + 30 + (g * 150) % (8 * 60)
        starts = datetime.combine(day, time(start_min // 60, start_min % 60), tzinfo=zone).astimezone(timezone.utc)
        ends = starts + timedelta(minutes=t["duration_in_minutes"])
        rid = ids.next(K_GROUP, day_index)
        created = starts - timedelta(days=rng.randrange(5, 60))
        members = size.attendees_per_group or rng.randrange(3, t["max_attendees"] + 1)
        members = min(members, t["max_attendees"]) if not size.attendees_per_group else members
        chosen = rng.sample(patient_ids, members)
        store.group_appointments[rid] = {
            **_base(rid, created), "starts_at": iso_z(starts), "ends_at": iso_z(ends),
            "appointment_type_id": type_id, "business_id": business_id,
            "practitioner_id": practitioner_ids[(g * 2) % len(practitioner_ids)],
            "max_attendees": max(t["max_attendees"], members), "notes": None,
            "patient_ids": chosen, "repeat_rule": {}, "repeated_from_id": None,
            "telehealth_url": f"{host}/appointments/{rid}/connect",
        }
        for m, patient_id in enumerate(chosen):
            _attendee(store, rng, ids, day_index, rid, patient_id, created,
                      cancelled=iso_z(created + timedelta(days=2)) if m == 1 and g % 2 == 0 else None)

    for b, business_id in enumerate(business_ids):
        zone = _zone(store, business_id)
        starts = datetime.combine(day, time(12, 30), tzinfo=zone).astimezone(timezone.utc)
        rid = ids.next(K_BLOCK, day_index)
        store.unavailable_blocks[rid] = {
            **_base(rid, starts - timedelta(days=30)), "starts_at": iso_z(starts),
            "ends_at": iso_z(starts + timedelta(minutes=30)), "business_id": business_id,
            "practitioner_id": practitioner_ids[b % len(practitioner_ids)],
            "notes": "Lunch", "repeat_rule": {}, "repeated_from_id": None,
        }


def _attendee(store, rng, ids, day_index, booking_id, patient_id, created, cancelled=None):
    rid = ids.next(K_ATTENDEE, day_index)
    store.attendees[rid] = {
        **_base(rid, created), "booking_id": booking_id, "patient_id": patient_id,
        "patient_case_id": None, "arrived": False, "booking_ip_address": None,
        "cancelled_at": cancelled, "cancellation_note": None,
        "cancellation_reason": 50 if cancelled else None,
        "cancellation_reason_description": "Other" if cancelled else "",
        "cancellation_url": f"{store.host()}/bookings/{booking_id}/cancel/{_token(rng)[:8]}",
        "email_reminder_sent": False, "sms_reminder_sent": False, "invoice_status": None,
        "treatment_note_status": None, "notes": None, "online_booking_policy_accepted": None,
        "telehealth_url": f"{store.host()}/c/{_token(rng)}",
    }
    if cancelled:
        store.attendees[rid]["updated_at"] = cancelled


def _seed_communications(store, rng, ids, patient_ids):
    for n, patient_id in enumerate(patient_ids[:20]):
        rid = ids.next(K_COMM)
        category = [(1, "Appointment Reminder"), (4, "Appointment Confirmation"), (7, "SMS Message")][n % 3]
        created = store.now - timedelta(days=n + 1)
        store.communications[rid] = {
            **_base(rid, created), "category": category[1], "category_code": category[0],
            "type": "Email" if category[0] != 7 else "SMS", "type_code": 2 if category[0] != 7 else 1,
            "direction_code": 1, "direction_description": "Sent", "from": None, "to": None,
            "content": "Reminder of your appointment tomorrow.", "confidential": False,
            "patient_id": patient_id,
        }
