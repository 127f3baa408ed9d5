"""The clinic server's one list of sends under way, shared by every desk
(each receptionist's frontdesk on the server keeps its own audit log).

A desk takes the attendee's claim here as well as in its own log, before it
re-reads Cliniko, and gives it up once its memo is posted. A second desk
that comes while the claim is held is refused ("being sent right now from
another desk"); one that comes after finds the first desk's memo in its
fresh re-read. So two desks sweeping at once send nobody twice.

The file lives in ``[audit] shared_dir``, a folder IT makes for the
``frontdesk`` group (``install -d -m 2770 -g frontdesk /var/lib/frontdesk``);
it is created readable and writable by that group only (0660). Any trouble
with it fails closed: nothing is sent, and the reason names the file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from frontdesk.services.claim_owner import owner_alive

SCHEMA = """
CREATE TABLE IF NOT EXISTS claims (
    attendee_id TEXT PRIMARY KEY,
    claimed_at TEXT NOT NULL,
    owner TEXT NOT NULL,
    user_name TEXT
);
"""


class SharedClaimsUnavailable(Exception):
    """The shared file cannot be used; the message says why."""


class SharedClaimHeld(Exception):
    """Another desk is sending this attendee's link right now."""

    def __init__(self, since: datetime, who: str | None) -> None:
        super().__init__(since.isoformat())
        self.since = since
        self.who = who


class SharedClaims:
    def __init__(self, folder: Path, clock: Callable[[], datetime]) -> None:
        self.path = folder / "claims.sqlite3"
        self._clock = clock

    def _open(self) -> sqlite3.Connection:
        try:
            if not self.path.exists():
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o660)
                os.close(fd)
                os.chmod(self.path, 0o660)  # the group's, whatever this desk's umask
            db = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
            db.executescript(SCHEMA)
            return db
        except (OSError, sqlite3.Error) as exc:
            raise SharedClaimsUnavailable(
                f"the clinic's shared claims file {self.path} cannot be used "
                f"({getattr(exc, 'strerror', None) or exc}); ask IT to check [audit] shared_dir") from None

    def claim(self, attendee_id: str, owner: str, user_name: str | None) -> None:
        """Take the claim, or raise SharedClaimHeld (a live desk holds it);
        a claim whose desk is gone is taken over."""
        now = self._clock().astimezone(timezone.utc)
        db = self._open()
        try:
            db.execute("BEGIN IMMEDIATE")
            held = db.execute("SELECT claimed_at, owner, user_name FROM claims WHERE attendee_id = ?",
                              (attendee_id,)).fetchone()
            if held is not None:
                since = datetime.fromisoformat(held[0])
                if owner_alive(held[1], since, now):
                    db.execute("ROLLBACK")
                    raise SharedClaimHeld(since, held[2])
                db.execute("DELETE FROM claims WHERE attendee_id = ?", (attendee_id,))
            db.execute("INSERT INTO claims VALUES (?, ?, ?, ?)",
                       (attendee_id, now.isoformat(timespec="seconds"), owner, user_name))
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise SharedClaimsUnavailable(f"the clinic's shared claims file {self.path} could not be used "
                                          f"({exc}); ask IT to check [audit] shared_dir") from None
        finally:
            db.close()

    def release(self, attendee_id: str, owner: str) -> None:
        try:
            db = self._open()
            try:
                db.execute("DELETE FROM claims WHERE attendee_id = ? AND owner = ?", (attendee_id, owner))
            finally:
                db.close()
        except (SharedClaimsUnavailable, sqlite3.Error):
            pass  # a claim left behind is taken over once its desk is gone
