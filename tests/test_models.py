"""Models parse the official spec's shapes and real-payload quirks."""

import pytest

from frontdesk.cliniko.models import (
    AppointmentType,
    Attendee,
    Business,
    Communication,
    GroupAppointment,
    IndividualAppointment,
    MemoCommunicationBody,
    Patient,
    Practitioner,
    User,
)

from spec import example, validate

MODELS = [
    ("Business", Business),
    ("Practitioner", Practitioner),
    ("AppointmentType", AppointmentType),
    ("IndividualAppointment", IndividualAppointment),
    ("GroupAppointment", GroupAppointment),
    ("Attendee", Attendee),
    ("Patient", Patient),
    ("User", User),
    ("MemoCommunication", Communication),
]


@pytest.mark.parametrize("schema_name, model", MODELS)
def test_parses_the_official_schema_example(schema_name, model):
    data = example(schema_name)
    parsed = model.model_validate(data)
    assert parsed.id == "1"


def test_relations_become_ids_from_spec_examples():
    appt = IndividualAppointment.model_validate(example("IndividualAppointment"))
    assert (appt.appointment_type_id, appt.business_id, appt.practitioner_id, appt.patient_id) == ("1",) * 4
    attendee = Attendee.model_validate(example("Attendee"))
    assert (attendee.booking_id, attendee.patient_id) == ("1", "1")
    group = GroupAppointment.model_validate(example("GroupAppointment"))
    assert group.patient_ids == ["1"]


def test_memo_body_matches_the_spec():
    body = MemoCommunicationBody(patient_id="123", type_code=2, to="j@example.com", content="Sent").payload()
    validate("MemoCommunicationBody", body)
    assert body["category_code"] == 12 and body["direction_code"] == 1


def test_real_payload_quirks():
    raw = example("IndividualAppointment") | {
        "id": 1390726237298631770,
        "cancellation_reason_description": "",
        "cancelled_at": "",
        "archived_at": None,
        "repeat_rule": {},
        "patient_name": "",
        "brand_new_field": {"x": 1},
    }
    appt = IndividualAppointment.model_validate(raw)
    assert appt.id == "1390726237298631770"
    assert appt.cancelled_at is None and appt.cancellation_reason_description is None
    assert appt.patient_name is None


@pytest.mark.parametrize(
    "value, expected",
    [(True, True), (False, False), (None, None), ("true", None), (1, None), ("", None), ({}, None)],
)
def test_telehealth_flag_is_strict(value, expected):
    data = example("AppointmentType") | {"telehealth_enabled": value}
    assert AppointmentType.model_validate(data).telehealth_enabled is expected


def test_missing_flag_is_unknown():
    data = example("AppointmentType")
    data.pop("telehealth_enabled")
    assert AppointmentType.model_validate(data).telehealth_enabled is None


def test_patient_names_and_mobile():
    p = Patient.model_validate(
        {
            "id": 5,
            "first_name": "William",
            "preferred_first_name": "Will",
            "last_name": "Nguyen",
            "email": "",
            "archived_at": "",
            "patient_phone_numbers": [
                {"phone_type": "Home", "number": "02 9999 0000", "normalized_number": "61299990000"},
                {"phone_type": "Mobile", "number": "0412 345 678", "normalized_number": "61412345678"},
                "junk",
            ],
        }
    )
    assert p.display_name == "Will Nguyen" and p.legal_name == "William Nguyen"
    assert p.email is None and p.archived_at is None
    assert p.mobile.normalized_number == "61412345678"


def test_business_zone_fallbacks():
    from frontdesk.domain.timezones import business_zone, zone_problem

    assert business_zone(Business(id="1", time_zone_identifier="Australia/Sydney")).key == "Australia/Sydney"
    assert business_zone(Business(id="1", time_zone="Melbourne")).key == "Australia/Melbourne"
    assert business_zone(Business(id="1", time_zone_identifier="Mars/Olympus"), "Europe/London").key == "Europe/London"
    assert business_zone(Business(id="1")).key == "UTC"
    # an unknown name is not silent: the loader reports it on screen
    assert zone_problem("Mars/Olympus", None) == "time zone ‘Mars/Olympus’ is unknown"
    assert zone_problem(None, None) == "no time zone set in Cliniko"
    assert zone_problem(None, "Melbourne") is None


def test_records_of_one_shape_share_their_field_names_and_copies_get_their_own():
    """Memory: 5,000 appointments keep one set of field names, not 5,000;
    what pydantic reports, and a copy's update, are unchanged."""
    first = IndividualAppointment.model_validate(example("IndividualAppointment") | {"id": "1"})
    second = IndividualAppointment.model_validate(example("IndividualAppointment") | {"id": "2"})
    assert first.model_fields_set is second.model_fields_set
    assert "starts_at" in first.model_fields_set and "patient_arrived" in first.model_fields_set
    flipped = not first.patient_arrived
    arrived = first.model_copy(update={"patient_arrived": flipped})
    assert arrived.patient_arrived is flipped and first.patient_arrived is not flipped
    assert "patient_arrived" in arrived.model_fields_set
    assert arrived.model_fields_set is not first.model_fields_set
    assert first.model_fields_set == second.model_fields_set


def test_ids_are_shared_text():
    """A day names one practitioner hundreds of times: one copy of the id."""
    payload = example("IndividualAppointment")
    first, second = (IndividualAppointment.model_validate(payload | {"id": str(n)}) for n in (1, 2))
    assert first.practitioner_id is not None and first.practitioner_id is second.practitioner_id
    as_number = Attendee.model_validate({"id": 123456789012345, "patient_id": 55})
    assert as_number.id == "123456789012345" and as_number.patient_id == "55"
