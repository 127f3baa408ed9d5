import httpx
import pytest
from datetime import datetime, timezone, timedelta

from frontdesk.cliniko.errors import ConfigurationError
from frontdesk.cliniko.filters import Q, utc_z
from frontdesk.cliniko.shard import check_base_url, parse_key, resolve_base_url


@pytest.mark.parametrize(
    "key, shard, suffixed",
    [
        ("abc123-au2", "au2", True),
        ("abc-with-dashes-uk1", "uk1", True),
        ("MS0xLWFiY2Q", "au1", False),
        ("abc-EU1", "eu1", True),
        ("abc-au10", "au10", True),
    ],
)
def test_shard_from_last_dash(key, shard, suffixed):
    info = parse_key(key)
    assert (info.shard, info.suffixed) == (shard, suffixed)


@pytest.mark.parametrize("key", ["", "abc-xyz", "abc-a1", "abc-au123", "ab c-au1", "-au1"])
def test_bad_keys_are_refused_without_echoing_the_key(key):
    with pytest.raises(ConfigurationError) as err:
        parse_key(key)
    if len(key) > 6:
        assert key not in str(err.value)


def test_base_url_from_shard_and_override_rules():
    assert resolve_base_url("k-uk2", None) == "https://api.uk2.cliniko.com/v1"
    assert resolve_base_url("k", None) == "https://api.au1.cliniko.com/v1"
    assert check_base_url("http://127.0.0.1:9/v1/") == "http://127.0.0.1:9/v1"
    assert check_base_url("http://localhost:9/v1") == "http://localhost:9/v1"
    assert check_base_url("http://[::1]:9/v1") == "http://[::1]:9/v1"
    with pytest.raises(ConfigurationError, match="https"):
        check_base_url("http://api.au1.cliniko.com/v1")
    with pytest.raises(ConfigurationError, match="https"):
        check_base_url("http://10.0.0.5/v1")
    with pytest.raises(ConfigurationError):
        check_base_url("ftp://example.com")


def test_filters_render_utc_z_and_comma_lists():
    sydney = timezone(timedelta(hours=11))
    q = (
        Q()
        .where("starts_at", ">=", datetime(2026, 11, 24, 0, 0, tzinfo=sydney))
        .any_of("booking_id", ["1", "22", "333"])
        .where("last_name", "~~", "O'Br%n")
        .including_hidden("cancelled_at")
    )
    assert list(q) == [
        "starts_at:>=2026-11-23T13:00:00Z",
        "booking_id:=1,22,333",
        "last_name:~~O'Br%n",
        "cancelled_at:*",
    ]
    url = httpx.URL("https://x/v1/patients", params=q.params())
    assert "q%5B%5D=starts_at%3A%3E%3D2026-11-23T13%3A00%3A00Z" in str(url)
    assert "%25n" in str(url)  # a literal % in ~~ is sent as %25


def test_filters_refuse_naive_times_and_unknown_operators():
    with pytest.raises(ValueError):
        utc_z(datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        Q().where("id", "like", 3)
    with pytest.raises(ValueError):
        Q().any_of("id", [])
