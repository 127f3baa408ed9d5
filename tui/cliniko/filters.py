"""Build Cliniko ``q[]`` filters correctly (UTC ``Z`` times, comma lists)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timezone

_OPS = {"=", "!=", ">=", ">", "<=", "<", "~", "~~"}


def utc_z(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("Cliniko filters need time-zone-aware datetimes")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return utc_z(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class Q:
    """An ordered set of ``q[]`` filters; ``params()`` gives httpx params."""

    def __init__(self) -> None:
        self._items: list[str] = []

    def where(self, field: str, op: str, value: object) -> "Q":
        if op not in _OPS:
            raise ValueError(f"unknown filter operator {op!r}")
        self._items.append(f"{field}:{op}{_value(value)}")
        return self

    def any_of(self, field: str, values: Iterable[object]) -> "Q":
        joined = ",".join(_value(v) for v in values)
        if not joined:
            raise ValueError("any_of needs at least one value")
        self._items.append(f"{field}:={joined}")
        return self

    def including_hidden(self, field: str) -> "Q":
        """``field:*``: any value, including rows the endpoint would hide."""
        self._items.append(f"{field}:*")
        return self

    def copy(self) -> "Q":
        clone = Q()
        clone._items = list(self._items)
        return clone

    def params(self) -> list[tuple[str, str]]:
        return [("q[]", item) for item in self._items]

    def __iter__(self):
        return iter(self._items)
