"""Turn the sandbox's internal rows into Cliniko's JSON: relations as
``{"links": {"self": url}}``, never embedded; absolute links everywhere."""

from __future__ import annotations

from typing import Any

# internal relation key → (output field, collection it points into)
_RELATIONS: dict[str, dict[str, tuple[str, str]]] = {
    "individual_appointments": {
        "appointment_type_id": ("appointment_type", "appointment_types"),
        "business_id": ("business", "businesses"),
        "practitioner_id": ("practitioner", "practitioners"),
        "patient_id": ("patient", "patients"),
        "patient_case_id": ("patient_case", "patient_cases"),
        "repeated_from_id": ("repeated_from", "individual_appointments"),
    },
    "group_appointments": {
        "appointment_type_id": ("appointment_type", "appointment_types"),
        "business_id": ("business", "businesses"),
        "practitioner_id": ("practitioner", "practitioners"),
        "repeated_from_id": ("repeated_from", "group_appointments"),
    },
    "unavailable_blocks": {
        "business_id": ("business", "businesses"),
        "practitioner_id": ("practitioner", "practitioners"),
        "repeated_from_id": ("repeated_from", "unavailable_blocks"),
    },
    "attendees": {
        "booking_id": ("booking", "bookings"),
        "patient_id": ("patient", "patients"),
        "patient_case_id": ("patient_case", "patient_cases"),
    },
    "practitioners": {"user_id": ("user", "users")},
    "communications": {"patient_id": ("patient", "patients")},
}
# nested collections each resource links to
_COLLECTIONS: dict[str, tuple[str, ...]] = {
    "individual_appointments": ("attendees", "conflicts"),
    "group_appointments": ("attendees", "conflicts"),
    "unavailable_blocks": ("conflicts",),
    "attendees": ("invoices", "patient_forms"),
    "practitioners": ("appointments", "appointment_types", "invoices"),
    "businesses": ("appointments", "practitioners"),
    "appointment_types": ("practitioners",),
    "patients": ("appointments", "attendees", "invoices", "medical_alerts"),
}


def link(url: str) -> dict[str, Any]:
    return {"links": {"self": url}}


def render(resource: str, row: dict[str, Any], api: str) -> dict[str, Any]:
    """*api* is the absolute ``.../v1`` base the client called."""
    relations = _RELATIONS.get(resource, {})
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in relations:
            field, target = relations[key]
            if value:
                out[field] = link(f"{api}/{target}/{value}")
        elif not key.startswith("_"):
            out[key] = value
    self_resource = "bookings" if resource == "bookings" else resource
    for name in _COLLECTIONS.get(resource, ()):
        out[name] = link(f"{api}/{self_resource}/{row['id']}/{name}")
    out["links"] = {"self": f"{api}/{self_resource}/{row['id']}"}
    # a record damaged on the way (tests plant it): what is sent, while the
    # server still filters and sorts by what is stored, as Cliniko's database would
    out.update(row.get("_served") or {})
    return out
