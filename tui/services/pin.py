"""The screen lock's PIN: stored only as a salted scrypt hash, in a 0600
file in the data folder. Without one the lock is a curtain (any key lifts
it); with one, unlocking needs it."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from pathlib import Path

from frontdesk.paths import write_private_text

PIN_RULE = re.compile(r"^[0-9]{4,8}$")
#: scrypt's cost: ~50 ms to check one PIN here, so guessing is slow
N, R, P = 2**14, 8, 1


class PinError(ValueError):
    """A PIN that does not follow the rule, or a file that cannot be written."""


class PinLock:
    def __init__(self, path: Path) -> None:
        self.path = path

    def is_set(self) -> bool:
        return self.path.exists()

    def set(self, pin: str) -> None:
        if not PIN_RULE.match(pin):
            raise PinError("A PIN is 4 to 8 digits.")
        salt = os.urandom(16)
        digest = hashlib.scrypt(pin.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
        record = {"scheme": "scrypt", "n": N, "r": R, "p": P, "salt": salt.hex(), "hash": digest.hex()}
        try:
            write_private_text(self.path, json.dumps(record))
        except OSError as exc:
            raise PinError(f"The PIN could not be saved in {self.path} ({exc.strerror or type(exc).__name__}).") from None

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def _record(self) -> tuple[bytes, bytes, int, int, int] | None:
        """salt, hash and scrypt costs, or None for a missing or damaged file."""
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
            salt, expected = bytes.fromhex(record["salt"]), bytes.fromhex(record["hash"])
            return salt, expected, int(record["n"]), int(record["r"]), int(record["p"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def damaged(self) -> bool:
        return self.is_set() and self._record() is None

    def verify(self, pin: str) -> bool:
        """True only for the PIN set; a damaged file admits nobody (fail
        closed: `frontdesk set-pin` sets a new one)."""
        record = self._record()
        if record is None:
            return False
        salt, expected, n, r, p = record
        try:
            digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=len(expected))
        except (ValueError, MemoryError):
            return False
        return hmac.compare_digest(digest, expected)
