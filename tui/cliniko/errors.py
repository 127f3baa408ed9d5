"""Typed Cliniko errors whose messages a receptionist can act on.

No message here ever includes the API key or a patient link: callers pass
only status, paths without query strings, and Cliniko's field errors.
"""

from __future__ import annotations


class ClinikoError(Exception):
    """Base class; ``str(err)`` is a staff-readable sentence."""

    kind = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigurationError(ClinikoError):
    kind = "configuration"


class UnknownLocationError(ConfigurationError):
    """A location (``--business``, ``business_id``) this account does not have."""

    def __init__(self, business_id: str, locations: dict[str, str]) -> None:
        names = "; ".join(f"{bid} {name}" for bid, name in locations.items()) or "none"
        super().__init__(f"This Cliniko account has no location ‘{business_id}’. Its locations: {names}. "
                         "(`frontdesk locations` lists them.)")


class AmbiguousLocationError(ConfigurationError):
    """``--business`` text that names more than one location."""

    def __init__(self, wanted: str, matches: list[str]) -> None:
        super().__init__(f"‘{wanted}’ matches {len(matches)} locations: {'; '.join(matches)}. "
                         "Give more of the name, its three-letter tag or its id.")


class AuthenticationError(ClinikoError):
    kind = "authentication"

    def __init__(self, message: str = "API key rejected: wrong key, or wrong shard.") -> None:
        super().__init__(message)


class PermissionDeniedError(ClinikoError):
    kind = "permission"

    def __init__(self, what: str = "this") -> None:
        super().__init__(f"Your Cliniko role is not allowed to read {what} (403).")


class NotFoundError(ClinikoError):
    kind = "not_found"

    def __init__(self, what: str = "record") -> None:
        super().__init__(f"Cliniko has no {what} (404): it may have been archived or deleted.")


class ValidationError(ClinikoError):
    kind = "validation"

    def __init__(self, errors: dict[str, str]) -> None:
        detail = "; ".join(f"{field} {text}" for field, text in sorted(errors.items()))
        super().__init__(f"Cliniko refused the request: {detail or 'validation failed'}.")
        self.errors = errors


class RateLimitedError(ClinikoError):
    kind = "rate_limited"

    def __init__(self, retry_in: float | None = None) -> None:
        if retry_in is None or not retry_in > 0:
            hint = ""
        elif retry_in > 3600:
            hint = " Try again later."
        else:
            hint = f" Try again in {int(retry_in) + 1} s."
        super().__init__(f"Cliniko's rate limit was reached (429).{hint}")
        self.retry_in = retry_in


class ServerError(ClinikoError):
    kind = "server"

    def __init__(self, status: int) -> None:
        super().__init__(f"Cliniko had a server problem ({status}).")
        self.status = status


class NetworkError(ClinikoError):
    kind = "network"

    def __init__(self, what: str = "could not reach Cliniko") -> None:
        super().__init__(f"Network problem: {what}.")


class ProtocolError(ClinikoError):
    """A response frontdesk cannot trust: not JSON, wrong shape, foreign links."""

    kind = "protocol"


class IncompleteListError(ClinikoError):
    """Fewer distinct rows arrived than Cliniko's own ``total_entries``."""

    kind = "incomplete"

    def __init__(self, received: int, total: int, what: str) -> None:
        super().__init__(f"Cliniko returned {received} of {total} {what}")
        self.received = received
        self.total = total
        self.what = what
