"""The delivery service's fresh re-read of one send's records from Cliniko."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from frontdesk.cliniko.client import ClinikoClient
from frontdesk.cliniko.errors import ClinikoError, NotFoundError
from frontdesk.cliniko.filters import Q
from frontdesk.cliniko.models import AppointmentType, Attendee, Business, GroupAppointment, IndividualAppointment, Patient
from frontdesk.domain.links import PatientLink
from frontdesk.services.delivery.errors import SendRefused
from frontdesk.services.team_log import TeamSend, latest_for, team_sends


@dataclass(frozen=True)
class Fresh:
    appointment: IndividualAppointment | GroupAppointment
    attendee: Attendee
    appointment_type: AppointmentType | None
    patient: Patient | None
    business: Business | None
    team: TeamSend | None


#: the by-id filters that bring back what each endpoint hides by default
SHOW_HIDDEN = {
    "individual_appointments": ("cancelled_at", "archived_at", "deleted_at"),
    "group_appointments": ("archived_at", "deleted_at"),
    "attendees": ("cancelled_at", "archived_at", "deleted_at"),
    "appointment_types": ("archived_at",),
    "patients": ("archived_at",),
    "businesses": ("archived_at", "deleted_at"),
}


async def _get(client: ClinikoClient, resource: str, rid: str) -> dict[str, Any]:
    q = Q()
    for field in SHOW_HIDDEN[resource]:
        q.including_hidden(field)
    return await client.get(f"/{resource}/{rid}", q.params())


async def reread(client: ClinikoClient, link: PatientLink, kind: str, since: Callable[[datetime | None], datetime],
                 desk: str | None) -> Fresh:
    """The appointment, attendee, type, patient and business as Cliniko has
    them now (every cache bypassed, hidden rows included so a refusal names
    the real reason), with the patient's memos since *since* (creation
    time); any trouble reading them is a :class:`SendRefused`."""
    resource = "individual_appointments" if kind == "individual" else "group_appointments"
    model = IndividualAppointment if kind == "individual" else GroupAppointment
    try:
        appt_data, attendee_data = await asyncio.gather(
            _get(client, resource, link.appointment_id),
            _get(client, "attendees", link.attendee_id),
        )
        appointment = model.model_validate(appt_data)
        attendee = Attendee.model_validate(attendee_data)

        async def maybe(resource: str, rid: str | None):
            return await _get(client, resource, rid) if rid else None

        async def memos() -> list[TeamSend] | None:
            if not attendee.patient_id:
                return None
            try:
                return await team_sends(client, [attendee.patient_id], since(appointment.created_at),
                                      desk)
            except ClinikoError:
                return None  # the confirmation already said whether the log could be read

        type_data, patient_data, business_data, sends = await asyncio.gather(
            maybe("appointment_types", appointment.appointment_type_id),
            maybe("patients", attendee.patient_id),
            maybe("businesses", appointment.business_id),
            memos(),
        )
    except NotFoundError as exc:
        raise SendRefused(f"Not sent: {exc.message}") from None
    except ClinikoError as exc:
        raise SendRefused(f"Not sent: could not re-check the appointment with Cliniko ({exc.message})") from None
    except ValueError:
        raise SendRefused("Not sent: Cliniko's answer for this appointment could not be read.") from None
    try:
        return Fresh(
            appointment=appointment,
            attendee=attendee,
            appointment_type=AppointmentType.model_validate(type_data) if type_data else None,
            patient=Patient.model_validate(patient_data) if patient_data else None,
            business=Business.model_validate(business_data) if business_data else None,
            team=latest_for(sends or [], link.appointment_id, link.attendee_id),
        )
    except ValueError:
        raise SendRefused("Not sent: Cliniko's answer for this appointment could not be read.") from None

