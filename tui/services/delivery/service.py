"""The guarded send: claim, re-check with Cliniko, deliver, record.

Whatever the UI does, this service only accepts a :class:`PatientLink` on
the account's own Cliniko host. It takes the one claim to send that
attendee's link (atomic across windows sharing the audit log), re-reads the
appointment, attendee, type, patient and business from Cliniko (bypassing
every cache, asking for cancelled and archived rows so each refusal names
the real reason) together with the patient's recent memos (a colleague's
send from another desk), recomputes ``SendEligibility`` and fails closed.
After delivery it posts a memo to Cliniko, with a machine-readable marker
(naming this desk) and never the link, and records the outcome in the local
audit log; a memo failure is recorded and shown, never retried by sending
again. The audit log holds the send's intent from the claim on, and says
"delivering" before the channel is contacted, so a send cut off half-way
(SIGHUP, SIGKILL) is later shown as interrupted, never as not sent.
"""

from __future__ import annotations

import asyncio
from functools import partial
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Protocol

from frontdesk.cliniko.client import ClinikoClient
from frontdesk.cliniko.errors import ClinikoError
from frontdesk.cliniko.models import (
    Business,
    GroupAppointment,
    IndividualAppointment,
    MemoCommunicationBody,
    Patient,
    User,
)
from frontdesk.domain.clock import date_and_time, full_date
from frontdesk.domain.contact import CHANNEL_WORDS, Channel, Recipient, recipient_for
from frontdesk.domain.eligibility import SendEligibility, decide
from frontdesk.domain.links import NOT_A_PATIENT_LINK, AccountHosts, PatientLink
from frontdesk.domain.message import MessageValues, RenderedMessage, message_values, render
from frontdesk.domain.sent_for import SentFor, moved_since
from frontdesk.domain.timezones import business_zone, hhmm
from frontdesk.domain.wording import person_name
from frontdesk.safe_text import clean
from frontdesk.services.account import AccountInfo
from frontdesk.services.audit import (
    AuditEntry,
    AuditLog,
    AuditUnavailable,
    SendClaim,
    SendInProgress,
)
from frontdesk.services.delivery.errors import AlreadySent, ChannelFailed, SendRefused
from frontdesk.services.delivery.answers import PreviousSends, SendOutcome
from frontdesk.services.delivery.reread import Fresh, reread
from frontdesk.services.shared_claims import SharedClaimHeld, SharedClaims, SharedClaimsUnavailable
from frontdesk.services.team_log import LOOKBACK, TeamSend, latest_for, marker, patient_log


def in_progress(since: str) -> str:
    return (f"Not sent: this patient link is being sent right now from another frontdesk window "
            f"(since {since}); its outcome will show when it ends.")


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


