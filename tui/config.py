"""frontdesk's configuration: a TOML file validated with pydantic, plus
environment overrides. A bad file gets an error naming the field and line.

The API key may come from ``CLINIKO_API_KEY`` or the (0600) config file,
never from the command line, where it would leak into shell history and ps.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from frontdesk.cliniko.shard import is_loopback_host
from frontdesk.domain.message import DEFAULT_BODY, DEFAULT_SMS, DEFAULT_SUBJECT, check_template
from frontdesk.paths import config_path, write_private_text


class ConfigError(Exception):
    """A configuration problem, phrased for the person fixing it."""


def _reveal(value: SecretStr | None) -> str | None:
    return value.get_secret_value() or None if value is not None else None


class ClinikoSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: a SecretStr: no repr, dump or traceback of the config shows it
    api_key: SecretStr | None = None
    base_url: str | None = None
    contact_email: str | None = None
    business_id: str | None = None
    requests_per_minute: int = Field(default=200, ge=1, le=200)
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    #: the most one request may take, however slowly Cliniko's answer trickles in
    deadline_seconds: float = Field(default=30.0, gt=0, le=300)

    @field_validator("business_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    def key(self) -> str | None:
        """The API key itself, for the one place that sends it (the client)."""
        return _reveal(self.api_key)


class UISection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    theme: Literal["textual-dark", "textual-light", "ansi-dark", "ansi-light"] = "textual-dark"
    refresh_seconds: int = Field(default=60, ge=10, le=3600)
    idle_lock_seconds: int = Field(default=300, ge=0, le=86400)
    reveal_seconds: int = Field(default=10, ge=1, le=120)
    #: a Telehealth call this many minutes old, patient not marked arrived: "late?"
    late_after_minutes: int = Field(default=5, ge=1, le=120)
    privacy_initials: bool = False
    keys: dict[str, str] = Field(default_factory=dict)
    #: "12h" or "24h"; unset: the account's country decides (12-hour in the US and Canada)
    clock: Literal["12h", "24h"] | None = None
    #: the sweep looks this many hours ahead; unset: the whole day shown
    sweep_hours: int | None = Field(default=None, ge=1, le=24)


def _secret(env_name: str | None, inline: SecretStr | None) -> str | None:
    if env_name and os.environ.get(env_name):
        return os.environ[env_name]
    return _reveal(inline)


class EmailSection(BaseModel):
    """SMTP delivery. The password comes from ``password_env`` (an environment
    variable's name) or ``password`` in this 0600 file; never elsewhere."""

    model_config = ConfigDict(extra="forbid")

    host: str
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password_env: str | None = None
    password: SecretStr | None = None
    from_address: str
    subject_template: str = DEFAULT_SUBJECT
    body_template: str = DEFAULT_BODY
    timeout_seconds: float = Field(default=15.0, gt=0, le=120)

    @field_validator("subject_template", "body_template")
    @classmethod
    def _templates(cls, value: str) -> str:
        return check_template(value)

    @model_validator(mode="after")
    def _plain_only_on_loopback(self) -> "EmailSection":
        if self.security == "none" and not is_loopback_host(self.host):
            raise ValueError("security = \"none\" is allowed only for a server on this machine (loopback)")
        return self

    def secret(self) -> str | None:
        return _secret(self.password_env, self.password)


class SMSSection(BaseModel):
    """An HTTP SMS gateway; Twilio's Messages API (or a compatible one)."""

    model_config = ConfigDict(extra="forbid")

    provider: Literal["twilio"] = "twilio"
    account_sid: str
    auth_token_env: str | None = None
    auth_token: SecretStr | None = None
    from_number: str = Field(pattern=r"^\+[1-9]\d{6,14}$")
    base_url: str = "https://api.twilio.com"
    body_template: str = DEFAULT_SMS
    timeout_seconds: float = Field(default=15.0, gt=0, le=120)

    @field_validator("body_template")
    @classmethod
    def _template(cls, value: str) -> str:
        return check_template(value)

    @field_validator("base_url")
    @classmethod
    def _https(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme == "https" and parts.hostname:
            return value.rstrip("/")
        if parts.scheme == "http" and is_loopback_host(parts.hostname):
            return value.rstrip("/")
        raise ValueError("must be an https URL (plain http only for this machine's loopback)")

    def secret(self) -> str | None:
        return _secret(self.auth_token_env, self.auth_token)


class AuditSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: entries older than this are removed when the console starts (the
    #: removal itself is recorded). Seven years: Australian health records
    #: guidance; HIPAA asks for six.
    keep_years: int = Field(default=7, ge=1, le=100)
    #: a folder every desk on this server can write (group frontdesk, 2770):
    #: the sends under way, shared, so two desks never send one link twice
    shared_dir: str | None = None


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cliniko: ClinikoSection = Field(default_factory=ClinikoSection)
    ui: UISection = Field(default_factory=UISection)
    audit: AuditSection = Field(default_factory=AuditSection)
    email: EmailSection | None = None
    sms: SMSSection | None = None



def _line_of(text: str, loc: tuple[object, ...]) -> int | None:
    """Best-effort line number of the key at *loc* (section, key) in *text*."""
    section, key = (str(loc[0]), str(loc[1])) if len(loc) >= 2 else (None, str(loc[0]) if loc else "")
    in_section = section is None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]$", stripped)
        if header:
            if section is not None and header.group(1) == section and len(loc) == 1:
                return number
            in_section = section is None or header.group(1) == section
            continue
        if in_section and re.match(rf"^{re.escape(key)}\s*=", stripped):
            return number
    if section is not None:
        for number, line in enumerate(text.splitlines(), 1):
            if re.match(rf"^\[\s*{re.escape(section)}\s*\]$", line.strip()):
                return number
    return None


def _toml(text: str, source: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML ({exc}).") from None


def _validate(raw: dict, text: str, source: str,
              blame: Callable[[tuple[object, ...]], tuple[str, str]] | None = None) -> Config:
    """*raw* as a Config; each problem names its file (*blame* says which
    file's text and name a setting came from) and line."""
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            text, source = blame(loc) if blame else (text, source)
            line = _line_of(text, loc)
            where = f"line {line}, " if line else ""
            field = ".".join(str(p) for p in loc)
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = "is not a setting frontdesk knows"
            problems.append(f"{source}: {where}{field}: {message}")
        raise ConfigError("\n".join(problems)) from None


def parse_config(text: str, source: str = "config.toml") -> Config:
    return _validate(_toml(text, source), text, source)


#: environment variable → (section, setting). They win over the file, and
#: go through the same validation as the file's values.
ENVIRONMENT = {
    "CLINIKO_API_KEY": ("cliniko", "api_key"),
    "CLINIKO_BASE_URL": ("cliniko", "base_url"),
    "FRONTDESK_CONTACT_EMAIL": ("cliniko", "contact_email"),
}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position {exc.start}). "
            "Save it as UTF-8, or move it aside and run frontdesk to set up again."
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or type(exc).__name__}).") from None


