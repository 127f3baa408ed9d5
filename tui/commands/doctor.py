"""``frontdesk doctor``: check the set-up, one specific message per failure."""

from __future__ import annotations

import asyncio
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tui.cliniko.client import ClinikoClient, user_agent
from tui.cliniko.errors import ClinikoError
from tui.cliniko.shard import is_loopback_host, parse_key, resolve_base_url
from tui.config import Config
from tui.redact import key_hint, scrub


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    failed: bool = False

    def ok(self, text: str) -> None:
        self.lines.append(f"[ok]   {text}")

    def warn(self, text: str) -> None:
        self.lines.append(f"[warn] {text}")

    def fail(self, text: str) -> None:
        self.lines.append(f"[FAIL] {text}")
        self.failed = True


def check_file_mode(path: Path, report: Report) -> None:
    if not path.exists():
        report.warn(f"No config file at {path} (environment variables only).")
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        report.warn(f"{path} is readable by other users (mode {mode:o}); run: chmod 600 {path}")
    else:
        report.ok(f"Config file {path} (mode {mode:o}).")


async def run_doctor(config: Config, config_file: Path | None, *, client: ClinikoClient | None = None) -> Report:
    report = Report()
    if config_file is not None:
        check_file_mode(config_file, report)
    key = config.cliniko.key()
    if not key:
        report.fail("No API key: set CLINIKO_API_KEY or api_key under [cliniko] in the config file.")
        return report
    try:
        info = parse_key(key)
        report.ok(f"API key {key_hint(key)} for shard {info.shard}" + ("" if info.suffixed else " (no suffix: au1)."))
    except ClinikoError as exc:
        report.fail(str(exc))
        return report
    try:
        user_agent(config.cliniko.contact_email)
        report.ok(f"Contact email {config.cliniko.contact_email} (sent in the User-Agent).")
    except ClinikoError as exc:
        report.fail(str(exc))
        return report
    try:
        base = resolve_base_url(key, config.cliniko.base_url)
    except ClinikoError as exc:
        report.fail(str(exc))
        return report
    parts = urlsplit(base)
    if parts.scheme == "https":
        report.ok(f"Cliniko at {parts.hostname} over HTTPS with certificate checks.")
    elif is_loopback_host(parts.hostname):
        report.ok(f"Cliniko sandbox on this machine ({parts.hostname}:{parts.port}), no TLS needed.")
    own_client = client is None
    try:
        client = client or ClinikoClient(
            key, config.cliniko.contact_email, base_url=config.cliniko.base_url, retries=1
        )
        user = await client.current_user()
        report.ok(f"Signed in as {user.name} ({user.role or 'unknown role'}).")
    except ClinikoError as exc:
        report.fail(scrub(str(exc), key))
    finally:
        if own_client and client is not None:
            await client.aclose()
    await check_channels(config, report)
    return report


async def check_channels(config: Config, report: Report) -> None:
    """SMTP: connect, EHLO and log in without sending. SMS: credential format."""
    from tui.services.delivery.email import EmailSender
    from tui.services.delivery.errors import ChannelFailed
    from tui.services.delivery.sms import TwilioSender

    if config.email is None and config.sms is None:
        report.warn("No delivery channel is set up ([email] or [sms]): patient links can be copied, not sent.")
        return
    if config.email is not None:
        try:
            report.ok(await asyncio.to_thread(EmailSender(config.email).check))
        except ChannelFailed as exc:
            report.fail(scrub(exc.message, config.email.secret()))
    if config.sms is not None:
        try:
            report.ok(TwilioSender(config.sms).check())
        except ChannelFailed as exc:
            report.fail(scrub(exc.message, config.sms.secret()))
