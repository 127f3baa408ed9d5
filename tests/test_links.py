"""Only a real Cliniko link is a link: patient links are exactly
https://<account host>/c/<token>, practitioner links
https://<account host>/appointments/<id>/connect; anything else is refused
with a reason, by the types themselves and by the send rule."""

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from frontdesk.cliniko.models import AppointmentType, Attendee, IndividualAppointment, Patient
from frontdesk.domain.eligibility import send_eligibility
from frontdesk.domain.links import (
    ANY_CLINIKO_HOST,
    NOT_A_PATIENT_LINK,
    AccountHosts,
    LinkRefused,
    PatientLink,
    patient_link,
    practitioner_link,
)

ACCOUNT = AccountHosts("harbourhealth", "au4")
TOKEN = "yxt65-xdR864MNvao"
NOW = datetime(2026, 11, 23, 23, 5, tzinfo=timezone.utc)


@pytest.mark.parametrize("url", [
    f"https://harbourhealth.cliniko.com/c/{TOKEN}",
    f"https://harbourhealth.au4.cliniko.com/c/{TOKEN}",
    f"https://HarbourHealth.AU4.cliniko.com/c/{TOKEN}",
])
def test_the_accounts_own_patient_links_pass(url):
    link = patient_link(url, "1", "2", ACCOUNT)
    assert isinstance(link, PatientLink) and TOKEN not in repr(link)


@pytest.mark.parametrize("url", [
    "javascript:alert(document.cookie)//",
    f"https://evil.example/c/{TOKEN}",
    f"http://harbourhealth.cliniko.com/c/{TOKEN}",
    f"https://harbourhealth.cliniko.com.evil.example/c/{TOKEN}",
    f"https://otherclinic.cliniko.com/c/{TOKEN}",
    f"https://harbourhealth.uk1.cliniko.com/c/{TOKEN}",
    f"https://cliniko.com/c/{TOKEN}",
    f"https://user:pw@harbourhealth.cliniko.com/c/{TOKEN}",
    f"https://harbourhealth.cliniko.com:8443/c/{TOKEN}",
    f"https://harbourhealth.cliniko.com/c/{TOKEN}?next=https://evil.example",
    f"https://harbourhealth.cliniko.com/c/{TOKEN}#x",
    f"https://harbourhealth.cliniko.com/c/{TOKEN}/extra",
    "https://harbourhealth.cliniko.com/appointments/1/connect",
    "https://harbourhealth.cliniko.com/c/short",
    "https://harbourhealth.cliniko.com/c/" + "a" * 65,
    "https://harbourhealth.cliniko.com/c/tok%2Fen12345",
    f"https://harbourhealth.cliniko.com/c/{TOKEN} ",
    f"https://hárbourhealth.cliniko.com/c/{TOKEN}",
    f"https://harbourhealth.cliniko.com\\@evil.example/c/{TOKEN}",
])
def test_anything_else_is_refused(url):
    with pytest.raises(LinkRefused):
        patient_link(url, "1", "2", ACCOUNT)


def test_another_accounts_host_is_refused_only_when_the_account_is_known():
    url = f"https://otherclinic.cliniko.com/c/{TOKEN}"
    assert patient_link(url, "1", "2", ANY_CLINIKO_HOST) is not None
    with pytest.raises(LinkRefused, match="another Cliniko account"):
        patient_link(url, "1", "2", ACCOUNT)


def test_practitioner_links_name_their_own_appointment():
    assert practitioner_link("https://harbourhealth.au4.cliniko.com/appointments/17/connect", "17", ACCOUNT)
    for url in ("https://harbourhealth.au4.cliniko.com/appointments/18/connect",
                "https://evil.example/appointments/17/connect",
                f"https://harbourhealth.cliniko.com/c/{TOKEN}",
                "javascript:alert(1)"):
        with pytest.raises(LinkRefused):
            practitioner_link(url, "17", ACCOUNT)
    assert practitioner_link(None, "17", ACCOUNT) is None


def _decide(url):
    appt = IndividualAppointment(id="10", starts_at=NOW + timedelta(minutes=10), ends_at=NOW + timedelta(minutes=40),
                                 appointment_type_id="3")
    return send_eligibility(
        appointment=appt,
        appointment_type=AppointmentType(id="3", name="Telehealth", telehealth_enabled=True),
        attendee=Attendee(id="20", booking_id="10", patient_id="30", telehealth_url=url),
        patient=Patient(id="30", email="ava@example.com"),
        now=NOW, zone=ZoneInfo("Australia/Sydney"), hosts=ACCOUNT,
    )


def test_the_send_rule_refuses_a_link_that_is_not_clinikos():
    assert _decide(f"https://harbourhealth.au4.cliniko.com/c/{TOKEN}").allowed
    for url in ("javascript:alert(document.cookie)//", f"https://evil.example/c/{TOKEN}"):
        decision = _decide(url)
        assert not decision.allowed and decision.reason == NOT_A_PATIENT_LINK


GOOD = re.compile(r"^https://harbourhealth(\.au4)?\.cliniko\.com/c/[A-Za-z0-9_-]{8,64}$", re.IGNORECASE)


@settings(max_examples=400, deadline=None)
@given(st.one_of(
    st.text(max_size=80),
    st.builds(lambda host, path: f"https://{host}/{path}",
              st.sampled_from(["harbourhealth.cliniko.com", "harbourhealth.au4.cliniko.com", "evil.example",
                               "harbourhealth.cliniko.com.evil.example", "x.cliniko.com", "cliniko.com"]),
              st.text(alphabet="c/?#:@%.-_aZ09 \u202e", max_size=40)),
))
def test_a_generated_url_is_allowed_only_in_the_one_true_shape(url):
    assert _decide(url).allowed == bool(GOOD.match(url))
