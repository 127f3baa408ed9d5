"""The sandbox reproduces Cliniko's behaviour (cliniko-api.md, last section)."""

import base64

import httpx
import pytest

from frontdesk.sandbox.seed import DEMO_KEY
from frontdesk.sandbox.store import SHARD

UA = {"User-Agent": "Tests (qa@example.com)"}


def _get(server, path, key=DEMO_KEY, headers=None, **params):
    return httpx.get(server.base_url + path, auth=(key, ""), headers=headers or UA, params=params)


def test_401_is_unhelpful_and_the_same_for_wrong_shard(server):
    a = _get(server, "/user", key="made-up-au4")
    b = _get(server, "/user", key=DEMO_KEY.rsplit("-", 1)[0] + "-uk1")
    assert a.status_code == b.status_code == 401 and a.text == b.text
    assert "json" not in a.headers["content-type"]


def test_strict_user_agent(server, sandbox):
    assert _get(server, "/user", headers={"User-Agent": "python-httpx/0.28"}).status_code == 403
    sandbox.options.user_agent_reject_status = 401
    assert _get(server, "/user", headers={"User-Agent": "NoEmail"}).status_code == 401
    sandbox.options.strict_user_agent = False
    assert _get(server, "/user", headers={"User-Agent": "anything"}).status_code == 200


def test_unsharded_host_answers_301(server):
    r = httpx.get(server.base_url + "/user", auth=(DEMO_KEY, ""), headers=UA | {"Host": "api.cliniko.com"})
    assert r.status_code == 301
    assert r.headers["location"] == f"https://api.{SHARD}.cliniko.com/v1/user"


def test_list_wrapper_links_and_per_page(server):
    r = _get(server, "/patients", per_page=500, **{"q[]": "id:>=1"}).json()
    assert len(r["patients"]) == 100  # clamped
    assert r["links"]["next"].startswith("http://127.0.0.1")
    # like the spec's examples: the filters stay, per_page does not
    assert "per_page" not in r["links"]["next"] and "q%5B%5D=id%3A%3E%3D1" in r["links"]["next"]
    assert "previous" not in r["links"]
    default = _get(server, "/patients").json()
    assert len(default["patients"]) == 50
    second = httpx.get(default["links"]["next"], auth=(DEMO_KEY, ""), headers=UA).json()
    assert "previous" in second["links"]


def test_default_order_and_sort(server):
    rows = _get(server, "/patients", per_page=100).json()["patients"]
    assert [r["created_at"] for r in rows] == sorted(r["created_at"] for r in rows)
    rows = _get(server, "/patients", per_page=100, sort="last_name:desc").json()["patients"]
    names = [r["last_name"] for r in rows]
    assert names == sorted(names, reverse=True)


def test_cancelled_and_archived_are_hidden_until_star(server, sandbox):
    store = sandbox.store
    total = len(store.individual_appointments)
    cancelled = sum(1 for a in store.individual_appointments.values() if a["cancelled_at"])
    archived = sum(1 for a in store.individual_appointments.values() if a["archived_at"])
    assert cancelled and archived

    def count(*q):
        return _get(server, "/individual_appointments", per_page=1, **{"q[]": list(q)}).json()["total_entries"]

    assert count() == total - cancelled - archived + sum(
        1 for a in store.individual_appointments.values() if a["cancelled_at"] and a["archived_at"]
    )
    assert count("cancelled_at:*") + sum(1 for a in store.individual_appointments.values() if a["archived_at"] and not a["cancelled_at"]) >= count()
    assert count("cancelled_at:*", "archived_at:*") == total
    assert count("cancelled_at:?") == cancelled - sum(
        1 for a in store.individual_appointments.values() if a["cancelled_at"] and a["archived_at"]
    )


@pytest.mark.parametrize(
    "q",
    [
        "starts_at:>=2026-11-24T00:00:00+11:00",  # not UTC
        "starts_at:=2026-11-24T00:00:00Z",  # no = on date-times
        "telehealth_enabled:=true",  # not filterable
        "nonsense",
        "id:~1",
        "patient_id:>=1,2",
    ],
)
def test_bad_filters_get_a_deterministic_400(server, q):
    path = "/appointment_types" if "telehealth" in q else "/individual_appointments"
    r = _get(server, path, **{"q[]": q})
    assert r.status_code == 400 and r.json()["message"].startswith("Invalid filter")


def test_operators(server, sandbox):
    ids = list(sandbox.store.patients)[:3]
    r = _get(server, "/patients", per_page=100, **{"q[]": f"id:={','.join(ids)}"}).json()
    assert sorted(p["id"] for p in r["patients"]) == sorted(ids)
    r = _get(server, "/patients", per_page=100, **{"q[]": "email:!?"}).json()
    assert r["patients"] and all(p["email"] is None for p in r["patients"])
    r = _get(server, "/patients", per_page=100, **{"q[]": "last_name:~~O%"}).json()
    assert r["patients"] and all(p["last_name"].startswith("O") for p in r["patients"])
    group = next(iter(sandbox.store.group_appointments.values()))
    r = _get(server, "/group_appointments", **{"q[]": f"patient_ids:~{group['patient_ids'][0]}"}).json()
    assert group["id"] in [g["id"] for g in r["group_appointments"]]


def test_nested_attendees_is_a_list_wrapper(server, sandbox):
    group = next(iter(sandbox.store.group_appointments))
    r = _get(server, f"/group_appointments/{group}/attendees", **{"q[]": "cancelled_at:*"}).json()
    assert set(r) == {"attendees", "total_entries", "links"}
    assert r["total_entries"] == len(sandbox.store.group_appointments[group]["patient_ids"])


