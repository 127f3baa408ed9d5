"""Memory of an idle console, as a receptionist's SSH session runs it: the
real ``frontdesk`` command in a pseudo-terminal (120x36), the day loaded,
then left alone; beside a bare Textual app (one Static) measured the same
way in the same run. Resident set (RSS) and proportional set (PSS: shared
pages split between the processes sharing them) from /proc.

    python benchmarks/memory.py            # 150 and 5,000 appointments
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.clinic import DAY, SandboxProcess, env_for  # noqa: E402

BARE = "from textual.app import App\nfrom textual.widgets import Static\n" \
       "class Bare(App):\n    def compose(self):\n        yield Static('idle')\nBare().run()\n"
#: the fixed choices alone, none of frontdesk: the bare app once pydantic has
#: built one model and httpx has made the one client that talks to Cliniko
FLOOR = "import httpx\nfrom pydantic import BaseModel\nclass One(BaseModel):\n    id: str\n" \
        "client = httpx.AsyncClient(verify=True)\n" + BARE


def _kib(pid: int, field: str, name: str = "status") -> int:
    for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def idle_memory(argv: list[str], env: dict[str, str], settle: float) -> dict[str, float]:
    """Start *argv* on a pseudo-terminal, let it draw and settle, and read
    its memory; the screen's output is drained so it never blocks."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the program itself, on the terminal
        os.execvpe(argv[0], argv, env | {"TERM": "xterm-256color"})
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    deadline = time.monotonic() + settle
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    os.read(fd, 65536)
                except OSError:
                    break
        return {"rss_mb": _kib(pid, "VmRSS") / 1024, "pss_mb": _kib(pid, "Pss", "smaps_rollup") / 1024}
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


def console_memory(appointments: int, tmp: Path, settle: float = 8.0) -> dict[str, float]:
    sandbox = SandboxProcess(appointments, 0, 0.0)
    try:
        env = env_for(sandbox, tmp) | {"FRONTDESK_SYSTEM_CONFIG": str(tmp / "no-system.toml")}
        return idle_memory([sys.executable, "-m", "frontdesk", "--date", DAY.isoformat()], env, settle)
    finally:
        sandbox.stop()


def bare_memory(code: str, settle: float = 4.0) -> dict[str, float]:
    return idle_memory([sys.executable, "-c", code], dict(os.environ), settle)


def memory_figures(tmp: Path) -> dict[str, float]:
    figures = {f"bare_{k}": v for k, v in bare_memory(BARE).items()}
    figures |= {f"floor_{k}": v for k, v in bare_memory(FLOOR).items()}
    for size in (150, 5000):
        figures |= {f"idle{size}_{k}": v for k, v in console_memory(size, tmp).items()}
    return figures


if __name__ == "__main__":
    import tempfile

    for name, value in memory_figures(Path(tempfile.mkdtemp(prefix="frontdesk-mem-"))).items():
        print(f"{name:22} {value:6.1f} MB")
