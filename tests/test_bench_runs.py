"""`make bench` drives the real console: a change to what the panes or the
list expose must not leave it waiting for a paint that never comes. One
short run (no injected latency, a small day) of the console figures."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_console_bench_still_drives_the_console(tmp_path):
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.clinic import SandboxProcess
        from benchmarks.run import console_figures

        sandbox = SandboxProcess(60, 4, 0.0)
        try:
            figures = console_figures(sandbox, tmp_path, moves=5)
        finally:
            sandbox.stop()
    finally:
        sys.path.remove(str(ROOT))
    assert 0 < figures["cursor_p50"] <= figures["cursor_p95"] < 5
    assert figures["arrival_requests"] == 1 and figures["refresh_requests"] >= 1
    assert 0 < figures["console_first_rows"] <= figures["console_complete"]
