"""The local audit log: who revealed, copied or sent which patient link.

SQLite under the user data directory, file 0600 in a 0700 directory. It
stores a fingerprint (hash) of a link, never the link; recipients masked.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from tui.paths import touch_private

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user_id TEXT,
    user_name TEXT,
    action TEXT NOT NULL,
    appointment_id TEXT,
    attendee_id TEXT,
    link_role TEXT,
    link_fingerprint TEXT,
    channel TEXT,
    recipient TEXT,
    outcome TEXT,
    memo_id TEXT,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS audit_appointment ON audit (appointment_id);
"""

ACTIONS = {"reveal", "copy", "send", "memo"}


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    user_id: str | None
    user_name: str | None
    action: str
    appointment_id: str | None
    attendee_id: str | None
    link_role: str | None = None
    link_fingerprint: str | None = None
    channel: str | None = None
    recipient: str | None = None
    outcome: str | None = None
    memo_id: str | None = None
    detail: str | None = None


class AuditLog:
    def __init__(self, path: Path, clock: Callable[[], datetime] | None = None) -> None:
        self.path = touch_private(path)
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._db: sqlite3.Connection | None = None
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        """One connection, kept open: the console asks on every cursor move
        whether a link was already sent, and opening a connection each time
        cost more than the query. Each ``with`` still commits."""
        if self._db is None:
            self._db = sqlite3.connect(self.path)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def record(
        self,
        action: str,
        *,
        user_id: str | None,
        user_name: str | None,
        appointment_id: str | None,
        attendee_id: str | None = None,
        link_role: str | None = None,
        link_fingerprint: str | None = None,
        channel: str | None = None,
        recipient: str | None = None,
        outcome: str | None = "ok",
        memo_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        with self._connect() as db:
            db.execute(
                "INSERT INTO audit (at, user_id, user_name, action, appointment_id, attendee_id,"
                " link_role, link_fingerprint, channel, recipient, outcome, memo_id, detail)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self._clock().astimezone(timezone.utc).isoformat(timespec="seconds"),
                    user_id, user_name, action, appointment_id, attendee_id, link_role,
                    link_fingerprint, channel, recipient, outcome, memo_id, detail,
                ),
            )

    def entries(self, appointment_id: str | None = None) -> list[AuditEntry]:
        """Newest first; all entries, or those of one appointment."""
        query = "SELECT at, user_id, user_name, action, appointment_id, attendee_id, link_role," \
                " link_fingerprint, channel, recipient, outcome, memo_id, detail FROM audit"
        params: tuple[str, ...] = ()
        if appointment_id is not None:
            query += " WHERE appointment_id = ?"
            params = (appointment_id,)
        query += " ORDER BY id DESC"
        with self._connect() as db:
            rows = db.execute(query, params).fetchall()
        return [AuditEntry(datetime.fromisoformat(r[0]), *r[1:]) for r in rows]
