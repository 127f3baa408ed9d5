"""The guarded send: re-check with Cliniko, deliver, record.

Whatever the UI does, this service only accepts a :class:`PatientLink`,
re-reads the appointment, attendee, type, patient and business from Cliniko
(bypassing every cache) just before delivery, recomputes ``SendEligibility``
and fails closed. After delivery it posts a memo to Cliniko and appends to
the local audit log; a memo failure is recorded and shown, never retried by
sending again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tui.cliniko.client import ClinikoClient
from tui.cliniko.errors import ClinikoError, NotFoundError
from tui.cliniko.models import (
    AppointmentType,
    Attendee,
    Business,
    GroupAppointment,
    IndividualAppointment,
    MemoCommunicationBody,
    Patient,
    User,
)
from tui.domain.contact import CHANNEL_WORDS, Channel, Recipient, recipient_for
from tui.domain.eligibility import send_eligibility
from tui.domain.links import PatientLink
from tui.domain.message import MessageValues, RenderedMessage, render
from tui.domain.timezones import hhmm, zone_for
from tui.services.audit import AuditEntry, AuditLog
from tui.services.delivery.errors import AlreadySent, ChannelFailed, SendRefused


class EmailChannel(Protocol):
    sender_address: str

    async def send_email(self, to: str, message: RenderedMessage) -> str: ...


class SMSChannel(Protocol):
    sender_address: str

    async def send_sms(self, to: str, body: str) -> str: ...


@dataclass(frozen=True)
class Templates:
    email_subject: str
    email_body: str
    sms_body: str


@dataclass(frozen=True)
class SendOutcome:
    attendee_id: str
    channel: Channel
    recipient: str  # masked
    memo_id: str | None
    memo_error: str | None


@dataclass(frozen=True)
class Fresh:
    appointment: IndividualAppointment | GroupAppointment
    attendee: Attendee
    appointment_type: AppointmentType | None
    patient: Patient | None
    business: Business | None


def message_values(fresh_patient: Patient, appt, practitioner: str, business: Business | None) -> MessageValues:
    clinic_zone = business.zone() if business else zone_for(None)
    zone = zone_for(fresh_patient.time_zone, None, clinic_zone.key) if fresh_patient.time_zone else clinic_zone
    return MessageValues(
        first_name=fresh_patient.preferred_first_name or fresh_patient.first_name or "there",
        starts_at=appt.starts_at,
        zone=zone,
        practitioner=practitioner,
        business=business.name if business else "the clinic",
    )


class DeliveryService:
    def __init__(
        self,
        client: ClinikoClient,
        audit: AuditLog,
        *,
        email: EmailChannel | None,
        sms: SMSChannel | None,
        templates: Templates,
        clock: Callable[[], datetime],
        user: Callable[[], User | None],
    ) -> None:
        self.client = client
        self.audit = audit
        self.email = email
        self.sms = sms
        self.templates = templates
        self.clock = clock
        self.user = user
        self._in_flight: set[str] = set()

    def configured(self) -> list[Channel]:
        return [c for c, sender in (("email", self.email), ("sms", self.sms)) if sender is not None]

    def previous_send(self, link: PatientLink) -> AuditEntry | None:
        for entry in self.audit.entries(link.appointment_id):
            if (
                entry.action == "send"
                and entry.attendee_id == link.attendee_id
                and entry.link_fingerprint == link.fingerprint()
                and (entry.outcome or "").startswith("sent")
            ):
                return entry
        return None

    def compose(self, channel: Channel, values: MessageValues, link_text: str) -> RenderedMessage:
        if channel == "email":
            return render(self.templates.email_subject, self.templates.email_body, values, link_text)
        body = render("", self.templates.sms_body, values, link_text)
        return RenderedMessage(subject="", text=body.text, html="")

    async def _reread(self, link: PatientLink, kind: str) -> Fresh:
        path = "/individual_appointments" if kind == "individual" else "/group_appointments"
        model = IndividualAppointment if kind == "individual" else GroupAppointment
        try:
            appt_data, attendee_data = await asyncio.gather(
                self.client.get(f"{path}/{link.appointment_id}"),
                self.client.get(f"/attendees/{link.attendee_id}"),
            )
            appointment = model.model_validate(appt_data)
            attendee = Attendee.model_validate(attendee_data)

            async def maybe(path: str | None):
                return await self.client.get(path) if path else None

            type_data, patient_data, business_data = await asyncio.gather(
                maybe(f"/appointment_types/{appointment.appointment_type_id}" if appointment.appointment_type_id else None),
                maybe(f"/patients/{attendee.patient_id}" if attendee.patient_id else None),
                maybe(f"/businesses/{appointment.business_id}" if appointment.business_id else None),
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
            )
        except ValueError:
            raise SendRefused("Not sent: Cliniko's answer for this appointment could not be read.") from None

    async def send(
        self,
        link: PatientLink,
        channel: Channel,
        *,
        kind: str,
        practitioner: str,
        confirm_repeat: bool = False,
    ) -> SendOutcome:
        if not isinstance(link, PatientLink):
            raise TypeError("only a PatientLink can be sent to a patient")
        if channel not in ("email", "sms"):
            raise SendRefused(f"Not sent: unknown channel {channel!r}")
        sender = self.email if channel == "email" else self.sms
        if sender is None:
            raise SendRefused(f"Not sent: {CHANNEL_WORDS[channel]} delivery is not set up in the config.")
        if link.attendee_id in self._in_flight:
            raise SendRefused("A send to this patient is already in progress.")
        previous = self.previous_send(link)
        if previous is not None and not confirm_repeat:
            raise AlreadySent(previous.at.strftime("%d %b %H:%M UTC"), previous.user_name)
        self._in_flight.add(link.attendee_id)
        try:
            return await self._send(link, channel, sender, kind, practitioner)
        finally:
            self._in_flight.discard(link.attendee_id)

    async def _send(self, link: PatientLink, channel: Channel, sender, kind: str, practitioner: str) -> SendOutcome:
        fresh = await self._reread(link, kind)
        business = fresh.business
        zone = business.zone() if business else zone_for(None)
        decision = send_eligibility(
            appointment=fresh.appointment,
            appointment_type=fresh.appointment_type,
            attendee=fresh.attendee,
            patient=fresh.patient,
            now=self.clock(),
            zone=zone,
        )
        if not decision.allowed:
            raise SendRefused(f"Not sent: {decision.reason}")
        if fresh.attendee.telehealth_url != link.url:
            raise SendRefused("Not sent: the patient link changed in Cliniko; refresh and try again.")
        assert fresh.patient is not None  # send_eligibility refused otherwise
        recipient = recipient_for(fresh.patient, channel, business.country_code if business else None)
        if recipient is None:
            raise SendRefused(f"Not sent: the patient has no usable {'email address' if channel == 'email' else 'mobile number'}.")
        values = message_values(fresh.patient, fresh.appointment, practitioner, business)
        message = self.compose(channel, values, link.url)
        user = self.user()
        try:
            if channel == "email":
                await sender.send_email(recipient.address, message)
            else:
                await sender.send_sms(recipient.address, message.text)
        except ChannelFailed as exc:
            self._record(link, channel, recipient, "failed", None, exc.message, user)
            raise
        except Exception as exc:  # noqa: BLE001 - a channel bug must still be audited
            self._record(link, channel, recipient, "failed", None, type(exc).__name__, user)
            raise ChannelFailed(f"Delivery failed ({type(exc).__name__}).") from None
        memo_id, memo_error = await self._memo(fresh, channel, sender.sender_address, recipient, user, zone)
        outcome = "sent" if memo_error is None else "sent; memo failed"
        self._record(link, channel, recipient, outcome, memo_id, memo_error, user)
        return SendOutcome(link.attendee_id, channel, recipient.masked(), memo_id, memo_error)

    async def _memo(self, fresh: Fresh, channel: Channel, sender: str, recipient: Recipient, user, zone) -> tuple[str | None, str | None]:
        who = f"{user.name} ({user.role})" if user and user.role else (user.name if user else "a staff member")
        when = f"{hhmm(fresh.appointment.starts_at, zone)} {fresh.appointment.starts_at.astimezone(zone):%a %d %b %Y}"
        body = MemoCommunicationBody(
            patient_id=fresh.patient.id,
            type_code=2 if channel == "email" else 1,
            direction_code=1,
            from_=sender,
            to=recipient.address,
            content=(
                f"Telehealth link for the appointment at {when} sent to the patient by "
                f"{CHANNEL_WORDS[channel].lower()} by {who} through frontdesk. "
                "The link itself is not recorded here."
            ),
        )
        try:
            created = await self.client.post("/communications", body.payload())
        except ClinikoError as exc:
            return None, f"Sent, but Cliniko did not record the memo: {exc.message}"
        return str(created.get("id") or "") or None, None

    def _record(self, link: PatientLink, channel: Channel, recipient: Recipient, outcome: str, memo_id, detail, user) -> None:
        self.audit.record(
            "send",
            user_id=user.id if user else None,
            user_name=user.name if user else None,
            appointment_id=link.appointment_id,
            attendee_id=link.attendee_id,
            link_role="patient",
            link_fingerprint=link.fingerprint(),
            channel=channel,
            recipient=recipient.masked(),
            outcome=outcome,
            memo_id=memo_id,
            detail=detail,
        )

