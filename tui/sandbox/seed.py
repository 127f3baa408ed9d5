"""A deterministic clinic for the sandbox: businesses, staff, types, patients,
and a realistic spread of appointments around "today".

Every id is a 19-digit string, every appointment carries a practitioner link
and every attendee a patient link, whatever its type's Telehealth flag.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from frontdesk.sandbox.clock import iso_z
from frontdesk.sandbox.seed_days import seed_communications, seed_day
from frontdesk.sandbox.store import K_BUSINESS, K_PATIENT, K_PRACT, K_TYPE, K_USER, SUBDOMAIN, Ids, Store, base_row

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


def _ascii(name: str) -> str:
    """'García' → 'garcia', "O'Brien" → 'obrien': a plausible email local part."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


SANDBOX_KEYS = {
    # role → API key; the suffix is the sandbox's shard
    "receptionist": "MS0xNDAwMDAwLXNhbmRib3gtcmVjZXB0aW9uaXN0LWtleQ-au4",
    "administrator": "MS0xNDAwMDAwLXNhbmRib3gtYWRtaW5pc3RyYXRvci1rZXk-au4",
    "practitioner": "MS0xNDAwMDAwLXNhbmRib3gtcHJhY3RpdGlvbmVyLWtleQ-au4",
    # a role that reads the diary but may not change it (Cliniko's "bookkeeper")
    "bookkeeper": "MS0xNDAwMDAwLXNhbmRib3gtYm9va2tlZXBlci1rZXk-au4",
}
DEMO_KEY = SANDBOX_KEYS["receptionist"]


def build_store(now: datetime, size: ClinicSize = DEMO, seed: int = 7) -> Store:
    rng = random.Random(seed)
    ids = Ids()
    epoch = now - timedelta(days=400)
    store = Store(now=now)

    for idx, (name, ident, label, country, code) in enumerate(BUSINESSES[: size.businesses]):
        rid = ids.next(K_BUSINESS)
        store.businesses[rid] = {
            **base_row(rid, epoch), "business_name": name, "display_name": name, "label": name,
            "country": country, "country_code": code, "time_zone": label,
            "time_zone_identifier": ident, "appointment_reminders_enabled": True,
            "address_1": f"{10 + idx * 7} Wharf Road", "city": label,
        }
    business_ids = list(store.businesses)

    users = [("Rosa", "Delgado", "receptionist"), ("Sam", "Whitaker", "administrator"),
             ("Amelia", "Hart", "practitioner"), ("Robin", "Ng", "bookkeeper")]
    for (first, last, role), key in zip(users, SANDBOX_KEYS.values()):
        rid = ids.next(K_USER)
        store.users[rid] = {**base_row(rid, epoch), "first_name": first, "last_name": last,
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
            **base_row(rid, epoch), "name": name, "category": "Group" if group_max else "Standard",
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
            **base_row(rid, epoch), "title": title or None, "first_name": first, "last_name": last,
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
            **base_row(rid, epoch), "title": None, "first_name": first, "last_name": last,
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
        seed_day(store, rng, ids, day, offset + 500, count, groups, size, business_ids,
                  practitioner_ids, individual_types, group_types, patient_ids, archived_type)
    seed_communications(store, rng, ids, patient_ids)
    return store
