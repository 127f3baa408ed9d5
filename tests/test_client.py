"""The Cliniko client against the sandbox over real loopback HTTP."""

import logging
import socket

import pytest

from frontdesk.cliniko.client import ClinikoClient
from frontdesk.cliniko.errors import (
    AuthenticationError,
    ConfigurationError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    ValidationError,
)
from frontdesk.cliniko.filters import Q
from frontdesk.cliniko.governor import RateGovernor
from frontdesk.sandbox.seed import DEMO_KEY

from conftest import CONTACT


async def test_headers_auth_and_current_user(client, sandbox):
    user = await client.current_user()
    assert (user.name, user.role) == ("Rosa Delgado", "receptionist")
    assert user.id.isdigit() and len(user.id) == 19


async def test_user_agent_names_app_version_and_contact(server, sandbox, make_client):
    client = make_client()
    await client.current_user()
    ua = sandbox.requests[-1].user_agent  # as Cliniko receives it
    assert ua.startswith("frontdesk/") and ua.endswith(f"({CONTACT})")


@pytest.mark.parametrize("contact", [None, "", "not-an-email"])
def test_contact_email_is_required(contact):
    with pytest.raises(ConfigurationError, match="contact email"):
        ClinikoClient(DEMO_KEY, contact, base_url="http://127.0.0.1:1/v1")


