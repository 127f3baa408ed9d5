"""Where a patient link can go: channels, recipients, masking.

Phone numbers are read with the ``phonenumbers`` library (Google's
libphonenumber data for every country), in the business's country unless
the number says otherwise; one it cannot read as a mobile is refused with
the reason, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from frontdesk.domain.terms import ours
from frontdesk.cliniko.models import Patient, PhoneNumber

Channel = Literal["email", "sms"]
CHANNEL_WORDS = {"email": "Email", "sms": "SMS"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Recipient:
    channel: Channel
    address: str  # email address or E.164 number

    def masked(self) -> str:
        return mask_email(self.address) if self.channel == "email" else mask_phone(self.address)


def _region(country_code: str | None) -> str | None:
    code = (country_code or "").strip().upper()
    return {"UK": "GB"}.get(code, code) or None


@lru_cache(maxsize=4096)
def read_mobile(normalized: str | None, raw: str | None, country_code: str | None) -> tuple[str | None, str | None]:
    """(E.164 number, None) or (None, why it cannot take an SMS). *raw* is
    the number as typed in Cliniko (national or +international), read in the
    business's country; Cliniko's ``normalized_number`` (digits with the
    country code) is the second try."""
    import phonenumbers  # ~20 ms to import: only when a number is first read

    region = _region(country_code)
    tries: list[tuple[str, str | None]] = []
    if raw and raw.strip():
        tries.append((raw.strip(), region))
    digits = re.sub(r"\D", "", normalized or "")
    if digits:
        tries += [("+" + digits, None), (digits, region)]
    if not tries:
        return None, "No mobile number on file"
    landline = False
    for text, where in tries:
        try:
            number = phonenumbers.parse(text, where)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(number):
            continue
        kind = phonenumbers.number_type(number)
        if kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None
        landline = True
    if landline:
        return None, "The mobile number on file is a landline: it cannot take an SMS"
    where = f" for {region}" if region else ""
    return None, f"The mobile number on file is not a valid phone number{where}"


def _mobile_number(mobile: PhoneNumber, country_code: str | None) -> tuple[str | None, str | None]:
    return read_mobile(mobile.normalized_number, mobile.number, country_code)


def recipient_for(patient: Patient, channel: Channel, country_code: str | None) -> Recipient | None:
    if channel == "email":
        email = (patient.email or "").strip()
        return Recipient("email", email) if _EMAIL.match(email) else None
    mobile = patient.mobile
    if mobile is None:
        return None
    number, _ = _mobile_number(mobile, country_code)
    return Recipient("sms", number) if number else None


def available_channels(patient: Patient, country_code: str | None) -> list[Channel]:
    return [c for c in ("email", "sms") if recipient_for(patient, c, country_code) is not None]


def default_channel(patient: Patient, channels: list[Channel]) -> Channel | None:
    """Follow the patient's ``reminder_type`` where it names an available channel."""
    if not channels:
        return None
    preference = (patient.reminder_type or "").lower()
    if preference == "sms" and "sms" in channels:
        return "sms"
    if preference in {"email", "sms & email"} and "email" in channels:
        return "email"
    return channels[0]


def _unreachable(patient: Patient, country_code: str | None) -> str:
    problems = []
    if patient.email:
        problems.append("The email address on file is not a valid address")
    mobile = patient.mobile
    if mobile is not None:
        problems.append(_mobile_number(mobile, country_code)[1] or "The mobile number on file cannot be used")
    return "; ".join(problems) or "No email address or mobile number on file"


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def mask_phone(number: str) -> str:
    """'+61412345123' → '+61 4•• ••• 123': country, first digit, last three."""
    import phonenumbers

    digits = number.lstrip("+")
    try:
        code = str(phonenumbers.parse(number, None).country_code)
    except phonenumbers.NumberParseException:
        code = ""
    if not code or len(digits) <= len(code) + 4:
        return "•" * max(0, len(digits) - 3) + digits[-3:]
    rest = digits[len(code):]
    middle = "•" * (len(rest) - 4)
    groups = [middle[i : i + 3] for i in range(2, len(middle), 3)]
    return " ".join([f"+{code}", rest[0] + middle[:2], *groups, rest[-3:]])


def reachable(patient: Patient | None, country_code: str | None, configured: list[Channel]) -> tuple[list[Channel], str | None]:
    """The channels that are set up *and* reach this patient, or why none do."""
    if patient is None:
        return [], ours("Patient details not loaded")
    if patient.archived_at is not None or patient.deleted_at is not None:
        return [], ours("Patient record archived")
    found = available_channels(patient, country_code)
    if not found:
        return [], _unreachable(patient, country_code)
    if not configured:
        return [], "Sending is not set up: add [email] or [sms] to the config"
    usable = [c for c in found if c in configured]
    if usable:
        return usable, None
    missing = " or ".join(CHANNEL_WORDS[c] for c in found)
    return [], ours(f"The patient can only be reached by {missing}, which is not set up")
