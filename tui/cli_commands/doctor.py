"""``frontdesk doctor``: the config file's permissions, then every check of
:mod:`tui.services.checks`, one line each."""

from __future__ import annotations

import stat
from pathlib import Path

from tui.cliniko.client import ClinikoClient
from tui.config import Config
from tui.services.checks import Report, check_settings


def check_file_mode(path: Path, report: Report) -> None:
    if not path.exists():
        report.warn(f"No config file at {path} (environment variables only).")
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        report.warn(f"{path} is readable by other users (mode {mode:o}); run: chmod 600 {path}")
    else:
        report.ok(f"Config file {path} (mode {mode:o}).")


async def run_doctor(config: Config, config_file: Path | None, *, client: ClinikoClient | None = None) -> Report:
    report = Report()
    if config_file is not None:
        check_file_mode(config_file, report)
    return await check_settings(config, report, client=client)
