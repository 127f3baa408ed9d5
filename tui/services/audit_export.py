"""The audit log as IT takes it away (``frontdesk audit``), and its
retention (``[audit] keep_years``).

The export reads the file read-only, so IT may run it (as root, say) on a
receptionist's log without changing it. It carries who, when, what, the
appointment, attendee and patient ids, the channel, the masked recipient
and the outcome: never a link, nor a link's fingerprint, nor a name."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING
from datetime import date, datetime, time, timedelta, timezone

from frontdesk.cliniko.models import User
from frontdesk.services.audit import AuditLog
from frontdesk.services.audit_file import AuditUnavailable

if TYPE_CHECKING:
    from frontdesk.services.session import Session

EXPORT_COLUMNS = ("at", "user_id", "user_name", "action", "appointment_id", "attendee_id", "patient_id",
                  "channel", "recipient", "outcome", "detail")


class ExportProblem(Exception):
    """The log cannot be read; the message says why."""


@dataclass(frozen=True)
class Span:
    """Days as this server's clock reads them, both ends included."""

    first: date | None
    last: date | None

    def bounds(self) -> tuple[str, str]:
        """The span as the log's own UTC timestamps (text that sorts)."""
        low = "" if self.first is None else _utc(datetime.combine(self.first, time.min))
        high = "~" if self.last is None else _utc(datetime.combine(self.last + timedelta(days=1), time.min))
        return low, high


def _utc(local: datetime) -> str:
    return local.astimezone().astimezone(timezone.utc).isoformat(timespec="seconds")


def read_export(path, span: Span) -> list[dict[str, str | None]]:
    """The log's entries in *span*, oldest first; read-only."""
    if not path.exists():
        return []
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2.0)
    except sqlite3.Error as exc:
        raise ExportProblem(f"The audit log at {path} cannot be opened ({exc}).") from None
    try:
        have = {row[1] for row in db.execute("PRAGMA table_info(audit)")}
        picked = ", ".join(name if name in have else f"NULL AS {name}" for name in EXPORT_COLUMNS)
        low, high = span.bounds()
        rows = db.execute(f"SELECT {picked} FROM audit WHERE at >= ? AND at < ? ORDER BY id", (low, high)).fetchall()
    except sqlite3.Error as exc:
        raise ExportProblem(f"The audit log at {path} cannot be read ({exc}).") from None
    finally:
        db.close()
    return [dict(zip(EXPORT_COLUMNS, row)) for row in rows]


def as_csv(rows: list[dict[str, str | None]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, EXPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue()


def _cell(value: str | None) -> str:
    """A spreadsheet never runs a cell as a formula (=, +, -, @ first)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_json(rows: list[dict[str, str | None]]) -> str:
    return json.dumps({"columns": list(EXPORT_COLUMNS), "entries": rows}, indent=2, ensure_ascii=False)


def as_text(rows: list[dict[str, str | None]]) -> str:
    lines = [f"{r['at']}  {r['user_name'] or r['user_id'] or '?'}  {r['action']}  appointment "
             f"{r['appointment_id'] or '-'}  patient {r['patient_id'] or '-'}  {r['channel'] or ''} "
             f"{r['recipient'] or ''}  {r['outcome'] or ''}{'  ' + r['detail'] if r['detail'] else ''}"
             for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def prune_audit(audit: AuditLog, keep_years: int, now: datetime, user: User | None) -> int:
    """Remove entries older than *keep_years*; the removal is itself an entry."""
    return audit.prune(years_before(now, keep_years), user_id=user.id if user else None,
                       user_name=user.name if user else None, why=f"[audit] keep_years = {keep_years}")


def keep_audit_years(session: Session) -> int:
    """At the console's start (in a thread): entries past the session's
    ``[audit] keep_years`` go. A log that cannot be used now is left to the
    first audited action, which says why."""
    try:
        return prune_audit(session.audit, session.config.audit.keep_years, session.clock(), None)
    except AuditUnavailable:
        return 0
