"""Delivery failures, phrased for staff. No message carries a credential or
an unmasked patient link."""

from __future__ import annotations


class DeliveryError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SendRefused(DeliveryError):
    """Nothing was sent: the rules, a re-check or the set-up said no."""


class AlreadySent(SendRefused):
    def __init__(self, when: str, who: str | None, *, another_desk: bool = False) -> None:
        where = " (another desk)" if another_desk else ""
        super().__init__(f"Not sent: already sent {when} by {who or 'someone'}{where}; confirm to send it again.")
        self.when = when
        self.who = who
        self.another_desk = another_desk


class ChannelFailed(DeliveryError):
    """The email server or SMS gateway did not take the message (or the login)."""

    def __init__(self, message: str, *, login: bool = False) -> None:
        super().__init__(message)
        self.login = login
