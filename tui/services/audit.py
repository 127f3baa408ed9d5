"""The local audit log: who revealed, copied or sent which patient link,
and the claims that keep two windows from sending the same link at once.

SQLite under the user data directory, file 0600 in a 0700 directory. It
stores a fingerprint (hash) of a link, never the link; recipients masked.

A send is written in three steps, so a window killed half-way (an SSH
connection dropped, SIGKILL) never leaves a false record: the claim and an
intent row ("sending") in one transaction; the intent becomes "delivering"
(with the masked recipient) before the email server or SMS gateway is
contacted; the outcome replaces it. A claim whose owner process is gone is
released at once, and its intent becomes "interrupted" when delivery had
begun (the message may have reached the patient) or is dropped when it had
not (nothing left this desk).

It is opened on first use, so commands that never audit never touch it. Any
trouble with it (a folder where the file should be, a damaged file, a lock
held by another program, a full disk) becomes :class:`AuditUnavailable`
with a sentence for staff; the caller refuses the audited action. A damaged
file is never overwritten: it is moved aside with a timestamp and reported
in :attr:`AuditLog.notice`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from frontdesk.services.audit_file import AuditFile, AuditUnavailable, transaction
from frontdesk.services.claim_owner import owner_alive, this_owner

#: a send's outcomes while under way: "sending" (nothing contacted yet),
#: "delivering" (the channel may have the message); and once its owner died
#: while delivering, "interrupted"
SENDING, DELIVERING, INTERRUPTED = "sending", "delivering", "interrupted"

ACTIONS = {"reveal", "copy", "send", "memo", "arrival", "export", "prune"}
#: an entry's columns, in AuditEntry's order
COLUMNS = "at, user_id, user_name, action, appointment_id, attendee_id, link_role, link_fingerprint, channel," \
          " recipient, outcome, memo_id, detail, patient_name, patient_id, sent_for"


class SendInProgress(Exception):
    """A live window holds the claim to send this attendee's link."""

    def __init__(self, since: datetime) -> None:
        super().__init__(since.isoformat())
        self.since = since


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
    patient_id: str | None = None
    #: a send's appointment as it was (start, type, practitioner: SentFor.text())
    sent_for: str | None = None

    @property
    def unfinished(self) -> bool:
        """A send with no outcome: under way in a window, or cut off while
        delivering (it may have reached the patient)."""
        return self.action == "send" and self.outcome in (DELIVERING, INTERRUPTED)


@dataclass(frozen=True)
class SendClaim:
    appointment_id: str
    attendee_id: str
    owner: str
    #: the last send of this very link that reached (or may have reached)
    #: the patient; the caller refuses a repeat unless staff confirmed one
    previous: AuditEntry | None
    #: the intent row written with the claim (None: nothing was claimed)
    intent_id: int | None = None


def outcome_words(entry: AuditEntry) -> str:
    """A send's outcome as the audit viewer and the outbox say it."""
    detail = f" — {entry.detail}" if entry.detail else ""
    if entry.outcome == INTERRUPTED:
        return f"interrupted: it may have reached the patient{detail}"
    if entry.outcome == DELIVERING:
        return "being delivered now (another window): it may already have reached the patient"
    if entry.outcome == SENDING:
        return "being checked with Cliniko before sending (another window)"
    return f"{entry.outcome or ''}{detail if entry.outcome != 'sent' else ''}"