def _plain(value: object) -> object:
    """A setting as TOML can hold it: secrets revealed (this file is 0600), None dropped."""
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    return value


def _merge(table: dict, values: dict, defaults: dict, clinic: dict) -> None:
    """Update a TOML table in place, keeping the user's comments and order:
    settings now unset go, changed ones change where they stand, and new ones
    are added when they differ from the default and from what the clinic's
    system file (*clinic*) already gives."""
    for key in [k for k in table if k not in values]:
        del table[key]
    for key, value in values.items():
        if isinstance(value, dict):
            sub = table.get(key)
            if not isinstance(sub, dict):
                sub = _new_table()
            _merge(sub, value, defaults.get(key) or {}, clinic.get(key) or {})
            if sub or key in table:
                table[key] = sub
        elif key in table:
            if table[key] != value:
                table[key] = value
        elif value != defaults.get(key, _MISSING) and value != clinic.get(key, _MISSING):
            table[key] = value


_MISSING = object()


def _new_table() -> dict:
    import tomlkit

    return tomlkit.table()


def _defaults(section: type[BaseModel]) -> dict:
    return {name: field.get_default(call_default_factory=True) for name, field in section.model_fields.items()
            if not field.is_required()}
_HEADER = "frontdesk configuration (this file may hold your API key: keep it 0600)"


def render_config(config: Config, existing: str = "", clinic: dict | None = None) -> str:
    """*config* as TOML; written into *existing* (a file's text) when given,
    so the user's comments and order survive a save. What the clinic's
    system file gives (*clinic*, its raw sections) is not copied in."""
    import tomlkit  # only when saving: ~10 ms of every start otherwise
    doc = tomlkit.parse(existing) if existing.strip() else tomlkit.document()
    if not existing.strip():
        doc.add(tomlkit.comment(_HEADER))
    fresh = not existing.strip()
    for name, section in (("cliniko", config.cliniko), ("ui", config.ui), ("audit", config.audit),
                          ("email", config.email), ("sms", config.sms)):
        if section is None:
            doc.pop(name, None)
            continue
        values = _plain(section.model_dump())
        table = doc.get(name)
        if not isinstance(table, dict):
            table = _new_table()
        # a fresh file spells out every setting, unless a clinic's file exists:
        # then a default written here would hide the clinic's later change
        defaults = {} if fresh and not clinic else _defaults(type(section))
        _merge(table, values, defaults, (clinic or {}).get(name) or {})
        if table or name in doc:
            doc[name] = table
    return tomlkit.dumps(doc)


def save_config(config: Config, path: Path | None = None, clinic: dict | None = None) -> Path:
    path = path or config_path()
    try:
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
        tomllib.loads(existing)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        existing = ""  # unreadable: written afresh (it was checked before anything was saved)
    write_private_text(path, render_config(config, existing, clinic))
    return path
