"""The send rule: allowed only when every condition holds; never otherwise."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from frontdesk.cliniko.models import AppointmentType, Attendee, GroupAppointment, IndividualAppointment, Patient
from frontdesk.domain.eligibility import ALLOWED_REASON, send_eligibility
from frontdesk.domain.links import AccountHosts, PatientLink, PractitionerLink

HOSTS = AccountHosts("x", "au1")

NOW = datetime(2026, 11, 23, 23, 5, tzinfo=timezone.utc)
SYD = ZoneInfo("Australia/Sydney")
T = NOW - timedelta(days=1)


def appt(**kw):
    base = dict(id="10", starts_at=NOW + timedelta(minutes=10), ends_at=NOW + timedelta(minutes=40),
                appointment_type_id="3", telehealth_url="https://x.cliniko.com/appointments/10/connect")
    return IndividualAppointment(**(base | kw))


def typ(flag=True, **kw):
    return AppointmentType(**({"id": "3", "name": "Telehealth Consult", "telehealth_enabled": flag} | kw))


def att(**kw):
    return Attendee(**({"id": "20", "booking_id": "10", "patient_id": "30",
                        "telehealth_url": "https://x.cliniko.com/c/yxt65-xdR864MNvao"} | kw))


def pat(**kw):
    return Patient(**({"id": "30", "first_name": "Ava", "email": "ava@example.com"} | kw))


def decide(a=None, t=None, at=None, p=None, now=NOW):
    return send_eligibility(appointment=a if a is not None else appt(), appointment_type=t if t is not None else typ(),
                            attendee=at if at is not None else att(), patient=p if p is not None else pat(),
                            now=now, zone=SYD, hosts=HOSTS, country_code="AU")


def test_allowed_when_everything_holds():
    d = decide()
    assert d.allowed and d.reason == ALLOWED_REASON


@pytest.mark.parametrize(
    "kwargs, reason",
    [
        (dict(t=typ(False, name="Initial Consult (in person)")), "Telehealth is off for ‘Initial Consult (in person)’"),
        (dict(t=typ(None)), "Telehealth setting unknown for this type — treated as off"),
        (dict(a=appt(cancelled_at=T)), "Appointment cancelled"),
        (dict(a=appt(archived_at=T)), "Appointment archived"),
        (dict(a=appt(deleted_at=T)), "Appointment deleted"),
        (dict(at=att(cancelled_at=T)), "Attendee cancelled"),
        (dict(at=att(archived_at=T)), "Attendee archived"),
        (dict(at=att(booking_id="99")), "Attendee belongs to another appointment"),
        (dict(at=att(telehealth_url=None)), "Cliniko gave no patient link for this attendee"),
        (dict(a=appt(starts_at=NOW - timedelta(hours=1), ends_at=NOW - timedelta(minutes=35))), "Appointment ended at 09:30"),
        (dict(t=typ(True, id="4")), "Appointment type does not match — treated as off"),
        (dict(p=pat(email=None)), "No email address or mobile number on file"),
        (dict(p=pat(archived_at=T)), "Patient record archived"),
        (dict(p=pat(id="31")), "Patient does not match the attendee"),
    ],
)
def test_each_refusal_has_its_own_reason(kwargs, reason):
    d = decide(**kwargs)
    assert not d.allowed and d.reason == reason


def test_missing_pieces_fail_closed():
    base = dict(appointment=appt(), appointment_type=typ(), attendee=att(), patient=pat(), now=NOW, zone=SYD,
                hosts=HOSTS)
    assert send_eligibility(**(base | {"appointment": None})).reason == "Appointment not found"
    assert send_eligibility(**(base | {"appointment_type": None})).reason == "Appointment type unknown — treated as off"
    assert send_eligibility(**(base | {"attendee": None})).reason == "No attendee on this appointment"
    assert send_eligibility(**(base | {"patient": None})).reason == "Patient details not loaded"
    assert not send_eligibility(**(base | {"now": NOW.replace(tzinfo=None)})).allowed


def test_one_answer_holds_everything_the_screen_needs():
    d = send_eligibility(appointment=appt(), appointment_type=typ(), attendee=att(), patient=pat(), now=NOW,
                         zone=SYD, hosts=HOSTS, configured=("email", "sms"))
    assert d.allowed and d.channels == ("email",) and d.default_channel == "email" and d.copyable
    no_contact = send_eligibility(appointment=appt(), appointment_type=typ(), attendee=att(), patient=pat(email=None),
                                  now=NOW, zone=SYD, hosts=HOSTS)
    assert not no_contact.allowed and no_contact.copyable  # the link itself is live: it may be copied
    assert no_contact.reason == "No email address or mobile number on file"
    not_set_up = send_eligibility(appointment=appt(), appointment_type=typ(), attendee=att(), patient=pat(),
                                  now=NOW, zone=SYD, hosts=HOSTS, configured=())
    assert not not_set_up.allowed and "not set up" in not_set_up.reason
    off = send_eligibility(appointment=appt(), appointment_type=typ(False), attendee=att(), patient=pat(),
                           now=NOW, zone=SYD, hosts=HOSTS)
    assert not off.copyable and off.copy_reason == off.reason


def test_in_progress_is_still_allowed_and_mobile_counts():
    running = appt(starts_at=NOW - timedelta(minutes=5), ends_at=NOW + timedelta(minutes=25))
    mobile = pat(email=None, patient_phone_numbers=[{"phone_type": "Mobile", "number": "0412 345 678",
                                                     "normalized_number": "61412345678"}])
    assert decide(a=running, p=mobile).allowed


def test_group_attendee():
    group = GroupAppointment(id="10", starts_at=NOW, ends_at=NOW + timedelta(hours=1), appointment_type_id="3")
    assert decide(a=group).allowed
    assert decide(a=group, at=att(cancelled_at=T)).reason == "Attendee cancelled"


maybe_time = st.one_of(st.none(), st.just(T))
flags = st.one_of(st.none(), st.booleans(), st.sampled_from(["true", 1, "yes", 0, [], {}]))


@settings(max_examples=400, deadline=None)
@given(
    flag=flags,
    appt_cancelled=maybe_time, appt_archived=maybe_time, appt_deleted=maybe_time,
    att_cancelled=maybe_time, att_archived=maybe_time, att_deleted=maybe_time,
    has_attendee=st.booleans(), has_type=st.booleans(), has_patient=st.booleans(),
    end_offset=st.integers(-600, 600), same_type=st.booleans(), same_booking=st.booleans(),
    email=st.one_of(st.none(), st.just(""), st.just("a@b.co")), group=st.booleans(),
)
def test_never_allowed_unless_every_condition_holds(
    flag, appt_cancelled, appt_archived, appt_deleted, att_cancelled, att_archived, att_deleted,
    has_attendee, has_type, has_patient, end_offset, same_type, same_booking, email, group,
):
    ends = NOW + timedelta(minutes=end_offset)
    common = dict(id="10", starts_at=ends - timedelta(minutes=30), ends_at=ends, appointment_type_id="3",
                  archived_at=appt_archived, deleted_at=appt_deleted)
    a = GroupAppointment(**common) if group else IndividualAppointment(**common, cancelled_at=appt_cancelled)
    t = AppointmentType.model_validate({"id": "3" if same_type else "4", "name": "X", "telehealth_enabled": flag})
    at = att(cancelled_at=att_cancelled, archived_at=att_archived, deleted_at=att_deleted,
             booking_id="10" if same_booking else "11")
    p = pat(email=email)
    d = send_eligibility(appointment=a, appointment_type=t if has_type else None,
                         attendee=at if has_attendee else None, patient=p if has_patient else None,
                         now=NOW, zone=SYD, hosts=HOSTS)
    every = (
        flag is True and has_type and same_type and appt_archived is None and appt_deleted is None
        and (group or appt_cancelled is None) and has_attendee and same_booking
        and att_cancelled is None and att_archived is None and att_deleted is None
        and ends > NOW and has_patient and bool(email)
    )
    assert d.allowed == every
    assert d.reason and (d.allowed or d.reason != ALLOWED_REASON)


def test_links_are_distinct_types_and_mask_their_token():
    p = PatientLink(url="https://x.cliniko.com/c/yxt65-xdR864MNvao", appointment_id="1", attendee_id="2")
    pr = PractitionerLink(url="https://x.cliniko.com/appointments/1/connect", appointment_id="1")
    assert not isinstance(pr, PatientLink) and not isinstance(p, PractitionerLink)
    assert "yxt65" not in str(p) and "yxt65" not in repr(p) and "yxt65" not in p.masked()
    assert p.masked().startswith("https://x.cliniko.com/c/")
    assert len(p.fingerprint()) == 16 and "yxt65" not in p.fingerprint()
