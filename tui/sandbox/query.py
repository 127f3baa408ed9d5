"""Cliniko's list semantics: ``q[]`` filters, default hiding, sort, pages.

Bad filter syntax gets a deterministic **400** with a JSON ``message`` (the
real status is undocumented; we chose 400 and document it in the README).
``per_page`` above 100 is clamped to 100, as the spec's maximum.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

DT = "datetime"
INT = "int"
STR = "str"
BOOL = "bool"
ARR = "array"
DATE = "date"

_APPT = {"id": INT, "archived_at": DT, "created_at": DT, "deleted_at": DT, "updated_at": DT,
         "appointment_type_id": INT, "business_id": INT, "practitioner_id": INT,
         "repeated_from_id": INT, "ends_at": DT, "starts_at": DT}
_ATTENDEES = {"id": INT, "archived_at": DT, "created_at": DT, "deleted_at": DT, "updated_at": DT,
              "appointment_id": INT, "booking_id": INT, "cancelled_at": DT, "patient_case_id": INT,
              "patient_id": INT}
#: each list endpoint's documented ``q[]`` filters, as the official spec lists
#: them (a test holds this table against the spec); anything else is a 400
FILTERS: dict[str, dict[str, str]] = {
    "individual_appointments": {**_APPT, "cancelled_at": DT, "patient_id": INT},
    "group_appointments": {**_APPT, "patient_ids": ARR},
    "bookings": {**_APPT, "cancelled_at": DT, "patient_ids": ARR, "did_not_arrive": BOOL},
    "attendees": _ATTENDEES,
    "appointment_types": {"id": INT, "archived_at": DT, "created_at": DT, "updated_at": DT,
                          "category": STR, "online_payments_mode": STR, "show_in_online_bookings": BOOL,
                          "appointment_confirmation_template_ids": ARR,
                          "appointment_reminder_template_ids": ARR},
    "patients": {"id": INT, "archived_at": DT, "created_at": DT, "updated_at": DT, "date_of_birth": DATE,
                 "email": STR, "first_name": STR, "last_name": STR, "old_reference_id": STR,
                 "preferred_first_name": STR},
    "practitioners": {"id": INT, "created_at": DT, "updated_at": DT, "user_id": INT,
                      "show_in_online_bookings": BOOL},
    "businesses": {"id": INT, "archived_at": DT, "created_at": DT, "deleted_at": DT, "updated_at": DT,
                   "appointment_type_ids": ARR, "show_in_online_bookings": BOOL},
    "communications": {"id": INT, "archived_at": DT, "created_at": DT, "updated_at": DT,
                       "category_code": INT, "patient_id": INT},
    "users": {"id": INT, "created_at": DT, "updated_at": DT},
    "unavailable_blocks": {"id": INT, "archived_at": DT, "created_at": DT, "deleted_at": DT, "updated_at": DT,
                           "business_id": INT, "ends_at": DT, "practitioner_id": INT, "repeated_from_id": INT,
                           "starts_at": DT},
}
#: the ``q[]`` filters a GET by id takes: only the fields it hides by default
BY_ID_FILTERS: dict[str, dict[str, str]] = {
    "individual_appointments": {"archived_at": DT, "deleted_at": DT, "cancelled_at": DT},
    "group_appointments": {"archived_at": DT, "deleted_at": DT},
    "bookings": {"archived_at": DT, "deleted_at": DT, "cancelled_at": DT},
    "attendees": {"archived_at": DT, "deleted_at": DT, "cancelled_at": DT},
    "appointment_types": {"archived_at": DT},
    "patients": {"archived_at": DT},
    "businesses": {"archived_at": DT, "deleted_at": DT},
    "communications": {"archived_at": DT},
    "unavailable_blocks": {"archived_at": DT, "deleted_at": DT},
    "practitioners": {},
    "users": {},
}
# fields whose non-null rows an endpoint hides unless the filter says `*`
HIDDEN_BY_DEFAULT = ("deleted_at", "archived_at", "cancelled_at")

_Q = re.compile(r"^(?P<field>[a-z_]+):(?P<op>>=|<=|!=|!\?|~~|=|>|<|~|\?|\*)(?P<value>.*)$")
_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
_DATE = re.compile(r"^[0-9*]{4}-[0-9*]{2}-[0-9*]{2}$")
_DIGITS = re.compile(r"[0-9]+")  # ASCII digits: str.isdigit() also takes '²'
_ALLOWED = {
    DT: {">=", ">", "<=", "<", "?", "!?", "*"},
    DATE: {"=", ">=", ">", "<=", "<", "?", "!?"},
    INT: {"=", "!=", ">=", ">", "<=", "<", "?", "!?"},
    STR: {"=", "!=", "~", "~~", "?", "!?"},
    BOOL: {"=", "!="},
    ARR: {"~"},
}


class FilterError(ValueError):
    pass


# filter names that read another stored field
ALIASES = {("attendees", "appointment_id"): "booking_id"}


class Filter:
    def __init__(self, field: str, op: str, value: str, kind: str, source: str | None = None) -> None:
        self.field, self.op, self.value, self.kind = field, op, value, kind
        self.source = source or field
        if kind == DT and op not in {"?", "!?", "*"}:
            if not _UTC.match(value):
                raise FilterError(f"{field}: date-times must be UTC, e.g. 2014-08-30T18:00:00Z")
            try:
                self.parsed: Any = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise FilterError(f"{field}: '{value[:40]}' is not a real date-time") from None
        elif kind == INT and op not in {"?", "!?"}:
            parts = value.split(",")
            if not all(_DIGITS.fullmatch(p.strip()) for p in parts) or (len(parts) > 1 and op != "="):
                raise FilterError(f"{field}: expected a number or, with =, a comma list")
            self.parsed = [int(p) for p in parts]
        elif kind == BOOL:
            if value not in {"true", "false"}:
                raise FilterError(f"{field}: expected true or false")
            self.parsed = value == "true"
        elif kind == DATE and op not in {"?", "!?"}:
            if not _DATE.match(value):
                raise FilterError(f"{field}: expected a date YYYY-MM-DD")
            if op != "=" or "*" not in value:  # wildcards only match with =; anything compared is a real date
                try:
                    date.fromisoformat(value)
                except ValueError:
                    raise FilterError(f"{field}: '{value[:40]}' is not a real date (wildcards * only with =)") from None
            self.parsed = value
        else:
            self.parsed = value

    def matches(self, row: dict[str, Any]) -> bool:
        actual = row.get(self.source)
        if actual == "":
            actual = None
        op = self.op
        if op == "*":
            return True
        if op == "?":
            return actual is not None and actual != []
        if op == "!?":
            return actual is None or actual == []
        if self.kind == ARR:
            return isinstance(actual, list) and self.value in [str(v) for v in actual]
        if actual is None:
            return op == "!="
        if self.kind == DT:
            value = datetime.fromisoformat(str(actual).replace("Z", "+00:00"))
            return _compare(value, op, self.parsed)
        if self.kind == INT:
            number = int(actual)
            if op == "=":
                return number in self.parsed
            return _compare(number, op, self.parsed[0])
        if self.kind == BOOL:
            return (bool(actual) == self.parsed) == (op == "=")
        if self.kind == DATE:
            if op == "=":
                pattern = "^" + re.escape(self.parsed).replace(r"\*", r"\d") + "$"
                return re.match(pattern, str(actual)) is not None
            return _compare(date.fromisoformat(str(actual)), op, date.fromisoformat(self.parsed))
        text = str(actual)
        if op == "=":
            return text == self.value
        if op == "!=":
            return text != self.value
        if op == "~":
            return self.value.lower() in text.lower()
        pattern = "^" + ".*".join(re.escape(p) for p in self.value.split("%")) + "$"
        return re.match(pattern, text, re.IGNORECASE) is not None


def _compare(a: Any, op: str, b: Any) -> bool:
    return {"=": a == b, "!=": a != b, ">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b}[op]


def parse_filters(resource: str, raw: list[str], table: dict[str, dict[str, str]] = FILTERS) -> list[Filter]:
    fields = table.get(resource, {})
    out = []
    for item in raw:
        m = _Q.match(item)
        if not m:
            raise FilterError(f"cannot read filter '{item[:60]}'; use field:OPvalue")
        field, op, value = m.group("field"), m.group("op"), m.group("value")
        kind = fields.get(field)
        if kind is None:
            raise FilterError(f"'{field}' is not a filterable field of {resource}")
        if op not in _ALLOWED[kind]:
            raise FilterError(f"operator '{op}' does not apply to {field}")
        out.append(Filter(field, op, value, kind, ALIASES.get((resource, field))))
    return out


def visible(row: dict[str, Any], filters: list[Filter], hide: tuple[str, ...]) -> bool:
    unhidden = {f.field for f in filters if f.op == "*" or (f.op == "?" and f.kind == DT)}
    unhidden |= {f.field for f in filters if f.kind == DT and f.op in {">", ">=", "<", "<="}
                 and f.field in HIDDEN_BY_DEFAULT}
    for field in hide:
        if field not in unhidden and row.get(field) not in (None, ""):
            return False
    return all(f.matches(row) for f in filters)


def sort_rows(rows: list[dict[str, Any]], sort: str | None) -> list[dict[str, Any]]:
    keys = [s for s in (sort or "created_at").split(",") if s]
    # a damaged row (tests plant them) sorts last instead of breaking the list
    rows = sorted(rows, key=lambda r: (0, int(r["id"])) if str(r.get("id") or "").isdigit() else (1, 0))
    for spec in reversed(keys):
        field, _, direction = spec.partition(":")
        rows.sort(key=lambda r, f=field: (r.get(f) is None, str(r.get(f) or "")),
                  reverse=direction == "desc")
    return rows


def clamp_per_page(raw: str | None) -> int:
    try:
        value = int(raw) if raw else 50
    except ValueError:
        raise FilterError("per_page must be a number") from None
    return max(1, min(100, value))
