"""Checking a configuration, one sentence per finding: the key and its
shard, the contact email, the address, ``GET /user``, and the delivery
channels (an SMTP login without sending; the SMS credentials' format).
``frontdesk doctor`` prints it; the set-up screen shows it before saving."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from frontdesk.cliniko.client import ClinikoClient, user_agent
from frontdesk.cliniko.errors import ClinikoError
from frontdesk.cliniko.shard import is_loopback_host, parse_key, resolve_base_url
from frontdesk.config import Config
from frontdesk.redact import key_hint, scrub
from frontdesk.services.delivery.email import EmailSender
from frontdesk.services.delivery.errors import ChannelFailed
from frontdesk.services.delivery.sms import TwilioSender


CONTACT_HINT = "Required: Cliniko blocks API clients that give no contact email. Type the clinic's IT or admin email."


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    failed: bool = False
    #: the first failure's sentence (what the set-up screen shows)
    problem: str | None = None
    #: which setting each failure is about ("key", "contact", "address", "email",
    #: "email-login", "sms"), and what to do there, for the set-up screen
    fields: dict[str, str] = field(default_factory=dict)
    #: who the key signs in as, its shard and its hint (for the set-up screen)
    signed_in: str | None = None
    #: what each delivery channel said
    channels: list[str] = field(default_factory=list)

    def ok(self, text: str) -> None:
        self.lines.append(f"[ok]   {text}")

    def warn(self, text: str) -> None:
        self.lines.append(f"[warn] {text}")

    def fail(self, text: str, where: str | None = None, hint: str | None = None) -> None:
        self.lines.append(f"[FAIL] {text}")
        self.failed = True
        self.problem = self.problem or text
        if where is not None:
            self.fields.setdefault(where, hint or text)


async def check_settings(config: Config, report: Report | None = None, *,
                         client: ClinikoClient | None = None) -> Report:
    report = report or Report()
    key = config.cliniko.key()
    if not key:
        report.fail("No API key: set CLINIKO_API_KEY or api_key under [cliniko] in the config file.", "key",
                    "Paste your Cliniko API key here (Cliniko: My info → Manage API keys).")
        return report
    step = "key"
    try:
        info = parse_key(key)
        report.ok(f"API key {key_hint(key)} for shard {info.shard}" + ("" if info.suffixed else " (no suffix: au1)."))
        step = "contact"
        user_agent(config.cliniko.contact_email)
        report.ok(f"Contact email {config.cliniko.contact_email} (sent in the User-Agent).")
        step = "address"
        base = resolve_base_url(key, config.cliniko.base_url)
    except ClinikoError as exc:
        hint = CONTACT_HINT if step == "contact" and not (config.cliniko.contact_email or "").strip() else None
        report.fail(str(exc), step, hint)
        return report
    parts = urlsplit(base)
    if parts.scheme == "https":
        report.ok(f"Cliniko at {parts.hostname} over HTTPS with certificate checks.")
    elif is_loopback_host(parts.hostname):
        report.ok(f"Cliniko sandbox on this machine ({parts.hostname}:{parts.port}), no TLS needed.")
    own = client is None
    try:
        client = client or ClinikoClient(key, config.cliniko.contact_email, base_url=config.cliniko.base_url, retries=1)
        user = await client.current_user()
        report.ok(f"Signed in as {user.name} ({user.role or 'unknown role'}).")
        report.signed_in = f"Signed in as {user.name} ({user.role or 'unknown role'}), shard {info.shard}, key {key_hint(key)}."
    except ClinikoError as exc:
        where = "key" if exc.kind == "authentication" else "address"
        report.fail(scrub(str(exc), key), where)
        return report
    finally:
        if own and client is not None:
            await client.aclose()
    await check_channels(config, report)
    return report


async def check_channels(config: Config, report: Report) -> None:
    """SMTP: connect, EHLO and log in without sending. SMS: credential format."""
    if config.email is None and config.sms is None:
        report.warn("No delivery channel is set up ([email] or [sms]): patient links can be copied, not sent.")
        return
    if config.email is not None:
        try:
            report.channels.append(await asyncio.to_thread(EmailSender(config.email).check))
            report.ok(report.channels[-1])
        except ChannelFailed as exc:
            report.fail(scrub(exc.message, config.email.secret()), "email-login" if exc.login else "email")
    if config.sms is not None:
        try:
            report.channels.append(TwilioSender(config.sms).check())
            report.ok(report.channels[-1])
        except ChannelFailed as exc:
            report.fail(scrub(exc.message, config.sms.secret()), "sms")
