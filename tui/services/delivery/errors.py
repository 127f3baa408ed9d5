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
    def __init__(self, when: str, who: str | None) -> None:
        super().__init__(f"This link was already sent {when} by {who or 'someone'}; confirm a second send.")
        self.when = when
        self.who = who


class ChannelFailed(DeliveryError):
    """The email server or SMS gateway did not take the message."""
