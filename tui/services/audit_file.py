"""The audit log's SQLite file, and its troubles turned into sentences.

One connection, kept open; a damaged file is moved aside (never
overwritten), a full disk, a lock held by another program or a data folder
deleted while frontdesk runs each become :class:`AuditUnavailable` with a
sentence for staff.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from frontdesk.paths import touch_private

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
    patient_name TEXT,
    patient_id TEXT,
    sent_for TEXT
);
CREATE INDEX IF NOT EXISTS audit_appointment ON audit (appointment_id);
CREATE TABLE IF NOT EXISTS send_claims (
    attendee_id TEXT PRIMARY KEY,
    appointment_id TEXT,
    claimed_at TEXT NOT NULL,
    owner TEXT NOT NULL,
    intent_id INTEGER
);
"""
#: how long another window waits for the log to be free before it is "locked"
LOCK_WAIT_SECONDS = 2.0
_DAMAGED = {"SQLITE_NOTADB", "SQLITE_CORRUPT"}


class AuditUnavailable(Exception):
    """The audit log cannot be read or written; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AuditFile:
    """Opening the log, and what goes wrong with it. :class:`AuditLog` says
    what is recorded."""

    def __init__(self, path: Path, clock: Callable[[], datetime] | None = None) -> None:
        self.path = path
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._db: sqlite3.Connection | None = None
        #: something staff should know about the log (a damaged file moved aside)
        self.notice: str | None = None
        self._opened = False  # a log was open in this process before
        self._loss_said = False
        #: one user of the connection at a time: the console reads it off
        #: the UI loop (frontdesk.services.sent_ledger) while keys and sends write
        self._lock = threading.RLock()

    def _settle(self, db: sqlite3.Connection) -> None:
        """Run before every use of the log, outside a transaction."""

    # -- opening, and turning SQLite's troubles into sentences ----------------

    def _connect(self) -> sqlite3.Connection:
        """One connection, kept open: the console and the delivery service
        use the log often, and opening a connection each time cost more than
        the query. Autocommit; transactions are explicit."""
        if self._db is not None:
            return self._db
        try:
            fresh = not self.path.exists()
            if fresh and self._opened and not self._loss_said:
                self._loss_said = True
                self.notice = (f"The audit log at {self.path} was deleted while frontdesk was running (its "
                               "folder removed or emptied). A new, empty log was started; earlier entries are "
                               "gone unless IT restores them.")
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
        self._opened = True
        return self._db

    def _open_schema(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=LOCK_WAIT_SECONDS, isolation_level=None, check_same_thread=False)
        try:
            db.executescript(SCHEMA)
            _add_column(db, "audit", "patient_name TEXT")  # a log from before sends named the patient
            _add_column(db, "audit", "patient_id TEXT")  # before the audit export gave patient ids
            _add_column(db, "audit", "sent_for TEXT")  # before a send recorded the appointment it was for
            _add_column(db, "send_claims", "intent_id INTEGER")  # before sends wrote their intent
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
        with self._lock:
            yield from self._guarded()

    def _guarded(self) -> Iterator[sqlite3.Connection]:
        try:
            db = self._connect()
            if not db.in_transaction:
                self._settle(db)
            yield db
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
        if self._opened and not self.path.exists():
            self._loss_said = True
            return (f"{where} was deleted while frontdesk was running (its folder removed or emptied): "
                    "nothing was recorded. A new, empty log starts with the next action.")
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


def _add_column(db: sqlite3.Connection, table: str, column: str) -> None:
    """Bring an older log's table up to date (another window may be doing
    the same at this moment)."""
    name = column.split()[0]
    if name in {row[1] for row in db.execute(f"PRAGMA table_info({table})")}:
        return
    try:
        db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
    except sqlite3.OperationalError as exc:
        if "duplicate column" not in str(exc):
            raise


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        # SQLite has already rolled back after some errors (a full disk);
        # a second ROLLBACK would replace the real error with "no transaction"
        if db.in_transaction:
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        raise
