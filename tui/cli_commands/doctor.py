"""``frontdesk doctor``: the settings files read and where each setting came
from (a secret's value never shown), the data folder and the audit log's
size, then every check of :mod:`frontdesk.services.checks`, one line each."""

from __future__ import annotations

import os
import stat

from frontdesk.cliniko.client import ClinikoClient
from frontdesk.config import Config
from frontdesk.config_layers import SECRETS, SYSTEM, Settings, SettingsFile
from frontdesk.paths import data_dir
from frontdesk.services.checks import Report, check_settings


def _file_line(found: SettingsFile, report: Report) -> None:
    role = "Clinic's system file" if found.layer == SYSTEM else "Your settings file"
    if not found.exists:
        report.ok(f"{role}: none at {found.path}.")
        return
    mode = stat.S_IMODE(found.path.stat().st_mode)
    if found.layer != SYSTEM and mode & 0o077:
        report.warn(f"{found.path} is readable by other users (mode {mode:o}); run: chmod 600 {found.path}")
    else:
        report.ok(f"{role} read: {found.path} (mode {mode:o}).")


def _origin_lines(settings: Settings, report: Report) -> None:
    for name, origin in sorted(settings.origins.items()):
        shown = "(secret, not shown)" if name in SECRETS else _value(settings.config, name)
        report.lines.append(f"       {name} = {shown}  ← {origin}")


def _value(config: Config, dotted: str) -> str:
    value: object = config
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    return repr(value) if isinstance(value, str) else str(value)


def _shared_line(config: Config, report: Report) -> None:
    """[audit] shared_dir: every desk on the server must be able to write it."""
    shared = config.audit.shared_dir
    if not shared:
        report.ok("No shared claims folder ([audit] shared_dir): two desks on this server are kept from "
                  "sending one link twice only by the memos each reads just before sending.")
    elif os.access(shared, os.W_OK | os.X_OK):
        report.ok(f"Shared claims folder {shared}: this desk can write it.")
    else:
        report.fail(f"Shared claims folder {shared} ([audit] shared_dir) is missing or not writable by this user: "
                    "nothing can be sent until IT fixes it (install -d -m 2770 -g frontdesk …).")


def _data_lines(report: Report) -> None:
    folder = data_dir()
    audit = folder / "audit.sqlite3"
    size = audit.stat().st_size if audit.exists() else 0
    report.ok(f"Data folder {folder}; audit log {audit.name} {size / 1024:.0f} KB"
              if audit.exists() else f"Data folder {folder}; no audit log yet.")


async def run_doctor(config: Config, settings: Settings | None, *, client: ClinikoClient | None = None) -> Report:
    report = Report()
    if settings is not None:
        for found in settings.files():
            _file_line(found, report)
        if settings.origins:
            report.lines.append("       where each setting came from:")
            _origin_lines(settings, report)
    _data_lines(report)
    _shared_line(config, report)
    return await check_settings(config, report, client=client)