async def test_pagination_past_100_fetches_remaining_pages_concurrently(client, sandbox):
    before = len(sandbox.requests)
    rows = await client.list_all("/attendees", "attendees", Q().including_hidden("cancelled_at"))
    expected = [a for a in sandbox.store.attendees.values() if not a["archived_at"]]
    assert len(rows) == len(expected) > 300
    assert len({r["id"] for r in rows}) == len(rows)
    pages = sandbox.requests[before:]
    assert all("per_page=100" in r.query for r in pages)
    assert len(pages) == -(-len(expected) // 100)


async def test_follows_links_next_when_total_is_missing(client, sandbox, monkeypatch):
    original = sandbox._list

    def without_total(*args, **kwargs):
        import json
        from starlette.responses import JSONResponse

        response = original(*args, **kwargs)
        data = json.loads(response.body)
        data.pop("total_entries")
        return JSONResponse(data)

    monkeypatch.setattr(sandbox, "_list", without_total)
    rows = await client.list_all("/patients", "patients")
    assert len(rows) == sum(1 for p in sandbox.store.patients.values() if not p["archived_at"])


async def test_filters_reach_the_server(client, sandbox):
    ids = list(sandbox.store.patients)[:3]
    rows = await client.list_all("/patients", "patients", Q().any_of("id", ids))
    assert sorted(r["id"] for r in rows) == sorted(ids)


async def test_wrong_key_and_wrong_shard_are_401_with_a_clear_message(make_client):
    for key in ("not-a-real-key-au4", DEMO_KEY.rsplit("-", 1)[0] + "-uk1"):
        client = make_client(key)
        with pytest.raises(AuthenticationError) as err:
            await client.current_user()
        assert str(err.value) == "API key rejected: wrong key, or wrong shard."
        assert key not in str(err.value)


async def test_unsuffixed_key_is_accepted(make_client):
    client = make_client(DEMO_KEY.rsplit("-", 1)[0])
    assert (await client.current_user()).role == "receptionist"


async def test_403_on_role_gated_route(client, make_client, admin_key):
    with pytest.raises(PermissionDeniedError, match="settings"):
        await client.get("/settings")
    assert "account" in await client.get("/settings/public")
    assert "account" in await make_client(admin_key).get("/settings")


async def test_404_unknown_and_archived_ids(client, sandbox):
    with pytest.raises(NotFoundError):
        await client.get("/individual_appointments/1")
    archived = next(i for i, a in sandbox.store.individual_appointments.items() if a["archived_at"])
    with pytest.raises(NotFoundError):
        await client.get(f"/individual_appointments/{archived}")


async def test_422_carries_field_errors(client):
    with pytest.raises(ValidationError) as err:
        await client.post("/communications", {"category_code": 7, "type_code": 9})
    assert err.value.errors["category_code"] == "only memos (12) can be created"
    assert "patient_id" in err.value.errors and "content" in str(err.value)


@pytest.mark.parametrize("kind", ["429_reset", "429_retry_after", "429_none"])
async def test_429_waits_then_retries(make_client, sandbox, kind):
    t = FakeTime()
    sandbox._wall = lambda: 1000.3  # one wall clock for both sides: X-RateLimit-Reset is 1001, 0.7 s on
    client = make_client(governor=RateGovernor(limit=200, clock=t.clock, sleep=t.sleep), wall_clock=sandbox._wall)
    waits = t.waits
    sandbox.faults.add(kind, path="/user", times=2)
    user = await client.current_user()
    assert user.role == "receptionist"
    assert sandbox.request_count("/user") == 3
    assert make_client.sleeps == []  # the wait happens in the governor, for every caller
    assert len(waits) == 2 and all(0 < w <= 3 for w in waits)


async def test_429_waits_in_the_governor_for_x_ratelimit_reset(make_client, sandbox):
    t = FakeTime()
    client = make_client(governor=RateGovernor(limit=200, clock=t.clock, sleep=t.sleep))
    waited = t.waits
    sandbox.faults.add("429_retry_after", path="/user", times=1)
    await client.current_user()
    assert waited == [1.0]  # Retry-After: 1


async def test_429_gives_up_when_the_wait_is_too_long(make_client, sandbox):
    client = make_client(wall_clock=lambda: 0.0, max_rate_wait=0.5)
    sandbox.faults.add("429_reset", path="/user", times=1)
    with pytest.raises(RateLimitedError):
        await client.current_user()


async def test_sandbox_rate_limit_and_client_governor(make_client, sandbox):
    """Sandbox allows 5/min; a governor at 5/min never trips it, even for 12 calls."""
    sandbox.options.rate_limit = 5
    t = FakeTime()
    client = make_client(governor=RateGovernor(limit=5, clock=t.clock, sleep=t.sleep))
    sandbox._wall = t.clock
    for _ in range(12):
        await client.current_user()
    assert {r.status for r in sandbox.requests} == {200}
    assert t.now >= 120  # it waited for two windows to roll over


async def test_sandbox_answers_429_with_reset_when_over_budget(make_client, sandbox):
    sandbox.options.rate_limit = 2
    client = make_client(retries=0, max_rate_wait=0.0)
    await client.current_user()
    await client.current_user()
    with pytest.raises(RateLimitedError):
        await client.current_user()
    assert sandbox.requests[-1].status == 429


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.waits = []

    def clock(self):
        return self.now

    async def sleep(self, seconds):
        self.waits.append(seconds)
        self.now += seconds


async def _no_sleep(_):
    return None


@pytest.mark.parametrize("kind", ["500", "502", "503"])
async def test_get_retries_5xx_with_jittered_backoff(make_client, sandbox, kind):
    client = make_client()
    sandbox.faults.add(kind, path="/user", times=2)
    assert (await client.current_user()).role == "receptionist"
    assert len(make_client.sleeps) == 2
    assert all(0 < s < 1 for s in make_client.sleeps)


async def test_get_gives_up_after_retries(make_client, sandbox):
    client = make_client(retries=2)
    sandbox.faults.add("503", path="/user", times=5)
    with pytest.raises(ServerError, match="503"):
        await client.current_user()
    assert sandbox.request_count("/user") == 3


async def test_post_is_never_retried_blindly(client, sandbox):
    sandbox.faults.add("503", path="/communications", method="POST", times=1)
    patient = next(iter(sandbox.store.patients))
    with pytest.raises(ServerError):
        await client.post("/communications", {"patient_id": patient, "type_code": 2, "content": "x"})
    assert sandbox.request_count("/communications") == 1
    assert sandbox.memos() == []


async def test_timeout_is_a_network_error(make_client, sandbox):
    sandbox.faults.timeout_seconds = 2
    client = make_client(timeout=0.3, retries=1)
    sandbox.faults.add("timeout", path="/user", times=2)
    with pytest.raises(NetworkError, match="did not answer in time"):
        await client.current_user()


async def test_connection_refused_is_a_network_error():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    client = ClinikoClient(DEMO_KEY, CONTACT, base_url=f"http://127.0.0.1:{port}/v1",
                           governor=RateGovernor(), sleep=_no_sleep)
    with pytest.raises(NetworkError, match="could not connect"):
        await client.current_user()
    await client.aclose()


@pytest.mark.parametrize(
    "kind, error, words",
    [
        ("reset", NetworkError, "dropped"),
        ("truncated", ProtocolError, "not JSON"),
        ("not_json", ProtocolError, "not JSON"),
        ("html", ProtocolError, "web page"),
    ],
)
async def test_broken_bodies(make_client, sandbox, kind, error, words):
    client = make_client(retries=0)
    sandbox.faults.add(kind, path="/individual_appointments", times=1)
    with pytest.raises(error, match=words):
        await client.get("/individual_appointments")


async def test_foreign_next_link_is_not_followed(client, sandbox):
    sandbox.faults.add("foreign_next", path="/patients", times=1)
    before = len(sandbox.requests)
    with pytest.raises(ProtocolError, match="another server"):
        await client.list_all("/patients", "patients")
    assert len(sandbox.requests) == before + 1


async def test_secrets_never_in_errors_or_logs(make_client, sandbox, debug_logs):
    wrong = "SECRETKEYVALUE1234567890-au4"
    with pytest.raises(AuthenticationError) as err:
        await make_client(wrong).current_user()
    client = make_client()
    sandbox.faults.add("500", path="/attendees", times=1)
    rows = await client.list_all("/attendees", "attendees", Q().any_of("booking_id", list(sandbox.store.individual_appointments)[:50]))
    text = str(err.value) + debug_logs.text
    assert "SECRETKEYVALUE" not in text and DEMO_KEY not in text
    for row in rows:
        assert row["telehealth_url"].rsplit("/", 1)[1] not in text
    assert "GET /v1/attendees -> 500" in debug_logs.text
    assert any(r.levelno == logging.DEBUG for r in debug_logs.records)


async def test_redirects_are_not_followed_with_credentials(server):
    """The unsharded host answers 301; the client stops there, so the key never
    travels to another host (and a POST never turns into a GET)."""
    import httpx as _httpx

    seen = []

    async def handler(request):
        seen.append(request)
        return _httpx.Response(301, headers={"Location": "https://evil.example.com/v1/user"})

    client = ClinikoClient(DEMO_KEY, CONTACT, base_url="https://api.au4.cliniko.com/v1",
                           transport=_httpx.MockTransport(handler), governor=RateGovernor(), sleep=_no_sleep)
    with pytest.raises(ProtocolError, match="redirected"):
        await client.current_user()
    assert len(seen) == 1 and seen[0].url.host == "api.au4.cliniko.com"
    await client.aclose()


