"""The local audit log: who revealed, copied or sent which patient link,
and the claims that keep two windows from sending the same link at once.

SQLite under the user data directory, file 0600 in a 0700 directory. It
stores a fingerprint (hash) of a link, never the link; recipients masked.

It is opened on first use, so commands that never audit never touch it. Any
trouble with it (a folder where the file should be, a damaged file, a lock
held by another program, a full disk) becomes :class:`AuditUnavailable`
with a sentence for staff; the caller refuses the audited action. A damaged
file is never overwritten: it is moved aside with a timestamp and reported
in :attr:`AuditLog.notice`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
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
    detail TEXT,
    patient_name TEXT
);
CREATE INDEX IF NOT EXISTS audit_appointment ON audit (appointment_id);
CREATE TABLE IF NOT EXISTS send_claims (
    attendee_id TEXT PRIMARY KEY,
    appointment_id TEXT,
    claimed_at TEXT NOT NULL,
    owner TEXT NOT NULL
);
"""

ACTIONS = {"reveal", "copy", "send", "memo", "arrival", "export"}
#: how long another window waits for the log to be free before it is "locked"
LOCK_WAIT_SECONDS = 2.0
#: a claim older than this was left by a window that died mid-send
STALE_CLAIM = timedelta(minutes=10)
_DAMAGED = {"SQLITE_NOTADB", "SQLITE_CORRUPT"}


class AuditUnavailable(Exception):
    """The audit log cannot be read or written; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SendInProgress(Exception):
    """Another window holds the claim to send this attendee's link."""


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
    patient_name: str | None = None


@dataclass(frozen=True)
class SendClaim:
    appointment_id: str
    attendee_id: str
    owner: str
    #: the last successful send of this very link, when staff confirmed a repeat
    previous: AuditEntry | None


