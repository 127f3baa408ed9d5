"""API key → shard → base URL, and the rules for which base URLs are safe."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from frontdesk.cliniko.errors import ConfigurationError

_SHARD = re.compile(r"^[a-z]{2}\d{1,2}$", re.IGNORECASE)
DEFAULT_SHARD = "au1"


@dataclass(frozen=True)
class KeyInfo:
    shard: str
    suffixed: bool


def parse_key(api_key: str) -> KeyInfo:
    """Split the key on its last '-'; an unsuffixed key belongs to au1."""
    key = api_key.strip()
    if not key:
        raise ConfigurationError("No Cliniko API key is configured.")
    if any(ch.isspace() for ch in key):
        raise ConfigurationError("The Cliniko API key contains spaces; paste it again.")
    if "-" not in key:
        return KeyInfo(DEFAULT_SHARD, suffixed=False)
    body, suffix = key.rsplit("-", 1)
    if not body:
        raise ConfigurationError("The Cliniko API key is incomplete.")
    if not _SHARD.match(suffix):
        raise ConfigurationError(
            f"The API key ends in an unknown shard '-{suffix[:6]}'; "
            "Cliniko keys end in a shard such as -au2 or -uk1."
        )
    return KeyInfo(suffix.lower(), suffixed=True)


def base_url_for_shard(shard: str) -> str:
    return f"https://api.{shard}.cliniko.com/v1"


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> str:
    """https everywhere; plain http only for loopback hosts (the sandbox)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigurationError(f"The Cliniko base URL '{url}' is not an http(s) URL.")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ConfigurationError(
            "The Cliniko base URL must use https (plain http is allowed only for "
            "this machine's loopback address)."
        )
    return url.rstrip("/")


def resolve_base_url(api_key: str, override: str | None) -> str:
    if override:
        return check_base_url(override)
    return base_url_for_shard(parse_key(api_key).shard)
