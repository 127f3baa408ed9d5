"""Where a patient link can go: channels, recipients in E.164, masking."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tui.cliniko.models import Patient

Channel = Literal["email", "sms"]
CHANNEL_WORDS = {"email": "Email", "sms": "SMS"}
# calling codes for the countries Cliniko serves most
CALLING_CODES = {"AU": "61", "NZ": "64", "GB": "44", "UK": "44", "IE": "353", "US": "1", "CA": "1", "ZA": "27", "SG": "65"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Recipient:
    channel: Channel
    address: str  # email address or E.164 number

    def masked(self) -> str:
        return mask_email(self.address) if self.channel == "email" else mask_phone(self.address)


def e164(normalized: str | None, raw: str | None, country_code: str | None) -> str | None:
    """Cliniko's ``normalized_number`` (digits) as E.164, using the business's country."""
    digits = re.sub(r"\D", "", normalized or raw or "")
    if len(digits) < 6:
        return None
    code = CALLING_CODES.get((country_code or "").upper())
    if (raw or "").strip().startswith("+"):
        return "+" + digits
    if digits.startswith("0"):
        return f"+{code}{digits.lstrip('0')}" if code else None
    if code and digits.startswith(code):
        return "+" + digits
    if code:
        return f"+{code}{digits}"
    return None


def recipient_for(patient: Patient, channel: Channel, country_code: str | None) -> Recipient | None:
    if channel == "email":
        email = (patient.email or "").strip()
        return Recipient("email", email) if _EMAIL.match(email) else None
    mobile = patient.mobile
    if mobile is None:
        return None
    number = e164(mobile.normalized_number, mobile.number, country_code)
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


def no_channel_reason(patient: Patient | None, country_code: str | None) -> str | None:
    if patient is None:
        return "Patient details not loaded"
    if available_channels(patient, country_code):
        return None
    if patient.email or patient.mobile:
        return "The patient's email address or mobile number cannot be used"
    return "No email address or mobile number on file"


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def mask_phone(number: str) -> str:
    """'+61412345123' → '+61 4•• ••• 123': country, first digit, last three."""
    digits = number.lstrip("+")
    codes = sorted(set(CALLING_CODES.values()), key=len, reverse=True)
    code = next((c for c in codes if digits.startswith(c) and len(digits) > len(c) + 4), None)
    if code is None:
        return "•" * max(0, len(digits) - 3) + digits[-3:]
    rest = digits[len(code):]
    middle = "•" * (len(rest) - 4)
    groups = [middle[i : i + 3] for i in range(2, len(middle), 3)]
    return " ".join([f"+{code}", rest[0] + middle[:2], *groups, rest[-3:]])


def usable_channels(patient: Patient | None, country_code: str | None, configured: list[Channel]) -> tuple[list[Channel], str | None]:
    """Channels that are both set up and reachable for this patient, or why none are."""
    if not configured:
        return [], "Sending is not set up: add [email] or [sms] to the config"
    reason = no_channel_reason(patient, country_code)
    if reason:
        return [], reason
    assert patient is not None
    reachable = available_channels(patient, country_code)
    usable = [c for c in reachable if c in configured]
    if usable:
        return usable, None
    missing = " or ".join(CHANNEL_WORDS[c] for c in reachable)
    return [], f"The patient can only be reached by {missing}, which is not set up"