class AuditLog:
    def __init__(self, path: Path, clock: Callable[[], datetime] | None = None) -> None:
        self.path = path
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._db: sqlite3.Connection | None = None
        #: something staff should know about the log (a damaged file moved aside)
        self.notice: str | None = None

    # -- opening, and turning SQLite's troubles into sentences ----------------

    def _connect(self) -> sqlite3.Connection:
        """One connection, kept open: the console asks on every cursor move
        whether a link was already sent, and opening a connection each time
        cost more than the query. Autocommit; transactions are explicit."""
        if self._db is not None:
            return self._db
        try:
            fresh = not self.path.exists()
            touch_private(self.path)
        except OSError as exc:
            raise AuditUnavailable(
                f"The audit log cannot be created at {self.path} ({exc.strerror or type(exc).__name__}). "
                "Check that the data folder (FRONTDESK_DATA_DIR) is a folder you can write to."
            ) from None
        try:
            self._db = self._open_schema()
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorname", "") in _DAMAGED:
                self._move_aside()
                self._db = self._open_schema()
            else:
                if fresh and self.path.exists() and self.path.stat().st_size == 0:
                    self.path.unlink()  # leave no empty database behind
                raise
        return self._db

    def _open_schema(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=LOCK_WAIT_SECONDS, isolation_level=None)
        try:
            db.executescript(SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(audit)")}
            if "patient_name" not in columns:  # a log from before sends named the patient
                db.execute("ALTER TABLE audit ADD COLUMN patient_name TEXT")
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _move_aside(self) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        os.replace(self.path, aside)
        touch_private(self.path)
        self.notice = (f"The audit log at {self.path} was damaged. It was moved aside to {aside.name} "
                       "(kept for IT) and a new log was started.")

    @contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection]:
        try:
            yield self._connect()
        except sqlite3.Error as exc:
            self.close()  # the next action opens the file again
            if getattr(exc, "sqlite_errorname", "") in _DAMAGED:
                self._move_aside_quietly()
            raise AuditUnavailable(self._explain(exc)) from None
        except OSError as exc:
            self.close()
            raise AuditUnavailable(
                f"The audit log at {self.path} cannot be used ({exc.strerror or type(exc).__name__})."
            ) from None

    def _move_aside_quietly(self) -> None:
        try:
            self._move_aside()
        except OSError:
            pass  # the error already raised says the log is damaged

    def _explain(self, exc: sqlite3.Error) -> str:
        name = getattr(exc, "sqlite_errorname", "") or ""
        where = f"The audit log ({self.path})"
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return (f"{where} is locked by another program. Try again in a moment; if it stays locked, "
                    "close other frontdesk windows.")
        if name.startswith(("SQLITE_FULL", "SQLITE_IOERR")):
            return f"{where} cannot be written: the disk is full or failing. Free some space and try again."
        if name in _DAMAGED:
            return self.notice or f"{where} is damaged; move it aside and start frontdesk again."
        if name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")):
            return f"{where} cannot be opened for writing. Check the data folder's permissions."
        return f"{where} could not be used ({name or type(exc).__name__})."

    def check(self) -> None:
        """Open the log now (raising :class:`AuditUnavailable`), e.g. at start-up."""
        with self._guard():
            pass

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- entries -----------------------------------------------------------------

    def _stamp(self) -> str:
        return self._clock().astimezone(timezone.utc).isoformat(timespec="seconds")

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
        patient_name: str | None = None,
        claim: SendClaim | None = None,
    ) -> None:
        """Append an entry (and give up *claim* in the same transaction)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        row = (self._stamp(), user_id, user_name, action, appointment_id, attendee_id, link_role,
               link_fingerprint, channel, recipient, outcome, memo_id, detail, patient_name)
        with self._guard() as db, _transaction(db):
            db.execute(
                "INSERT INTO audit (at, user_id, user_name, action, appointment_id, attendee_id,"
                " link_role, link_fingerprint, channel, recipient, outcome, memo_id, detail, patient_name)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            if claim is not None:
                db.execute("DELETE FROM send_claims WHERE attendee_id = ? AND owner = ?",
                           (claim.attendee_id, claim.owner))

    def record_many(self, action: str, links: list[tuple[str, str, str]], *, user_id: str | None,
                    user_name: str | None, detail: str | None = None) -> None:
        """One entry per (appointment id, attendee id, link fingerprint), all
        in one transaction: every one recorded, or none."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        at = self._stamp()
        rows = [(at, user_id, user_name, action, appointment_id, attendee_id, "patient", fingerprint, detail)
                for appointment_id, attendee_id, fingerprint in links]
        with self._guard() as db, _transaction(db):
            db.executemany(
                "INSERT INTO audit (at, user_id, user_name, action, appointment_id, attendee_id, link_role,"
                " link_fingerprint, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ok', ?)",
                rows,
            )

    def entries(self, appointment_id: str | None = None) -> list[AuditEntry]:
        """Newest first; all entries, or those of one appointment."""
        query = "SELECT at, user_id, user_name, action, appointment_id, attendee_id, link_role," \
                " link_fingerprint, channel, recipient, outcome, memo_id, detail, patient_name FROM audit"
        params: tuple[str, ...] = ()
        if appointment_id is not None:
            query += " WHERE appointment_id = ?"
            params = (appointment_id,)
        query += " ORDER BY id DESC"
        with self._guard() as db:
            rows = db.execute(query, params).fetchall()
        return [AuditEntry(datetime.fromisoformat(r[0]), *r[1:]) for r in rows]

    def last_sends(self, appointment_id: str) -> dict[tuple[str, str], AuditEntry]:
        """The latest successful send of each link of an appointment, by
        (attendee id, link fingerprint)."""
        found: dict[tuple[str, str], AuditEntry] = {}
        for entry in self.entries(appointment_id):  # newest first
            if entry.action == "send" and (entry.outcome or "").startswith("sent"):
                found.setdefault((entry.attendee_id or "", entry.link_fingerprint or ""), entry)
        return found

    def sends_for(self, appointment_ids: list[str]) -> dict[str, dict[tuple[str, str], AuditEntry]]:
        """:meth:`last_sends` for many appointments in a few queries (the
        list's sent markers), by appointment id."""
        found: dict[str, dict[tuple[str, str], AuditEntry]] = {}
        columns = "at, user_id, user_name, action, appointment_id, attendee_id, link_role, link_fingerprint," \
                  " channel, recipient, outcome, memo_id, detail, patient_name"
        with self._guard() as db:
            for start in range(0, len(appointment_ids), 500):
                chunk = appointment_ids[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(f"SELECT {columns} FROM audit WHERE action = 'send' AND outcome LIKE 'sent%'"
                                  f" AND appointment_id IN ({marks}) ORDER BY id DESC", chunk).fetchall()
                for r in rows:
                    entry = AuditEntry(datetime.fromisoformat(r[0]), *r[1:])
                    found.setdefault(entry.appointment_id or "", {}).setdefault(
                        (entry.attendee_id or "", entry.link_fingerprint or ""), entry)
        return found

    def last_send(self, appointment_id: str, attendee_id: str, fingerprint: str) -> AuditEntry | None:
        """The latest successful send of this link to this attendee."""
        return self.last_sends(appointment_id).get((attendee_id, fingerprint))

    # -- the claim to send ---------------------------------------------------------

    def claim_send(self, appointment_id: str, attendee_id: str, fingerprint: str, *, repeat_ok: bool) -> SendClaim:
        """Take the one right to send this attendee's link, atomically across
        every window and process sharing this log (``BEGIN IMMEDIATE``: one
        writer at a time). Raises :class:`SendInProgress` when another holds
        it; returns a claim whose ``previous`` is the last send of this link
        (the caller refuses a repeat unless *repeat_ok*)."""
        owner = f"{os.getpid()}:{id(self)}:{self._stamp()}"
        stale = (self._clock() - STALE_CLAIM).astimezone(timezone.utc).isoformat(timespec="seconds")
        with self._guard() as db, _transaction(db):
            db.execute("DELETE FROM send_claims WHERE claimed_at < ?", (stale,))
            if db.execute("SELECT 1 FROM send_claims WHERE attendee_id = ?", (attendee_id,)).fetchone():
                raise SendInProgress()
            previous = self.last_send(appointment_id, attendee_id, fingerprint)
            claim = SendClaim(appointment_id, attendee_id, owner, previous)
            if previous is not None and not repeat_ok:
                return claim  # nothing claimed: the caller asks staff first
            db.execute("INSERT INTO send_claims (attendee_id, appointment_id, claimed_at, owner) VALUES (?, ?, ?, ?)",
                       (attendee_id, appointment_id, self._stamp(), owner))
        return claim

    def release(self, claim: SendClaim) -> None:
        with self._guard() as db:
            db.execute("DELETE FROM send_claims WHERE attendee_id = ? AND owner = ?", (claim.attendee_id, claim.owner))


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
