"""How the clinic writes dates: day first (21/02/1993) in most countries,
month first (02/21/1993) in the United States and Canada, from the
account's country code (``/settings/public``). Pure."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

DateOrder = Literal["dmy", "mdy"]

#: where staff write the month first
MONTH_FIRST = frozenset({"US", "CA"})
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WRITTEN = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def date_order(country_code: str | None) -> DateOrder:
    return "mdy" if (country_code or "").upper() in MONTH_FIRST else "dmy"


def date_order_of(country_code: str | None) -> DateOrder | None:
    """The order, or None while the account's country is not known."""
    return date_order(country_code) if country_code else None


def looks_like_a_date(text: str) -> bool:
    """Digits and separators shaped like a date (then it is read as one, or refused)."""
    text = text.strip()
    return bool(_ISO.match(text) or _WRITTEN.match(text))


def read_date(text: str, order: DateOrder | None) -> date | None:
    """A date as staff type it: ISO (1993-02-21) anywhere, else in the
    clinic's order (21/02/1993 or 02/21/1993; / . or - between; with no
    order known, ISO only). None: not a real date (31/02, a month past 12)."""
    text = text.strip()
    try:
        if m := _ISO.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if order is not None and (m := _WRITTEN.match(text)):
            first, second, year = int(m[1]), int(m[2]), int(m[3])
            day, month = (first, second) if order == "dmy" else (second, first)
            return date(year, month, day)
    except ValueError:
        return None
    return None


def date_words(value: date, order: DateOrder) -> str:
    """A date as the clinic writes it: 21/02/1993, or 02/21/1993."""
    return value.strftime("%d/%m/%Y" if order == "dmy" else "%m/%d/%Y")


def date_hint(order: DateOrder) -> str:
    """The form to type, for the lookup's hint."""
    return "DD/MM/YYYY" if order == "dmy" else "MM/DD/YYYY"
