"""Where frontdesk keeps its files, and how it creates them.

Everything frontdesk writes holds health information or secrets, so every
file is created 0600 inside 0700 directories, whatever the umask.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "frontdesk"


def config_path() -> Path:
    override = os.environ.get("FRONTDESK_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def system_config_path() -> Path:
    """The clinic's settings, set by IT for every user of this server
    (``/etc/xdg/frontdesk/config.toml`` on Linux)."""
    override = os.environ.get("FRONTDESK_SYSTEM_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.site_config_dir(APP_NAME)) / "config.toml"


def data_dir() -> Path:
    override = os.environ.get("FRONTDESK_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME))


def exports_dir() -> Path:
    """Day sheets go to a frontdesk folder (0700) in the user's documents."""
    override = os.environ.get("FRONTDESK_EXPORT_DIR")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_documents_dir()) / APP_NAME


def ensure_private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except PermissionError:
        pass
    return path


def write_private_text(path: Path, text: str) -> None:
    """Atomically replace *path* with *text*, readable by its owner only."""
    ensure_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def touch_private(path: Path) -> Path:
    """Create *path* (if missing) as a 0600 file inside a 0700 directory."""
    ensure_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path


def saved_where(path: Path) -> str:
    """Where a file frontdesk wrote is, in staff's words: over SSH it is on
    the clinic server, not the computer in front of them."""
    if os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT"):
        import socket

        host = socket.gethostname()
        return f"on the server {host}, not this computer, at {path} (to copy it here: scp {host}:{path} .)"
    return f"at {path}"
