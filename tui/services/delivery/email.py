"""Email over SMTP (stdlib smtplib, run in a thread): STARTTLS, implicit TLS,
or plain on loopback only; plain-text body with an HTML alternative."""

from __future__ import annotations

import asyncio
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from frontdesk.config import EmailSection
from frontdesk.domain.message import RenderedMessage
from frontdesk.services.delivery.errors import ChannelFailed


class EmailSender:
    channel = "email"

    def __init__(self, section: EmailSection) -> None:
        self.section = section

    @property
    def sender_address(self) -> str:
        return self.section.from_address

    def _connect(self) -> smtplib.SMTP:
        s = self.section
        context = ssl.create_default_context()
        if s.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
        smtp.ehlo()
        if s.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if s.username:
            smtp.login(s.username, self.section.secret() or "")
        return smtp

    def _send(self, to: str, message: RenderedMessage) -> str:
        mail = EmailMessage()
        mail["From"] = self.section.from_address
        mail["To"] = to
        mail["Subject"] = message.subject
        mail["Message-ID"] = make_msgid(domain=self.section.from_address.rpartition("@")[2] or None)
        mail.set_content(message.text)
        mail.add_alternative(message.html, subtype="html")
        try:
            with self._connect() as smtp:
                smtp.send_message(mail)
        except smtplib.SMTPAuthenticationError:
            raise ChannelFailed("The email server refused frontdesk's login; check [email] username and password.") from None
        except smtplib.SMTPRecipientsRefused:
            raise ChannelFailed("The email server refused the patient's address.") from None
        except (socket.timeout, TimeoutError):
            raise ChannelFailed("The email server did not answer in time.") from None
        except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            raise ChannelFailed(f"The email server did not take the message ({type(exc).__name__}).") from None
        return str(mail["Message-ID"])

    async def send_email(self, to: str, message: RenderedMessage) -> str:
        return await asyncio.to_thread(self._send, to, message)

    def check(self) -> str:
        """Connect, EHLO and log in without sending (``frontdesk doctor``)."""
        try:
            with self._connect() as smtp:
                smtp.noop()
        except smtplib.SMTPAuthenticationError:
            raise ChannelFailed("The email server refused the login (check username and password).", login=True) from None
        except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            raise ChannelFailed(f"Could not reach the email server {self.section.host}:{self.section.port} ({type(exc).__name__}).") from None
        how = {"starttls": "over STARTTLS", "tls": "over TLS", "none": "without encryption (loopback only)"}[
            self.section.security]
        login = " and logged in" if self.section.username else ""
        return f"Email server {self.section.host}:{self.section.port} answered {how}{login}."
