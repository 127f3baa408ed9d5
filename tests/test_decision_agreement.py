"""The screen and the delivery service decide with the same inputs: for every
attendee with a patient link on every seeded day, what the console offers
is what a send would decide, fresh from Cliniko (same answer, same reason,
same channels, same default)."""

from datetime import timedelta

from conftest import NOW, console_config
from frontdesk.cliniko.governor import RateGovernor
from frontdesk.domain.eligibility import decide
from frontdesk.sandbox.clock import fixed_clock
from frontdesk.sandbox.runner import SandboxServer
from frontdesk.sandbox.server import Sandbox, SandboxOptions
from frontdesk.services.session import open_session


async def test_screen_and_delivery_agree_for_every_seeded_attendee(tmp_path, mail):
    sandbox = Sandbox(clock=fixed_clock(NOW), options=SandboxOptions(rate_limit=100_000))
    with SandboxServer(sandbox) as server:
        session = open_session(console_config(server, mail), clock=lambda: NOW, audit_dir=tmp_path / "desk")
        session.client.governor = RateGovernor(limit=100_000)
        try:
            await session.sign_in()
            compared, allowed = 0, 0
            for offset in (-1, 0, 1):
                day = await session.loader.load(sandbox.store.today + timedelta(days=offset))
                for view in day.views():
                    for a in view.attendees:
                        if a.link is None:
                            continue
                        screen = view.decision(a, NOW, session.channels())
                        fresh = await session.delivery.fresh_decision(a.link, view.kind)
                        assert (fresh.allowed, fresh.reason, fresh.channels, fresh.default_channel) == \
                            (screen.allowed, screen.reason, screen.channels, screen.default_channel), (view.id, a.name)
                        compared += 1
                        allowed += screen.allowed
        finally:
            await session.aclose()
    assert compared > 80 and 5 < allowed < compared  # both answers were met, on many attendees


def test_the_decision_uses_the_locations_country_and_the_channels_set_up():
    """Without the location's country a local mobile is not a mobile; without
    the channels set up, SMS would be offered where only email is."""
    from frontdesk.cliniko.models import AppointmentType, Attendee, Business, IndividualAppointment, Patient
    from frontdesk.domain.links import AccountHosts

    hosts = AccountHosts("harbourhealth", "au4")
    appointment = IndividualAppointment.model_validate({
        "id": "1", "appointment_type": {"links": {"self": "https://api.au4.cliniko.com/v1/appointment_types/7"}},
        "starts_at": "2026-11-24T00:00:00Z", "ends_at": "2026-11-24T00:30:00Z"})
    kind = AppointmentType.model_validate({"id": "7", "name": "Telehealth", "telehealth_enabled": True})
    attendee = Attendee.model_validate({"id": "2", "telehealth_url": "https://harbourhealth.au4.cliniko.com/c/abcdefghijkl",
                                        "booking": {"links": {"self": "https://api.au4.cliniko.com/v1/bookings/1"}},
                                        "patient": {"links": {"self": "https://api.au4.cliniko.com/v1/patients/3"}}})
    patient = Patient.model_validate({"id": "3", "first_name": "Mia", "patient_phone_numbers": [
        {"phone_type": "Mobile", "number": "0412 345 678"}]})
    business = Business.model_validate({"id": "5", "business_name": "Sydney", "country_code": "AU",
                                        "time_zone_identifier": "Australia/Sydney"})
    facts = dict(appointment=appointment, appointment_type=kind, attendee=attendee, patient=patient,
                 now=NOW - timedelta(hours=1), hosts=hosts)
    assert decide(**facts, business=business, configured=("email", "sms")).channels == ("sms",)
    assert not decide(**facts, business=business, configured=("email",)).allowed
    assert not decide(**facts, business=None, configured=("email", "sms")).allowed  # whose 04? nobody can say
    over = facts | {"now": NOW + timedelta(hours=2)}
    assert decide(**over, business=business, configured=("sms",)).reason == "Appointment ended at 11:30"
    assert decide(**over, business=None, configured=("sms",)).reason == "Appointment ended at 00:30 UTC"