def test_links_present_whatever_the_flag(sandbox):
    store = sandbox.store
    flags = {store.appointment_types[a["appointment_type_id"]]["telehealth_enabled"] for a in store.individual_appointments.values()}
    assert flags == {True, False, None}
    for appt in list(store.individual_appointments.values()) + list(store.group_appointments.values()):
        assert appt["telehealth_url"] == f"https://harbourhealth.{SHARD}.cliniko.com/appointments/{appt['id']}/connect"
    tokens = [a["telehealth_url"].rsplit("/c/", 1)[1] for a in store.attendees.values()]
    assert len(set(tokens)) == len(tokens) and all(len(t) == 18 for t in tokens)


def test_toggle_flag_keeps_links(server, sandbox):
    type_id = next(t for t, v in sandbox.store.appointment_types.items() if v["telehealth_enabled"])
    before = {a["id"]: a["telehealth_url"] for a in sandbox.store.attendees.values()}
    r = httpx.patch(server.base_url + f"/appointment_types/{type_id}", auth=(DEMO_KEY, ""), headers=UA,
                    json={"telehealth_enabled": False})
    assert r.json()["telehealth_enabled"] is False
    assert before == {a["id"]: a["telehealth_url"] for a in sandbox.store.attendees.values()}


def test_cancel_archive_and_validation(server, sandbox):
    appt = next(i for i, a in sandbox.store.individual_appointments.items() if not a["cancelled_at"] and not a["archived_at"])
    url = server.base_url + f"/individual_appointments/{appt}"
    r = httpx.patch(url + "/cancel", auth=(DEMO_KEY, ""), headers=UA, json={})
    assert r.status_code == 422 and r.json() == {"message": "Validation Failed", "errors": {"cancellation_reason": "can’t be blank"}}
    r = httpx.patch(url + "/cancel", auth=(DEMO_KEY, ""), headers=UA, json={"cancellation_reason": 40})
    assert r.status_code == 204
    row = sandbox.store.individual_appointments[appt]
    assert row["cancelled_at"] and row["cancellation_reason_description"] == "Away"
    # cancelled: hidden by id as in a list, until the by-id filter asks for it
    assert httpx.get(url, auth=(DEMO_KEY, ""), headers=UA).status_code == 404
    shown = httpx.get(url, auth=(DEMO_KEY, ""), headers=UA, params={"q[]": "cancelled_at:*"})
    assert shown.status_code == 200 and shown.json()["cancelled_at"]
    refused = httpx.get(url, auth=(DEMO_KEY, ""), headers=UA, params={"q[]": "patient_id:=1"})
    assert refused.status_code == 400  # not a by-id filter in the spec
    assert httpx.post(url + "/archive", auth=(DEMO_KEY, ""), headers=UA).status_code == 204
    assert httpx.get(url, auth=(DEMO_KEY, ""), headers=UA).status_code == 404
    r = httpx.post(server.base_url + "/attendees", auth=(DEMO_KEY, ""), headers=UA, json={"patient_id": "1"})
    assert r.status_code == 422 and r.json()["errors"] == {"booking_id": "can’t be blank"}


def test_memos_only_and_nothing_is_sent(server, sandbox):
    patient = next(iter(sandbox.store.patients))
    post = lambda body: httpx.post(server.base_url + "/communications", auth=(DEMO_KEY, ""), headers=UA, json=body)
    r = post({"patient_id": patient, "category_code": 7, "type_code": 1, "content": "x"})
    assert r.status_code == 422 and "category_code" in r.json()["errors"]
    r = post({"patient_id": patient, "type_code": 1, "direction_code": 1, "to": "+61400000000", "content": "Link sent"})
    assert r.status_code == 201 and r.json()["category"] == "Memo"
    assert len(sandbox.memos()) == 1
    seeded = {c["category_code"] for c in sandbox.store.communications.values()}
    assert {1, 4, 7, 12} <= seeded


def test_archived_patient_hidden_and_404(server, sandbox):
    archived = next(i for i, p in sandbox.store.patients.items() if p["archived_at"] not in (None, ""))
    assert _get(server, f"/patients/{archived}").status_code == 404
    ids = [p["id"] for p in _get(server, "/patients", per_page=100, **{"q[]": f"id:={archived}"}).json()["patients"]]
    assert ids == []


def test_ids_are_19_digit_strings(sandbox):
    for name in ("businesses", "practitioners", "appointment_types", "patients", "individual_appointments", "attendees"):
        for rid in sandbox.store.resource(name):
            assert isinstance(rid, str) and len(rid) == 19 and rid.isdigit()


def test_businesses_zones(sandbox):
    zones = [(b["time_zone"], b["time_zone_identifier"]) for b in sandbox.store.businesses.values()]
    assert ("Sydney", "Australia/Sydney") in zones and ("Auckland", "Pacific/Auckland") in zones
    assert any(ident is None for _, ident in zones)


def test_seeded_day_shape(sandbox):
    store = sandbox.store
    today = [a for a in store.individual_appointments.values() if a["starts_at"].startswith(("2026-11-23T2", "2026-11-24"))]
    assert len(store.practitioners) >= 6 and len(store.appointment_types) >= 10
    assert len(today) >= 60
    assert len([g for g in store.group_appointments.values()]) >= 4


def test_basic_auth_with_empty_password(server):
    token = base64.b64encode(f"{DEMO_KEY}:".encode()).decode()
    r = httpx.get(server.base_url + "/user", headers=UA | {"Authorization": f"Basic {token}"})
    assert r.status_code == 200
