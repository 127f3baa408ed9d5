"""Every date-time RFC 3339 allows is read; nothing else is (an unreadable
time makes the row unreadable: it is never guessed or read as "no time")."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.cliniko.models import IndividualAppointment
from frontdesk.cliniko.rfc3339 import parse_datetime

UTC = timezone.utc


@pytest.mark.parametrize("text, expected", [
    ("2026-11-23T23:05:00Z", datetime(2026, 11, 23, 23, 5, tzinfo=UTC)),
    ("2026-11-23t23:05:00z", datetime(2026, 11, 23, 23, 5, tzinfo=UTC)),
    ("2026-11-23 23:05:00Z", datetime(2026, 11, 23, 23, 5, tzinfo=UTC)),
    ("2026-11-23T23:05:00.5Z", datetime(2026, 11, 23, 23, 5, 0, 500000, tzinfo=UTC)),
    ("2026-11-23T23:05:00.123456789Z", datetime(2026, 11, 23, 23, 5, 0, 123456, tzinfo=UTC)),
    ("2026-11-24T10:05:00+11:00", datetime(2026, 11, 23, 23, 5, tzinfo=UTC)),
    ("2026-11-23T18:35:00-04:30", datetime(2026, 11, 23, 23, 5, tzinfo=UTC)),
    ("2026-11-23T23:05:00-00:00", datetime(2026, 11, 23, 23, 5, tzinfo=UTC)),
    ("2016-12-31T23:59:60Z", datetime(2017, 1, 1, tzinfo=UTC)),
])
def test_what_rfc3339_allows_is_read(text, expected):
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text", [
    "2026-11-23T23:05:00",  # no offset: a guess would move the row
    "2026-11-23", "2026-11-23T23:05Z", "20261123T230500Z", "2026-W48-1T10:00:00Z",
    "2026-11-23T23:05:00+0530", "2026-11-23T23:05:00+24:00", "2026-13-01T00:00:00Z", "tomorrow", "",
    "2026-11-23T23:05:00Z ", "２０２６-11-23T23:05:00Z",
])
def test_anything_else_is_unreadable(text):
    with pytest.raises(ValueError):
        parse_datetime(text)


def test_an_unreadable_cancellation_time_is_not_read_as_not_cancelled():
    row = {"id": "1", "starts_at": "2026-11-23T23:00:00Z", "ends_at": "2026-11-23T23:30:00Z",
           "cancelled_at": "yesterday-ish"}
    with pytest.raises(ValueError):
        IndividualAppointment.model_validate(row)
    assert IndividualAppointment.model_validate(row | {"cancelled_at": ""}).cancelled_at is None  # Cliniko's old null


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
       st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59), st.sampled_from("Tt "), st.booleans(),
       st.integers(min_value=1, max_value=9))
def test_any_rfc3339_rendering_reads_back(moment, offset_minutes, sep, lower, digits):
    zone = timezone(timedelta(minutes=offset_minutes))
    local = moment.astimezone(zone)
    fraction = f"{local.microsecond:06d}".ljust(digits, "0")[:digits]
    hh, mm = divmod(abs(offset_minutes), 60)
    suffix = ("z" if lower else "Z") if offset_minutes == 0 else f"{'-' if offset_minutes < 0 else '+'}{hh:02d}:{mm:02d}"
    text = f"{local:%Y-%m-%d}{sep}{local:%H:%M:%S}.{fraction}{suffix}"
    expected = moment.replace(microsecond=int(fraction[:6].ljust(6, "0")) if digits < 6 else moment.microsecond)
    assert parse_datetime(text) == expected
