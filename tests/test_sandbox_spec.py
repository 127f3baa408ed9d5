"""Every sandbox response agrees with the official OpenAPI schemas."""

import pytest

from frontdesk.cliniko.filters import Q

from spec import spec, validate

# Documented real-world quirks (cliniko-api.md §4, §7.10) the 2023 spec omits.
QUIRKS = {"IndividualAppointment": {"cancellation_reason_description": {""}}}

LISTS = [
    ("/businesses", "businesses", "Business", None),
    ("/practitioners", "practitioners", "Practitioner", None),
    ("/appointment_types", "appointment_types", "AppointmentType", Q().including_hidden("archived_at")),
    ("/patients", "patients", "Patient", None),
    ("/individual_appointments", "individual_appointments", "IndividualAppointment", Q().including_hidden("cancelled_at")),
    ("/group_appointments", "group_appointments", "GroupAppointment", None),
    ("/attendees", "attendees", "Attendee", Q().including_hidden("cancelled_at")),
    ("/communications", "communications", None, None),
]


def _wrapper_ok(path, body, resource):
    schema = spec()["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == {resource, "total_entries", "links"}
    assert set(body) == {resource, "total_entries", "links"}
    assert "self" in body["links"]


@pytest.mark.parametrize("path, resource, schema_name, q", LISTS)
async def test_list_rows_match_the_spec(client, path, resource, schema_name, q):
    body = await client.get(path, [("per_page", "100")] + (q.params() if q else []))
    _wrapper_ok(path, body, resource)
    assert body[resource], f"sandbox seeded no {resource}"
    for row in body[resource]:
        name = schema_name or {12: "MemoCommunication"}.get(row["category_code"], "Communication")
        if name == "Communication":
            continue  # read-side categories: checked through the anyOf below
        validate(name, row, allow=QUIRKS.get(name))


async def test_current_user_matches_the_spec(client):
    user = await client.get("/user")
    validate("User", user)


async def test_bookings_are_each_one_of_the_three_shapes(client):
    body = await client.get("/bookings", [("per_page", "100"), ("q[]", "cancelled_at:*")])
    kinds = set()
    for row in body["bookings"]:
        if "appointment_type" not in row:
            kinds.add("block")
            validate("UnavailableBlock", row)
        elif "max_attendees" in row:
            kinds.add("group")
            validate("GroupAppointment", row)
        else:
            kinds.add("individual")
            validate("IndividualAppointment", row, allow=QUIRKS["IndividualAppointment"])
        assert row["links"]["self"].split("/v1/")[1].startswith("bookings/")
    assert kinds == {"block", "group", "individual"}


async def test_posted_memo_matches_the_spec(client, sandbox):
    patient = next(iter(sandbox.store.patients))
    memo = await client.post(
        "/communications",
        {"patient_id": patient, "type_code": 2, "direction_code": 1, "to": "a@b.co", "content": "Link sent"},
    )
    validate("MemoCommunication", memo)
    assert memo["category"] == "Memo" and memo["category_code"] == 12


async def test_settings_match_the_spec(make_client, admin_key):
    body = await make_client(admin_key).get("/settings/public")
    assert set(body) <= set(spec()["components"]["schemas"]["PublicSettings"]["properties"])


# -- filters: the sandbox accepts exactly what the spec documents ---------------------------------

import re  # noqa: E402

from frontdesk.sandbox.query import BY_ID_FILTERS, FILTERS  # noqa: E402

_KINDS = {"int64": "int", "integer": "int", "date-time": "datetime", "date": "date", "string": "str",
          "boolean": "bool", "array": "array"}


def _documented(path: str) -> dict[str, str]:
    params = spec()["paths"][path]["get"].get("parameters", [])
    text = next((p.get("description", "") for p in params if p.get("name") == "q[]"), "")
    return {name: _KINDS[kind] for name, kind in re.findall(r"\| (\w+) \| \[([\w-]+)\]", text)}


@pytest.mark.parametrize("resource", sorted(FILTERS))
def test_list_filters_are_the_specs(resource):
    assert FILTERS[resource] == _documented(f"/{resource}")


@pytest.mark.parametrize("resource", sorted(BY_ID_FILTERS))
def test_by_id_filters_are_the_specs(resource):
    assert BY_ID_FILTERS[resource] == _documented(f"/{resource}/{{id}}")


@pytest.mark.parametrize("path, query", [
    ("/individual_appointments", "did_not_arrive:=true"),
    ("/patients", "deleted_at:?"),
    ("/appointment_types", "deleted_at:?"),
    ("/communications", "deleted_at:?"),
    ("/bookings", "patient_id:=1"),
])
async def test_undocumented_filters_fail_in_tests_before_at_a_clinic(client, path, query):
    from frontdesk.cliniko.errors import ClinikoError

    with pytest.raises(ClinikoError, match=r"\(400\)"):
        await client.get(path, [("q[]", query)])


async def test_records_by_id_are_hidden_like_lists_until_asked_for(client, sandbox):
    from frontdesk.cliniko.errors import NotFoundError

    cancelled = next(i for i, a in sandbox.store.individual_appointments.items()
                     if a["cancelled_at"] and not a["archived_at"])
    with pytest.raises(NotFoundError):
        await client.get(f"/individual_appointments/{cancelled}")
    shown = await client.get(f"/individual_appointments/{cancelled}", Q().including_hidden("cancelled_at").params())
    assert shown["cancelled_at"]
    archived_type = next(i for i, t in sandbox.store.appointment_types.items() if t["archived_at"])
    with pytest.raises(NotFoundError):
        await client.get(f"/appointment_types/{archived_type}")
    assert (await client.get(f"/appointment_types/{archived_type}",
                             Q().including_hidden("archived_at").params()))["archived_at"]
