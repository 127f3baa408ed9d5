"""Odd and hostile data: rendered as plain text, never restyling the screen
or reaching the terminal as escapes; generated payloads never crash the
models and are never 'allowed' unless the flag is exactly true."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings, strategies as st

from tui.cliniko.models import AppointmentType, Attendee, IndividualAppointment, Patient
from tui.domain.eligibility import send_eligibility
from widgets.text import plain

from conftest import NOW, settle
from console_helpers import eligible
from spec import spec

HOSTILE_FIRST = "[bold red]Evil[/] \x1b[31mRed\x1b[0m"
HOSTILE_LAST = "\u202eknaB [link=https://evil.example]click[/link] 🩺" + "x" * 300
HOSTILE_NOTE = "\x1b]52;c;ZXZpbA==\x07 [reverse]notes[/] שלום"


def test_plain_strips_escapes_and_controls():
    assert plain(HOSTILE_FIRST) == "[bold red]Evil[/] [31mRed[0m"
    assert "\x1b" not in plain(HOSTILE_NOTE) and "\x07" not in plain(HOSTILE_NOTE)
    assert "\u202e" not in plain(HOSTILE_LAST) and "🩺" in plain(HOSTILE_LAST)


async def test_hostile_names_and_notes_render_as_text(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        view = eligible(app)
        patient = sandbox.store.patients[view.primary_attendee().patient.id]
        patient.update(first_name=HOSTILE_FIRST, last_name=HOSTILE_LAST, preferred_first_name=None)
        sandbox.store.individual_appointments[view.id]["notes"] = HOSTILE_NOTE
        sandbox.store.individual_appointments[view.id]["patient_name"] = HOSTILE_FIRST
        await pilot.press("r")
        await settle(pilot)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        await pilot.press("c")  # the notification names the patient too
        await pilot.pause()
        svg = app.export_screenshot()
        assert "[bold red]Evil[/]" in svg.replace("&#160;", " ")
        assert "\x1b" not in svg and "\u202e" not in svg and "\x07" not in svg
        detail = str(app.screen.query_one("#detail").describe())
        assert "[reverse]notes[/]" in detail and "\x1b" not in detail


# -- generated payloads from the official spec's schemas ---------------------------

def _strategy(node, depth=0):
    if "$ref" in node:
        return _strategy(spec()["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]], depth)
    nullable = node.get("nullable", False)
    kind = node.get("type")
    if "enum" in node:
        base = st.sampled_from(node["enum"])
    elif kind == "boolean":
        base = st.booleans()
    elif kind == "integer":
        base = st.integers(-(2**63), 2**63)
    elif kind == "number":
        base = st.floats(allow_nan=False)
    elif kind == "array":
        base = st.lists(_strategy(node.get("items", {"type": "string"}), depth + 1), max_size=3) if depth < 3 else st.just([])
    elif kind == "object" or "properties" in node:
        props = node.get("properties", {})
        base = st.fixed_dictionaries({}, optional={k: _strategy(v, depth + 1) for k, v in props.items()}) if depth < 3 else st.just({})
    elif node.get("format") == "date-time":
        base = st.one_of(st.datetimes(timezones=st.just(timezone.utc)).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")), st.just(""), st.text(max_size=5))
    elif node.get("format") == "int64":
        base = st.one_of(st.integers(1, 2**62).map(str), st.integers(1, 2**62))
    else:
        base = st.text(max_size=40)
    return st.one_of(st.none(), base) if nullable else base


def payload(name):
    return _strategy(spec()["components"]["schemas"][name])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(appt=payload("IndividualAppointment"), typ=payload("AppointmentType"),
       att=payload("Attendee"), pat=payload("Patient"))
def test_generated_payloads_never_crash_or_wrongly_allow(appt, typ, att, pat):
    models = []
    for model, data in ((IndividualAppointment, appt), (AppointmentType, typ), (Attendee, att), (Patient, pat)):
        try:
            models.append(model.model_validate(data))
        except ValueError:
            models.append(None)  # unreadable rows are dropped (and reported) by the loader
    a, t, at, p = models
    decision = send_eligibility(appointment=a, appointment_type=t, attendee=at, patient=p,
                                now=NOW, zone=ZoneInfo("Australia/Sydney"))
    if decision.allowed:
        assert typ.get("telehealth_enabled") is True
    assert decision.reason