def _for_this_time(sent_for: str | SentFor | None, fresh: Fresh) -> bool:
    """An earlier send was for the appointment as Cliniko has it now (or it
    is not known what it was for: then it counts, failing closed)."""
    known = SentFor.read(sent_for) if isinstance(sent_for, str) else sent_for
    return moved_since(known, fresh.appointment, timezone.utc, "", "") is None


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
        account: AccountInfo | None = None,
        desk: str | None = None,
        shared: SharedClaims | None = None,
    ) -> None:
        self.client = client
        #: the clinic server's claims, shared by every desk ([audit] shared_dir)
        self.shared = shared
        #: this desk's id, named in memos (see frontdesk.services.desk)
        self.desk = desk
        #: the claims of sends under way in this process, for a clean stop
        self._under_way: dict[str, SendClaim] = {}
        self.audit = audit
        self.account = account or AccountInfo(client)
        self.email = email
        self.sms = sms
        self.templates = templates
        self.clock = clock
        self.user = user

    def configured(self) -> list[Channel]:
        return [c for c, sender in (("email", self.email), ("sms", self.sms)) if sender is not None]

    def previous_send(self, link: PatientLink) -> AuditEntry | None:
        """This desk's last send of *link* (raises AuditUnavailable)."""
        return self.audit.last_send(link.appointment_id, link.attendee_id, link.fingerprint())

    async def previous_sends(self, link: PatientLink, patient_id: str | None, created_at: datetime | None) -> PreviousSends:
        """This desk's log and Cliniko's memos, for the confirmation: a log
        that cannot be read is said, never a reason not to ask."""
        local, audit_error = None, None
        try:
            local = await asyncio.to_thread(self.previous_send, link)
        except AuditUnavailable as exc:
            audit_error = exc.message
        team, log_error, cliniko = None, None, ()
        if patient_id:
            try:
                found = await patient_log(self.client, [patient_id], self._since(created_at), self.desk)
                team = latest_for(found.sends, link.appointment_id, link.attendee_id)
                cliniko = tuple(found.messages)
            except ClinikoError as exc:
                log_error = f"Cliniko's communications log could not be read ({exc.message})"
        if team is not None and await asyncio.to_thread(self._ours, team, link):
            team = None  # this desk's own memo: the local entry says it better
        return PreviousSends(local, team, log_error, audit_error, cliniko)

    def _ours(self, team: TeamSend, link: PatientLink) -> bool:
        """This desk's own memo, when this desk's log also has the send (it
        then says it better); a memo whose send this log lost still shows,
        as this desk's."""
        if team.this_desk is not True:
            return False
        try:
            return any(e.memo_id == team.memo_id for e in self.audit.entries(link.appointment_id))
        except AuditUnavailable:
            return False

    def _since(self, created_at: datetime | None) -> datetime:
        return created_at if created_at is not None else self.clock() - LOOKBACK

    def preview(self, channel: Channel, patient: Patient, appointment: IndividualAppointment | GroupAppointment,
                practitioner: str, business: Business | None, masked_link: str, *, private: bool = False) -> str:
        """The message as it would go, with the link masked (for the
        confirmation); *private*: the patient named as the screen names them."""
        values = message_values(patient, appointment, practitioner, business)
        values = replace(values, first_name=person_name(values.first_name, private=private))
        rendered = self.compose(channel, values, masked_link)
        return (f"Subject: {rendered.subject}\n\n" if rendered.subject else "") + rendered.text

    def compose(self, channel: Channel, values: MessageValues, link_text: str) -> RenderedMessage:
        if channel == "email":
            return render(self.templates.email_subject, self.templates.email_body, values, link_text)
        body = render("", self.templates.sms_body, values, link_text)
        return RenderedMessage(subject="", text=body.text, html="")

    async def _reread(self, link: PatientLink, kind: str) -> Fresh:
        return await reread(self.client, link, kind, self._since, self.desk)

    async def send(
        self,
        link: PatientLink,
        channel: Channel,
        *,
        kind: str,
        practitioner: str,
        confirm_repeat: bool = False,
        again_if_moved: bool = False,
    ) -> SendOutcome:
        """*again_if_moved*: an earlier send counts only if it was for the
        appointment as it is now (its start, type and practitioner, checked
        on the fresh re-read); one for the appointment as it was is sent
        again without asking (the sweep's repeat of a moved appointment)."""
        if not isinstance(link, PatientLink):
            raise TypeError("only a PatientLink can be sent to a patient")
        if channel not in ("email", "sms"):
            raise SendRefused(f"Not sent: unknown channel {channel!r}")
        sender = self.email if channel == "email" else self.sms
        if sender is None:
            raise SendRefused(f"Not sent: {CHANNEL_WORDS[channel]} delivery is not set up in the config.")
        hosts = (await self.account.get()).hosts
        if not hosts.allows(link.host):
            raise SendRefused(NOT_A_PATIENT_LINK)
        user = self.user()
        try:
            # the audit log is SQLite: written in a thread, never on the UI loop (a log
            # another process holds would otherwise freeze the console for its busy timeout)
            claim = await asyncio.to_thread(partial(
                self.audit.claim_send, link.appointment_id, link.attendee_id, link.fingerprint(),
                repeat_ok=confirm_repeat or again_if_moved, channel=channel,
                user_id=user.id if user else None, user_name=user.name if user else None))
        except SendInProgress as exc:
            raise SendRefused(in_progress(self._when(exc.since))) from None
        except AuditUnavailable as exc:
            raise SendRefused(f"Not sent: {exc.message}") from None
        if claim.previous is not None and not confirm_repeat and not again_if_moved:
            raise AlreadySent(self._when(claim.previous.at), claim.previous.user_name,
                              interrupted=claim.previous.unfinished)
        self._under_way[claim.attendee_id] = claim
        shared = False
        try:
            shared = await self._claim_shared(claim, user)
            return await self._send(link, channel, sender, kind, practitioner, hosts, claim, confirm_repeat,
                                    again_if_moved)
        except BaseException as exc:
            why = ("frontdesk was closed while the message was being delivered" if not isinstance(exc, Exception)
                   else f"the send stopped on an unexpected error ({type(exc).__name__}) during delivery")
            self._release(claim, why)  # a refusal before delivery leaves no trace
            raise
        finally:
            self._under_way.pop(claim.attendee_id, None)
            if shared:
                await asyncio.to_thread(self.shared.release, claim.attendee_id, claim.owner)

    async def _claim_shared(self, claim: SendClaim, user: User | None) -> bool:
        """The clinic server's claim too, when desks share one (before the
        re-read, so a desk that comes later finds this one's memo)."""
        if self.shared is None:
            return False
        try:
            await asyncio.to_thread(self.shared.claim, claim.attendee_id, claim.owner, user.name if user else None)
        except SharedClaimHeld as exc:
            raise SendRefused(f"Not sent: this patient link is being sent right now from another desk "
                              f"({exc.who or 'a colleague'}, since {self._when(exc.since)}); its memo will "
                              "show when it ends.") from None
        except SharedClaimsUnavailable as exc:
            raise SendRefused(f"Not sent: {exc}.") from None
        return True

    def stop(self, why: str) -> None:
        """The window is closing (SIGHUP, SIGTERM): give up every send still
        under way, now. One whose message had not yet gone leaves no trace;
        one being delivered is recorded as interrupted (*why*), so every
        screen says it may have reached the patient."""
        claims = list(self._under_way.values())
        self._under_way.clear()
        for claim in claims:
            self._release(claim, why)

    def decision(self, fresh: Fresh, hosts: AccountHosts) -> SendEligibility:
        """The rule on what was just re-read, with the inputs the screens use
        (:func:`decide`: the location's country, the channels set up)."""
        return decide(appointment=fresh.appointment, appointment_type=fresh.appointment_type,
                      attendee=fresh.attendee, patient=fresh.patient, business=fresh.business,
                      now=self.clock(), hosts=hosts, configured=self.configured())

    async def fresh_decision(self, link: PatientLink, kind: str) -> SendEligibility:
        """What a send of *link* would decide now, fresh from Cliniko
        (raises SendRefused when the records cannot be read)."""
        return self.decision(await self._reread(link, kind), (await self.account.get()).hosts)

    def _release(self, claim: SendClaim, why: str | None = None) -> None:
        try:
            self.audit.release(claim, why=why)
        except AuditUnavailable:
            pass  # a claim left behind is released once its window is gone

    def _when(self, moment: datetime) -> str:
        return f"{date_and_time(moment.astimezone(timezone.utc))} UTC"

    async def _send(self, link: PatientLink, channel: Channel, sender, kind: str, practitioner: str,
                    hosts, claim: SendClaim, confirm_repeat: bool, again_if_moved: bool = False) -> SendOutcome:
        fresh = await self._reread(link, kind)
        previous = claim.previous
        if previous is not None and not confirm_repeat and _for_this_time(previous.sent_for, fresh):
            raise AlreadySent(self._when(previous.at), previous.user_name, interrupted=previous.unfinished)
        if fresh.team is not None and not confirm_repeat and (
                not again_if_moved or _for_this_time(fresh.team.sent_for, fresh)):
            raise AlreadySent(self._when(fresh.team.at), fresh.team.by, where=fresh.team.where)
        business = fresh.business
        zone = business_zone(business)
        decision = self.decision(fresh, hosts)
        if not decision.allowed:
            raise SendRefused(f"Not sent: {decision.reason}")
        if fresh.attendee.telehealth_url != link.url:
            raise SendRefused("Not sent: the patient link changed in Cliniko; refresh and try again.")
        assert fresh.patient is not None  # decide() refused otherwise
        recipient = recipient_for(fresh.patient, channel, business.country_code if business else None) \
            if channel in decision.channels else None
        if recipient is None:
            raise SendRefused(f"Not sent: the patient has no usable {'email address' if channel == 'email' else 'mobile number'}.")
        values = message_values(fresh.patient, fresh.appointment, practitioner, business)
        message = self.compose(channel, values, link.url)
        user = self.user()
        try:
            await asyncio.to_thread(self.audit.delivering, claim, recipient.masked(), clean(fresh.patient.display_name))
        except AuditUnavailable as exc:
            raise SendRefused(f"Not sent: this desk's audit log could not record the send first. {exc.message}") from None
        try:
            if channel == "email":
                await sender.send_email(recipient.address, message)
            else:
                await sender.send_sms(recipient.address, message.text)
        except ChannelFailed as exc:
            await asyncio.to_thread(self._record_failure, link, channel, recipient, exc.message, user, claim,
                                    fresh.patient)
            raise
        except Exception as exc:  # noqa: BLE001 - a channel bug must still be audited
            await asyncio.to_thread(self._record_failure, link, channel, recipient, type(exc).__name__, user, claim,
                                    fresh.patient)
            raise ChannelFailed(f"Delivery failed ({type(exc).__name__}).") from None
        memo_id, memo_error = await self._memo(fresh, link, channel, sender.sender_address, recipient, user, zone)
        outcome = "sent" if memo_error is None else "sent; memo failed"
        try:
            await asyncio.to_thread(self._record, link, channel, recipient, outcome, memo_id, memo_error, user, claim,
                                    fresh.patient, SentFor.of(fresh.appointment).text())
        except AuditUnavailable as exc:
            memo_error = (f"{memo_error + ' ' if memo_error else ''}Sent, but this desk's audit log could not record "
                          f"it yet: {exc.message} It is kept and recorded as soon as the log can be written.")
        return SendOutcome(link.attendee_id, channel, recipient.masked(), memo_id, memo_error)

    async def _memo(self, fresh: Fresh, link: PatientLink, channel: Channel, sender: str, recipient: Recipient,
                    user, zone) -> tuple[str | None, str | None]:
        name = user.name if user else "a staff member"
        who = f"{name} ({user.role})" if user and user.role else name
        when = f"{hhmm(fresh.appointment.starts_at, zone)} {full_date(fresh.appointment.starts_at.astimezone(zone).date())}"
        body = MemoCommunicationBody(
            patient_id=fresh.patient.id,
            type_code=2 if channel == "email" else 1,
            direction_code=1,
            from_=sender,
            to=recipient.address,
            content=(
                f"Telehealth link for the appointment at {when} sent to the patient by "
                f"{CHANNEL_WORDS[channel].lower()} by {who} through frontdesk. "
                "The link itself is not recorded here.\n"
                + marker(link.appointment_id, link.attendee_id, channel, name, self.desk,
                         SentFor.of(fresh.appointment))
            ),
        )
        try:
            created = await self.client.post("/communications", body.payload())
        except ClinikoError as exc:
            return None, f"Sent, but Cliniko did not record the memo: {exc.message}"
        return str(created.get("id") or "") or None, None

    def _record_failure(self, link: PatientLink, channel: Channel, recipient: Recipient, detail: str, user,
                        claim: SendClaim, patient: Patient) -> None:
        try:
            self._record(link, channel, recipient, "failed", None, detail, user, claim, patient)
        except AuditUnavailable:
            pass  # nothing was sent; the failure itself is what staff see

    def _record(self, link: PatientLink, channel: Channel, recipient: Recipient, outcome: str, memo_id, detail,
                user, claim: SendClaim, patient: Patient, sent_for: str | None = None) -> None:
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
            patient_name=clean(patient.display_name),
            patient_id=patient.id,
            sent_for=sent_for,
            claim=claim,
        )
