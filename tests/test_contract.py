"""Contract: schemathesis (the field's OpenAPI tester) drives the sandbox
with requests generated from the official spec (2023-10 copy) for every
read frontdesk makes, and every answer must be what the spec says Cliniko
answers: never a 5xx (a malformed filter is the documented 400), and every
200 body valid against the spec's response schema, allowing only the
real-world quirks the fact sheet documents (``QUIRKS``). So the fake
cannot drift from Cliniko without a test failing.

The spec types ``q[]`` as any string, which almost never reaches a filter's
value; a hook draws ``field:OPvalue`` filters for each list's documented
fields (the sandbox's table, itself held to the spec), with values that
look like times, dates and numbers but need not be real ones."""

from __future__ import annotations

import base64
import copy

import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from conftest import CONTACT, NOW
from spec import SPEC_PATH, _convert
from test_sandbox_spec import QUIRKS
from frontdesk.sandbox.clock import fixed_clock
from frontdesk.sandbox.query import FILTERS
from frontdesk.sandbox.runner import SandboxServer
from frontdesk.sandbox.seed import DEMO_KEY
from frontdesk.sandbox.server import Sandbox, SandboxOptions

#: every list and by-id read frontdesk makes (tui/cliniko, tui/services)
READS = (r"^/(individual_appointments|group_appointments|attendees|appointment_types|patients|practitioners"
         r"|businesses|communications|bookings)(/\{id\})?$|^/user$|^/settings/public$")

SCHEMA = schemathesis.openapi.from_path(SPEC_PATH).include(method="GET", path_regex=READS)
AUTH = {"Authorization": "Basic " + base64.b64encode(f"{DEMO_KEY}:".encode()).decode(),
        "User-Agent": f"frontdesk ({CONTACT})", "Accept": "application/json"}


OPS = [">=", ">", "<=", "<", "=", "!=", "~", "~~", "?", "!?", "*"]
#: values shaped like what a filter takes, with any digits (0269-36-34T89:32:94Z), wildcards and symbols
VALUES = st.one_of(
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z"),
    st.from_regex(r"\A[0-9*]{4}-[0-9*]{2}-[0-9*]{2}\Z"),
    st.from_regex(r"\A[0-9²³¹٣,]{1,6}\Z"),
    st.sampled_from(["true", "false", ""]),
    st.text(max_size=12),
)


@SCHEMA.hook
def flatmap_query(context, query):
    """Lists get filters drawn from their documented fields."""
    resource = context.operation.path.strip("/")
    fields = sorted(FILTERS.get(resource, {}))
    if not fields or "{" in resource:
        return st.just(query)
    one = st.builds(lambda field, op, value: f"{field}:{op}{value}", st.sampled_from(fields), st.sampled_from(OPS),
                    VALUES)
    return st.lists(one, min_size=1, max_size=3).map(lambda q: {**query, "q[]": q})


@pytest.fixture(scope="module")
def sandbox_url():
    server = SandboxServer(Sandbox(clock=fixed_clock(NOW), options=SandboxOptions(rate_limit=10**9))).start()
    yield server.base_url
    server.stop()


def _without_quirks(body):
    """The body with each documented quirk value taken out (the spec omits them)."""
    body = copy.deepcopy(body)
    rows = [body] + [row for value in (body.values() if isinstance(body, dict) else []) if isinstance(value, list)
                     for row in value if isinstance(row, dict)]
    for row in rows:
        for quirks in QUIRKS.values():
            for field, values in quirks.items():
                if row.get(field) in values:
                    row.pop(field)
    return body


def conforms(case, response) -> None:
    if response.status_code != 200:
        return
    definition = case.operation.definition.raw["responses"]["200"]["content"]["application/json"]["schema"]
    jsonschema.Draft4Validator(_convert(definition)).validate(_without_quirks(response.json()))


@SCHEMA.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_sandbox_answers_every_read_as_the_spec_says(case, sandbox_url):
    response = case.call(base_url=sandbox_url, headers=AUTH)
    case.validate_response(response, checks=[not_a_server_error])
    conforms(case, response)
