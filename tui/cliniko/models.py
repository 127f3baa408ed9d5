"""pydantic models of the Cliniko resources frontdesk reads.

Tolerant of real payloads: ids may arrive as ints, ``""`` means empty just as
null does, unknown fields are ignored, and relation links (``{"links":
{"self": url}}``) become ids. The Telehealth flag is deliberately strict: only
a JSON ``true`` or ``false`` counts; anything else reads as unknown (null),
which the rules treat as off.

Only the fields frontdesk reads are declared: a day of 5,000 appointments
keeps every record for as long as it is shown, so an unread field costs
memory and buys nothing.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Annotated, Any, ClassVar, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from frontdesk.cliniko.rfc3339 import parse_datetime


def _id(value: Any) -> Any:
    """An id as text, one shared copy per id: a day names each patient,
    practitioner and type hundreds of times."""
    if isinstance(value, bool):
        raise ValueError("an id cannot be a boolean")
    if isinstance(value, int):
        return sys.intern(str(value))
    return sys.intern(value) if isinstance(value, str) else value


def _empty_none(value: Any) -> Any:
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


def _utc(value: Any) -> Any:
    """An RFC 3339 date-time (see frontdesk.cliniko.rfc3339); "" is Cliniko's old
    way of writing null. A time without an offset is refused, not guessed."""
    value = _empty_none(value)
    if isinstance(value, str):
        return parse_datetime(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError("a time without an offset")
    return value


def _bool_or_none(value: Any) -> Any:
    """Only a real JSON boolean counts; anything else ("true", 1, "") is unknown."""
    return value if isinstance(value, bool) else None


def _id_list(value: Any) -> Any:
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


Id = Annotated[str, BeforeValidator(_id)]
OptStr = Annotated[str | None, BeforeValidator(_empty_none)]
OptTime = Annotated[datetime | None, BeforeValidator(_utc)]
Time = Annotated[datetime, BeforeValidator(_utc)]
Flag = Annotated[bool | None, BeforeValidator(_bool_or_none)]
IdList = Annotated[list[str], BeforeValidator(_id_list)]


def link_id(relation: Any) -> str | None:
    """``{"links": {"self": ".../patients/123"}}`` → ``"123"``."""
    if not isinstance(relation, dict):
        return None
    links = relation.get("links")
    url = links.get("self") if isinstance(links, dict) else None
    if not isinstance(url, str) or not url:
        return None
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return sys.intern(last) if last.isdigit() else None


#: one frozen copy of each distinct set of field names seen (see ClinikoModel)
_FIELD_NAME_SETS: dict[frozenset[str], frozenset[str]] = {}


class ClinikoModel(BaseModel):
    """Memory: pydantic gives every instance its own set of the field names the
    payload held, which for an appointment is larger than its values (2.2 kB
    against 0.8 kB). Payloads of one kind all hold the same names, so each
    instance keeps a shared frozen copy instead: the same names, one copy per
    payload shape. Copies get their own mutable set back, as pydantic expects."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    def model_post_init(self, context: Any, /) -> None:
        names = frozenset(self.__pydantic_fields_set__)
        object.__setattr__(self, "__pydantic_fields_set__", _FIELD_NAME_SETS.setdefault(names, names))

    def __copy__(self) -> Self:
        copied = super().__copy__()
        object.__setattr__(copied, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        copied = super().__deepcopy__(memo)
        object.__setattr__(copied, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        return copied

    #: relation field → id field, resolved before validation
    RELATIONS: ClassVar[dict[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _resolve_relations(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        relations = cls.RELATIONS
        if not relations:
            return data
        data = dict(data)
        for relation, target in relations.items():
            if target not in data and relation in data:
                data[target] = link_id(data[relation])
        return data


class Business(ClinikoModel):
    id: Id
    business_name: OptStr = None
    display_name: OptStr = None
    label: OptStr = None
    country: OptStr = None
    country_code: OptStr = None
    time_zone: OptStr = None
    time_zone_identifier: OptStr = None
    archived_at: OptTime = None
    deleted_at: OptTime = None

    @property
    def name(self) -> str:
        return self.display_name or self.business_name or self.label or f"Business {self.id}"


class Practitioner(ClinikoModel):
    id: Id
    title: OptStr = None
    first_name: OptStr = None
    last_name: OptStr = None
    display_name: OptStr = None
    label: OptStr = None
    designation: OptStr = None
    active: Flag = None

    @property
    def name(self) -> str:
        if self.display_name:
            return self.display_name
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return full or self.label or f"Practitioner {self.id}"


class AppointmentType(ClinikoModel):
    id: Id
    name: OptStr = None
    max_attendees: int | None = None
    telehealth_enabled: Flag = None
    archived_at: OptTime = None
    updated_at: OptTime = None

    @property
    def label(self) -> str:
        return self.name or f"Appointment type {self.id}"


class PhoneNumber(ClinikoModel):
    phone_type: OptStr = None
    number: OptStr = None
    normalized_number: OptStr = None


def _phones(value: Any) -> Any:
    if not isinstance(value, list):
        return []
    return [p for p in value if isinstance(p, dict)]


class Patient(ClinikoModel):
    id: Id
    title: OptStr = None
    first_name: OptStr = None
    last_name: OptStr = None
    preferred_first_name: OptStr = None
    label: OptStr = None
    email: OptStr = None
    patient_phone_numbers: Annotated[list[PhoneNumber], BeforeValidator(_phones)] = Field(
        default_factory=list
    )
    reminder_type: OptStr = None
    time_zone: OptStr = None
    #: YYYY-MM-DD, kept as text (the lookup shows it to tell namesakes apart)
    date_of_birth: OptStr = None
    archived_at: OptTime = None
    deleted_at: OptTime = None
    merged_at: OptTime = None

    @property
    def display_name(self) -> str:
        """Preferred first name first, then the last name."""
        first = self.preferred_first_name or self.first_name
        full = " ".join(p for p in (first, self.last_name) if p)
        return full or self.label or f"Patient {self.id}"

    @property
    def legal_name(self) -> str:
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return full or self.label or f"Patient {self.id}"

    @property
    def mobile(self) -> PhoneNumber | None:
        for phone in self.patient_phone_numbers:
            if (phone.phone_type or "").lower() == "mobile" and (phone.normalized_number or phone.number):
                return phone
        return None


class Attendee(ClinikoModel):
    RELATIONS: ClassVar[dict[str, str]] = {"booking": "booking_id", "patient": "patient_id"}

    id: Id
    booking_id: Annotated[str | None, BeforeValidator(_id)] = None
    patient_id: Annotated[str | None, BeforeValidator(_id)] = None
    telehealth_url: OptStr = None
    arrived: Flag = None
    cancelled_at: OptTime = None
    archived_at: OptTime = None
    deleted_at: OptTime = None
    cancellation_reason_description: OptStr = None
    email_reminder_sent: Flag = None
    sms_reminder_sent: Flag = None
    notes: OptStr = None
    updated_at: OptTime = None


class _Appointment(ClinikoModel):
    RELATIONS: ClassVar[dict[str, str]] = {
        "appointment_type": "appointment_type_id",
        "business": "business_id",
        "practitioner": "practitioner_id",
        "patient": "patient_id",
    }

    id: Id
    starts_at: Time
    ends_at: Time
    created_at: OptTime = None
    updated_at: OptTime = None
    archived_at: OptTime = None
    deleted_at: OptTime = None
    notes: OptStr = None
    telehealth_url: OptStr = None
    appointment_type_id: Annotated[str | None, BeforeValidator(_id)] = None
    business_id: Annotated[str | None, BeforeValidator(_id)] = None
    practitioner_id: Annotated[str | None, BeforeValidator(_id)] = None


class IndividualAppointment(_Appointment):
    patient_id: Annotated[str | None, BeforeValidator(_id)] = None
    patient_name: OptStr = None
    cancelled_at: OptTime = None
    cancellation_reason_description: OptStr = None
    did_not_arrive: Flag = None
    patient_arrived: Flag = None
    email_reminder_sent: Flag = None
    sms_reminder_sent: Flag = None


class GroupAppointment(_Appointment):
    max_attendees: int | None = None
    patient_ids: IdList = Field(default_factory=list)


class User(ClinikoModel):
    id: Id
    title: OptStr = None
    first_name: OptStr = None
    last_name: OptStr = None
    email: OptStr = None
    role: OptStr = None
    active: Flag = None
    time_zone: OptStr = None
    time_zone_identifier: OptStr = None

    @property
    def name(self) -> str:
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return full or self.email or f"User {self.id}"


def _dict_or_none(value: Any) -> Any:
    return value if isinstance(value, dict) else None


class AccountSettings(ClinikoModel):
    name: OptStr = None
    country: OptStr = None
    country_code: OptStr = None
    subdomain: OptStr = None


class Terminology(ClinikoModel):
    #: the clinic's word for the people it sees ("patient" or "client")
    patient: OptStr = None


class PublicSettings(ClinikoModel):
    """``GET /settings/public``: open to every role."""

    account: Annotated[AccountSettings | None, BeforeValidator(_dict_or_none)] = None
    terminology: Annotated[Terminology | None, BeforeValidator(_dict_or_none)] = None


class MemoCommunicationBody(ClinikoModel):
    """What frontdesk posts to ``/communications``: a memo records, never sends."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    patient_id: str
    category_code: int = 12
    type_code: int  # 1 SMS, 2 email, 3 phone, 4 other
    direction_code: int = 1  # sent
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    content: str
    confidential: bool | None = None

    def payload(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


class Communication(ClinikoModel):
    RELATIONS: ClassVar[dict[str, str]] = {"patient": "patient_id"}

    id: Id
    category_code: int | None = None
    type_code: int | None = None
    direction_code: int | None = None
    content: OptStr = None
    to: OptStr = None
    patient_id: Annotated[str | None, BeforeValidator(_id)] = None
    created_at: OptTime = None
