"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives:
the demo's email "outbox", and the test suite's mail catcher."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class ReceivedMail:
    envelope_from: str
    recipients: list[str]
    message: EmailMessage
    at: datetime

    def body(self, subtype: str) -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        return part.get_content() if part is not None else ""


class _Catcher:
    def __init__(self, server: "MailCatcher") -> None:
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.server.refuse:
            return "550 5.1.1 Recipient refused"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.server.lock:
            self.server.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message,
                                                     self.server.clock()))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailCatcher:
    """``with MailCatcher() as smtp: smtp.port``; optional login check."""

    def __init__(self, *, username: str | None = None, password: str | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.received: list[ReceivedMail] = []
        self.clock = clock  # the demo's clock, so its outbox times agree with the screen
        self.refuse: set[str] = set()
        self.lock = threading.Lock()
        self.port = _free_port()
        auth = {}
        if username is not None:
            def authenticator(server, session, envelope, mechanism, auth_data):
                ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == username \
                    and auth_data.password.decode() == (password or "")
                return AuthResult(success=ok, handled=False)

            auth = {"authenticator": authenticator, "auth_require_tls": False}
        self._controller = Controller(_Catcher(self), hostname="127.0.0.1", port=self.port, **auth)

    def start(self) -> "MailCatcher":
        # aiosmtpd logs every DATA line at DEBUG: the demo's messages hold live links
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> "MailCatcher":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
