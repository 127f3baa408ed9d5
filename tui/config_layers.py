"""Settings in layers: the clinic's system file (IT's: email, SMS, contact
email, screen defaults), then each user's own file (their API key and
choices), then the environment. A later layer wins per setting.

The system file may hold a secret (an API key, the SMTP password, the SMS
token) only when other users of the server cannot read it: owner root,
group ``frontdesk``, mode 0640. Otherwise it is refused with that reason,
before anything connects anywhere."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from frontdesk.config import ENVIRONMENT, Config, ConfigError, _read, _toml, _validate
from frontdesk.paths import config_path, system_config_path

#: settings whose value is a secret: never shown, and only in a private file
SECRETS = ("cliniko.api_key", "email.password", "sms.auth_token")

SYSTEM, USER, DEFAULT = "system file", "your file", "default"


@dataclass(frozen=True)
class SettingsFile:
    path: Path
    #: SYSTEM or USER
    layer: str
    exists: bool
    text: str = ""
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    """The merged configuration, and where each setting came from."""

    config: Config
    system: SettingsFile
    user: SettingsFile
    #: "section.setting" → SYSTEM, USER or "environment NAME"
    origins: dict[str, str]

    def given_by_system(self, dotted: str) -> bool:
        """The clinic's file sets it and neither the user nor the environment overrides it."""
        return self.origins.get(dotted) == SYSTEM or any(
            origin == SYSTEM for name, origin in self.origins.items() if name.startswith(f"{dotted}."))

    def origin(self, dotted: str) -> str:
        return self.origins.get(dotted, DEFAULT)

    def files(self) -> tuple[SettingsFile, ...]:
        return (self.system, self.user)


def _leaves(raw: Mapping, prefix: str = "") -> dict[str, object]:
    found: dict[str, object] = {}
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and name != "ui.keys":
            found.update(_leaves(value, f"{name}."))
        else:
            found[name] = value
    return found


def _merged(lower: Mapping, upper: Mapping) -> dict:
    out = {key: (dict(value) if isinstance(value, Mapping) else value) for key, value in lower.items()}
    for key, value in upper.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out


def _read_layer(path: Path, layer: str) -> SettingsFile:
    if not path.exists():
        return SettingsFile(path, layer, False)
    try:
        text = _read(path)
    except ConfigError as exc:
        if layer == SYSTEM and not os.access(path, os.R_OK):
            raise ConfigError(
                f"{path}: the clinic's settings file cannot be read by this user. Ask IT to add you to the "
                "group that owns it (e.g. sudo usermod -aG frontdesk $USER), then sign in again.") from None
        raise exc from None
    return SettingsFile(path, layer, True, text, _toml(text, str(path)))


def _check_system_secrets(system: SettingsFile) -> None:
    held = [name for name in SECRETS if name in _leaves(system.raw)]
    if not held:
        return
    mode = stat.S_IMODE(system.path.stat().st_mode)
    if mode & 0o004:
        raise ConfigError(
            f"{system.path}: holds {', '.join(held)}, but every user on this server can read it (mode {mode:o}). "
            "A secret may be in the clinic's file only when it is not world-readable: "
            f"sudo chgrp frontdesk {system.path} && sudo chmod 640 {system.path} "
            "(or name an environment variable with password_env / auth_token_env instead).")


def load_settings(path: Path | None = None, *, system_path: Path | None = None,
                  env: Mapping[str, str] | None = None) -> Settings:
    """Read both files, merge them (the user's file wins), then apply the
    environment (:data:`frontdesk.config.ENVIRONMENT`), and validate the result."""
    env = os.environ if env is None else env
    system = _read_layer(system_path or system_config_path(), SYSTEM)
    user = _read_layer(path or config_path(), USER)
    _check_system_secrets(system)
    origins = {name: SYSTEM for name in _leaves(system.raw)} | {name: USER for name in _leaves(user.raw)}
    raw = _merged(system.raw, user.raw)
    for var, (section, setting) in ENVIRONMENT.items():
        if env.get(var, "").strip():
            raw.setdefault(section, {})[setting] = env[var].strip()
            origins[f"{section}.{setting}"] = f"environment {var}"

    def blame(loc: tuple[object, ...]) -> tuple[str, str]:
        section, dotted = str(loc[0]) if loc else "", ".".join(str(part) for part in loc[:2])
        if origins.get(dotted) == SYSTEM or (dotted not in origins and section in system.raw
                                             and section not in user.raw):
            return system.text, str(system.path)
        return user.text, str(user.path)

    config = _validate(raw, user.text, str(user.path), blame)
    return Settings(config, system, user, origins)


def load_config(path: Path | None = None, *, env: Mapping[str, str] | None = None) -> Config:
    return load_settings(path, env=env).config
