"""The message that carries a patient link: templates with named placeholders.

Placeholders: {first_name} (preferred first name), {date}, {time} (in the
patient's zone when Cliniko has one, else the clinic's, with the zone's
abbreviation), {practitioner}, {business}, {link}.
"""

from __future__ import annotations

import html
import string
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from frontdesk.cliniko.models import Business, Patient
from frontdesk.domain.clock import clock_time, long_date
from frontdesk.domain.timezones import business_zone, patient_zone
from frontdesk.safe_text import clean

PLACEHOLDERS = frozenset({"first_name", "date", "time", "practitioner", "business", "link"})

DEFAULT_SUBJECT = "Your Telehealth appointment on {date}"
DEFAULT_BODY = (
    "Hi {first_name},\n\n"
    "Your Telehealth appointment with {practitioner} ({business}) is on {date} at {time}.\n\n"
    "At that time, join the video call here:\n{link}\n\n"
    "This link is for you only: please do not share it.\n"
)
DEFAULT_SMS = "Hi {first_name}, your Telehealth appointment with {practitioner} is {date} at {time}. Join: {link}"


def check_template(text: str) -> str:
    """Raise ValueError naming any placeholder frontdesk does not fill."""
    for _, field, spec, conversion in string.Formatter().parse(text):
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            known = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
            raise ValueError(f"unknown placeholder {{{field}}}; use {known}")
    return text


@dataclass(frozen=True)
class MessageValues:
    first_name: str
    starts_at: datetime
    zone: ZoneInfo
    practitioner: str
    business: str

    def as_dict(self, link: str) -> dict[str, str]:
        local = self.starts_at.astimezone(self.zone)
        return {
            "first_name": self.first_name,
            "date": long_date(local.date()),
            "time": f"{clock_time(local)} {local.tzname() or ''}".strip(),
            "practitioner": self.practitioner,
            "business": self.business,
            "link": link,
        }


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


def render(subject: str, body: str, values: MessageValues, link: str) -> RenderedMessage:
    data = values.as_dict(link)
    text = check_template(body).format_map(data)
    safe = {k: html.escape(v) for k, v in data.items()}
    safe["link"] = f'<a href="{html.escape(link, quote=True)}">{html.escape(link)}</a>'
    paragraphs = check_template(body).format_map(safe).split("\n\n")
    html_body = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs if p.strip())
    return RenderedMessage(
        subject=check_template(subject).format_map(data),
        text=text,
        html=f"<!doctype html><html><body>{html_body}</body></html>",
    )


def message_values(fresh_patient: Patient, appt, practitioner: str, business: Business | None) -> MessageValues:
    """The message's values from Cliniko's fresh records: the patient's own
    zone when Cliniko has one (known here), else the clinic's."""
    zone = patient_zone(fresh_patient.time_zone) or business_zone(business)
    return MessageValues(
        first_name=clean(fresh_patient.preferred_first_name or fresh_patient.first_name or "there"),
        starts_at=appt.starts_at,
        zone=zone,
        practitioner=clean(practitioner),
        business=clean(business.name) if business else "the clinic",
    )
