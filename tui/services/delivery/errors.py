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
    """The link went (or may have gone) before: staff must confirm a repeat.
    *where*: whose record says so, when not this desk's own log."""

    def __init__(self, when: str, who: str | None, *, where: str | None = None, interrupted: bool = False) -> None:
        if interrupted:
            text = (f"Not sent: a send by {who or 'someone'} was interrupted at {when} and may have reached "
                    "the patient; confirm to send it again.")
        else:
            text = f"Not sent: already sent {when} by {who or 'someone'}{f' ({where})' if where else ''}; "                    "confirm to send it again."
        super().__init__(text)
        self.when = when
        self.who = who
        self.where = where
        self.interrupted = interrupted


class ChannelFailed(DeliveryError):
    """The email server or SMS gateway did not take the message (or the login)."""

    def __init__(self, message: str, *, login: bool = False) -> None:
        super().__init__(message)
        self.login = login
