"""Odd and hostile data: rendered as plain text, never restyling the screen
or reaching the terminal as escapes; generated payloads never crash the
models and are never 'allowed' unless the flag is exactly true."""

from datetime import timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from frontdesk.cliniko.models import AppointmentType, Attendee, IndividualAppointment, Patient
from frontdesk.domain.eligibility import send_eligibility
from frontdesk.domain.links import ANY_CLINIKO_HOST
from frontdesk.safe_text import clean

from conftest import NOW, settle
from console_helpers import Heard, eligible
from spec import spec

HOSTILE_FIRST = "[bold red]Evil[/] \x1b[31mRed\x1b[0m"
HOSTILE_LAST = "\u202eknaB [link=https://evil.example]click[/link] 🩺" + "x" * 300
HOSTILE_NOTE = "\x1b]52;c;ZXZpbA==\x07 [reverse]notes[/] שלום"


def test_clean_strips_escapes_and_controls():
    assert clean(HOSTILE_FIRST) == "[bold red]Evil[/] [31mRed[0m"
    assert "\x1b" not in clean(HOSTILE_NOTE) and "\x07" not in clean(HOSTILE_NOTE)
    assert "\u202e" not in clean(HOSTILE_LAST) and "🩺" in clean(HOSTILE_LAST)


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
        await settle(pilot)  # the audit log is read or written off the UI loop
        svg = app.export_screenshot()
        assert "[bold red]Evil[/]" in svg.replace("&#160;", " ")
        assert "\x1b" not in svg and "\u202e" not in svg and "\x07" not in svg
        detail = str(app.screen.query_one("#detail").describe())
        assert "[reverse]notes[/]" in detail and "\x1b" not in detail


async def test_a_patient_zone_unknown_here_is_said_not_guessed(make_app, sandbox):
    """Cliniko keeps an IANA name; one this machine does not know is named
    as unknown in the details and the confirmation, never shown as UTC."""
    from console_helpers import detail_text, dialog_text, open_send

    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        view = eligible(app)
        sandbox.store.patients[view.primary_attendee().patient.id]["time_zone"] = "Mars/Olympus_Mons"
        await pilot.press("r")
        await settle(pilot)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        assert "(‘Mars/Olympus_Mons’) is unknown: clinic time" in detail_text(app)
        assert "UTC" not in detail_text(app)
        dialog = await open_send(app, pilot, view)
        assert "(‘Mars/Olympus_Mons’) is unknown: clinic time" in dialog_text(dialog)


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
                                now=NOW, zone=ZoneInfo("Australia/Sydney"), hosts=ANY_CLINIKO_HOST)
    if decision.allowed:
        assert typ.get("telehealth_enabled") is True
    assert decision.reason


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)//", "https://evil.example/c/yxt65-xdR864MNvao"])
async def test_a_link_that_is_not_clinikos_is_refused_everywhere_in_the_console(make_app, sandbox, mail, url):
    """Telehealth on, patient reachable, but the attendee's link is not this
    account's Cliniko patient link: the list marks it, the panel hides it,
    copy and send refuse with the reason; nothing reaches the clipboard."""
    from frontdesk.domain.links import NOT_A_PATIENT_LINK
    from frontdesk.widgets.appointment_table import AppointmentTable

    app = make_app()
    heard = Heard()
    async with app.run_test(size=(140, 40), message_hook=heard) as pilot:
        await settle(pilot)
        view = eligible(app)
        sandbox.store.attendees[view.primary_attendee().attendee.id]["telehealth_url"] = url
        await pilot.press("r")
        await settle(pilot)
        app.screen.select_appointment(view.id)
        await pilot.pause()
        assert app.screen.query_one(AppointmentTable).cell(view.id, "telehealth") == "✕ bad link"
        panel = "\n".join(w.plain for w in app.screen.query("LinkPanel TextLines"))
        assert "not a Cliniko patient link — hidden, never sent" in panel
        assert f"Cannot send: {NOT_A_PATIENT_LINK}" in panel and url not in panel
        heard.clear()
        await pilot.press("c", "v", "s")
        await pilot.pause()
        notes = heard.notes
        assert f"Patient link not copied: {NOT_A_PATIENT_LINK}" in notes
        assert f"No patient link to reveal here: {NOT_A_PATIENT_LINK}" in notes
        assert f"Not sent: {NOT_A_PATIENT_LINK}" in notes
        assert app.clipboard == "" and url not in app.export_screenshot()
    assert mail.received == [] and sandbox.sms_outbox == []