class AuditLog(AuditFile):
    def __init__(self, path: Path, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(path, clock)
        #: outcomes of sends that went out while the log could not be written
        #: (a full disk): (intent row id, claim owner, the row's new values),
        #: written as soon as the log takes them again
        self._unwritten: list[tuple[int, str, str, tuple]] = []

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
        patient_id: str | None = None,
        sent_for: str | None = None,
        claim: SendClaim | None = None,
    ) -> None:
        """Append an entry. With *claim*, the entry is the send's outcome: it
        replaces the claim's intent row and gives up the claim, in one
        transaction. An outcome the log cannot take now (a full disk) is kept
        and written as soon as it can be, then raises :class:`AuditUnavailable`."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        row = (self._stamp(), user_id, user_name, action, appointment_id, attendee_id, link_role,
               link_fingerprint, channel, recipient, outcome, memo_id, detail, patient_name, patient_id, sent_for)
        if claim is not None:
            if claim.intent_id is None:
                raise ValueError("a claim that claimed nothing has no outcome to record")
            pending = (claim.intent_id, claim.owner, claim.attendee_id, row)
            try:
                with self._guard() as db, transaction(db):
                    self._write_outcome(db, pending)
            except AuditUnavailable:
                self._unwritten.append(pending)
                raise
            return
        with self._guard() as db, transaction(db):
            db.execute(
                "INSERT INTO audit (at, user_id, user_name, action, appointment_id, attendee_id,"
                " link_role, link_fingerprint, channel, recipient, outcome, memo_id, detail, patient_name,"
                " patient_id, sent_for) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )

    @staticmethod
    def _write_outcome(db: sqlite3.Connection, pending: tuple[int, str, str, tuple]) -> None:
        intent_id, owner, attendee_id, row = pending
        db.execute(
            "UPDATE audit SET at = ?, user_id = ?, user_name = ?, action = ?, appointment_id = ?, attendee_id = ?,"
            " link_role = ?, link_fingerprint = ?, channel = ?, recipient = ?, outcome = ?, memo_id = ?,"
            " detail = ?, patient_name = ?, patient_id = ?, sent_for = ? WHERE id = ?",
            (*row, intent_id),
        )
        db.execute("DELETE FROM send_claims WHERE attendee_id = ? AND owner = ?", (attendee_id, owner))

    def _settle(self, db: sqlite3.Connection) -> None:
        """Write outcomes kept back by a full disk, and release the claims of
        windows that are gone (see :func:`dead_claims`). Errors here are
        left for the action that follows to meet and explain."""
        if self._unwritten:
            try:
                with transaction(db):
                    for pending in self._unwritten:
                        self._write_outcome(db, pending)
                self._unwritten.clear()
            except sqlite3.Error:
                return
        dead = dead_claims(db, self._clock())
        if dead:
            with transaction(db):
                release(db, dead)

    def record_many(self, action: str, links: list[tuple[str, str, str, str | None]], *, user_id: str | None,
                    user_name: str | None, detail: str | None = None) -> None:
        """One entry per (appointment id, attendee id, link fingerprint,
        patient id), all in one transaction: every one recorded, or none."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        at = self._stamp()
        rows = [(at, user_id, user_name, action, appointment_id, attendee_id, "patient", fingerprint, detail,
                 patient_id) for appointment_id, attendee_id, fingerprint, patient_id in links]
        with self._guard() as db, transaction(db):
            db.executemany(
                "INSERT INTO audit (at, user_id, user_name, action, appointment_id, attendee_id, link_role,"
                " link_fingerprint, outcome, detail, patient_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ok', ?, ?)",
                rows,
            )

    def prune(self, before: datetime, *, user_id: str | None, user_name: str | None, why: str) -> int:
        """Delete entries older than *before* (a send still under way is
        kept), and record the pruning itself, in one transaction."""
        cutoff = before.astimezone(timezone.utc).isoformat(timespec="seconds")
        with self._guard() as db, transaction(db):
            gone = db.execute("DELETE FROM audit WHERE at < ? AND NOT (action = 'send' AND outcome IN (?, ?))",
                              (cutoff, SENDING, DELIVERING)).rowcount
            if gone:
                db.execute("INSERT INTO audit (at, user_id, user_name, action, outcome, detail)"
                           " VALUES (?, ?, ?, 'prune', 'ok', ?)",
                           (self._stamp(), user_id, user_name, f"{gone} entries older than {cutoff[:10]} removed ({why})"))
        return gone

    def entries(self, appointment_id: str | None = None) -> list[AuditEntry]:
        """Newest first; all entries, or those of one appointment."""
        query = f"SELECT {COLUMNS} FROM audit"
        params: tuple[str, ...] = ()
        if appointment_id is not None:
            query += " WHERE appointment_id = ?"
            params = (appointment_id,)
        query += " ORDER BY id DESC"
        with self._guard() as db:
            rows = db.execute(query, params).fetchall()
        return [AuditEntry(datetime.fromisoformat(r[0]), *r[1:]) for r in rows]

    def last_sends(self, appointment_id: str) -> dict[tuple[str, str], AuditEntry]:
        """The latest send of each link of an appointment that reached, or
        may have reached, the patient (sent, or under way or interrupted while
        delivering), by (attendee id, link fingerprint)."""
        return self.sends_for([appointment_id]).get(appointment_id, {})

    def sends_for(self, appointment_ids: list[str]) -> dict[str, dict[tuple[str, str], AuditEntry]]:
        """:meth:`last_sends` for many appointments in a few queries (the
        list's sent markers), by appointment id."""
        found: dict[str, dict[tuple[str, str], AuditEntry]] = {}
        with self._guard() as db:
            for start in range(0, len(appointment_ids), 500):
                chunk = appointment_ids[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(f"SELECT {COLUMNS} FROM audit WHERE action = 'send' AND (outcome LIKE 'sent%'"
                                  f" OR outcome IN (?, ?)) AND appointment_id IN ({marks}) ORDER BY id DESC",
                                  [DELIVERING, INTERRUPTED, *chunk]).fetchall()
                for r in rows:
                    entry = AuditEntry(datetime.fromisoformat(r[0]), *r[1:])
                    found.setdefault(entry.appointment_id or "", {}).setdefault(
                        (entry.attendee_id or "", entry.link_fingerprint or ""), entry)
        return found

    def last_send(self, appointment_id: str, attendee_id: str, fingerprint: str) -> AuditEntry | None:
        """The latest send of this link to this attendee that reached, or may
        have reached, the patient."""
        return self.last_sends(appointment_id).get((attendee_id, fingerprint))

    # -- the claim to send ---------------------------------------------------------

    def claim_send(self, appointment_id: str, attendee_id: str, fingerprint: str, *, repeat_ok: bool,
                   channel: str | None = None, user_id: str | None = None,
                   user_name: str | None = None) -> SendClaim:
        """Take the one right to send this attendee's link, atomically across
        every window and process sharing this log (``BEGIN IMMEDIATE``: one
        writer at a time), writing the send's intent in the same transaction.
        Raises :class:`SendInProgress` while a live window holds it; returns a
        claim whose ``previous`` is the last send of this link that reached or
        may have reached the patient (nothing is claimed then unless
        *repeat_ok*: the caller asks staff first)."""
        owner = this_owner()
        with self._guard() as db, transaction(db):
            release(db, dead_claims(db, self._clock()))
            held = db.execute("SELECT claimed_at FROM send_claims WHERE attendee_id = ?", (attendee_id,)).fetchone()
            if held:
                raise SendInProgress(datetime.fromisoformat(held[0]))
            previous = self.last_send(appointment_id, attendee_id, fingerprint)
            if previous is not None and not repeat_ok:
                return SendClaim(appointment_id, attendee_id, owner, previous)
            intent = db.execute(
                "INSERT INTO audit (at, user_id, user_name, action, appointment_id, attendee_id, link_role,"
                " link_fingerprint, channel, outcome) VALUES (?, ?, ?, 'send', ?, ?, 'patient', ?, ?, ?)",
                (self._stamp(), user_id, user_name, appointment_id, attendee_id, fingerprint, channel, SENDING),
            ).lastrowid
            db.execute("INSERT INTO send_claims (attendee_id, appointment_id, claimed_at, owner, intent_id)"
                       " VALUES (?, ?, ?, ?, ?)", (attendee_id, appointment_id, self._stamp(), owner, intent))
        return SendClaim(appointment_id, attendee_id, owner, previous, intent)

    def delivering(self, claim: SendClaim, recipient: str, patient_name: str | None) -> None:
        """Say, before the email server or SMS gateway is contacted, that the
        message may now reach the patient (raises :class:`AuditUnavailable`:
        the caller then sends nothing)."""
        with self._guard() as db, transaction(db):
            db.execute("UPDATE audit SET outcome = ?, recipient = ?, patient_name = ?, at = ? WHERE id = ?",
                       (DELIVERING, recipient, patient_name, self._stamp(), claim.intent_id))

    def release(self, claim: SendClaim, *, why: str | None = None) -> None:
        """Give up a claim whose send ended without an outcome: before
        delivery nothing went, and its intent goes; during delivery the
        message may have gone, and the intent stays as "interrupted" (*why*)."""
        with self._guard() as db, transaction(db):
            db.execute("DELETE FROM send_claims WHERE attendee_id = ? AND owner = ?", (claim.attendee_id, claim.owner))
            if claim.intent_id is not None:
                _end_intent(db, claim.intent_id, why or "frontdesk stopped while the message was being delivered")


def dead_claims(db: sqlite3.Connection, now: datetime) -> list[tuple[str, str, int | None]]:
    """(attendee id, owner, intent id) of each claim whose window is gone."""
    rows = db.execute("SELECT attendee_id, owner, claimed_at, intent_id FROM send_claims").fetchall()
    return [(attendee_id, owner, intent_id) for attendee_id, owner, claimed_at, intent_id in rows
            if not owner_alive(owner, datetime.fromisoformat(claimed_at), now)]


def release(db: sqlite3.Connection, dead: list[tuple[str, str, int | None]]) -> None:
    """Inside a transaction: drop the claims of windows that are gone, each
    intent with it (see :meth:`AuditLog.release`)."""
    for attendee_id, owner, intent_id in dead:
        db.execute("DELETE FROM send_claims WHERE attendee_id = ? AND owner = ?", (attendee_id, owner))
        if intent_id is not None:
            _end_intent(db, intent_id, "the window sending it was closed or lost its connection")


def _end_intent(db: sqlite3.Connection, intent_id: int, why: str) -> None:
    db.execute("DELETE FROM audit WHERE id = ? AND outcome = ?", (intent_id, SENDING))
    db.execute("UPDATE audit SET outcome = ?, detail = ? WHERE id = ? AND outcome = ?",
               (INTERRUPTED, why, intent_id, DELIVERING))


