"""Phone numbers of every country, read with libphonenumber in the
business's country; a number that cannot take an SMS is refused with the
reason."""

import pytest

from frontdesk.cliniko.models import Patient
from frontdesk.domain.contact import mask_phone, reachable, read_mobile, recipient_for


def patient(number, normalized="", email=None):
    return Patient(id="1", email=email, patient_phone_numbers=[
        {"phone_type": "Mobile", "number": number, "normalized_number": normalized}])


@pytest.mark.parametrize("number, country, e164", [
    ("0412 345 678", "AU", "+61412345678"),
    ("021 123 4567", "NZ", "+64211234567"),
    ("01512 3456789", "DE", "+4915123456789"),
    ("+49 1512 3456789", "AU", "+4915123456789"),  # an international number, whatever the clinic's country
    ("9123 4567", "SG", "+6591234567"),
    ("07400 123456", "UK", "+447400123456"),
    ("(415) 555-2671", "US", "+14155552671"),
])
def test_mobiles_of_every_country(number, country, e164):
    recipient = recipient_for(patient(number), "sms", country)
    assert recipient is not None and recipient.address == e164


def test_normalized_number_is_the_second_try():
    assert read_mobile("61412345678", "0412-345-67 8x", "AU") == ("+61412345678", None)


@pytest.mark.parametrize("number, country, reason", [
    ("12", "AU", "The mobile number on file is not a valid phone number for AU"),
    ("(02) 9123 4567", "AU", "The mobile number on file is a landline: it cannot take an SMS"),
    ("0412 345 678", None, "The mobile number on file is not a valid phone number"),
])
def test_a_number_that_cannot_take_an_sms_is_refused_with_the_reason(number, country, reason):
    p = patient(number)
    assert recipient_for(p, "sms", country) is None
    assert reachable(p, country, ["email", "sms"]) == ([], reason)


def test_masks_keep_country_first_digit_and_last_three():
    assert mask_phone("+61412345123") == "+61 4•• ••• 123"
    assert mask_phone("+4915123456789") == "+49 1•• ••• •• 789"
    assert mask_phone("+6591234567").endswith("567") and "9123" not in mask_phone("+6591234567")
