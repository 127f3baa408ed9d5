"""`make bench`: load a big clinic day from the sandbox over loopback HTTP
with injected latency, and print wall time, requests and time per phase.

Workload: 600 individual + 40 group appointments (8 attendees each), 30
appointment types, 25 practitioners, one business; L = 100 ms per request.
Each figure is the median of 5 runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.cliniko.client import ClinikoClient  # noqa: E402
from tui.cliniko.governor import RateGovernor  # noqa: E402
from tui.sandbox.clock import fixed_clock  # noqa: E402
from tui.sandbox.faults import FaultPlan  # noqa: E402
from tui.sandbox.runner import SandboxServer  # noqa: E402
from tui.sandbox.seed import DEMO_KEY, benchmark_size  # noqa: E402
from tui.sandbox.server import Sandbox  # noqa: E402
from tui.services.day_loader import DayLoader  # noqa: E402

NOW = datetime(2026, 11, 23, 23, 5, tzinfo=timezone.utc)
DAY = date(2026, 11, 24)
PHASES = [
    ("reference data", ("/v1/businesses", "/v1/appointment_types", "/v1/practitioners")),
    ("appointment pages", ("/v1/individual_appointments", "/v1/group_appointments")),
    ("attendee batches", ("/v1/attendees",)),
    ("patient batches", ("/v1/patients",)),
]


async def one_run(server: SandboxServer) -> dict[str, float]:
    sandbox = server.sandbox
    sandbox.requests.clear()
    client = ClinikoClient(DEMO_KEY, "bench@frontdesk.example", base_url=server.base_url,
                           governor=RateGovernor(limit=10_000))
    loader = DayLoader(client, clock=fixed_clock(NOW))
    first_rows = []
    started = time.perf_counter()
    day = await loader.load(DAY, on_progress=lambda d: first_rows.append(time.perf_counter()) if d.appointments and not first_rows else None)
    wall = time.perf_counter() - started
    await client.aclose()
    out = {"wall": wall, "requests": len(sandbox.requests), "appointments": len(day.appointments),
           "first_rows": (first_rows[0] - started) if first_rows else wall}
    for name, paths in PHASES:
        done = [r.answered for r in sandbox.requests if r.path in paths]
        out[f"{name} done at"] = (max(done) - started) if done else 0.0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--individual", type=int, default=600)
    parser.add_argument("--groups", type=int, default=40)
    args = parser.parse_args()
    sandbox = Sandbox(clock=fixed_clock(NOW), size=benchmark_size(args.individual, args.groups),
                      faults=FaultPlan(latency=args.latency))
    sandbox.options.rate_limit = 10_000
    with SandboxServer(sandbox) as server:
        runs = [asyncio.run(one_run(server)) for _ in range(args.runs)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    floor = 4 * args.latency
    print(f"Day load: {args.individual} individual + {args.groups} group appointments, "
          f"L = {args.latency * 1000:.0f} ms, median of {args.runs} runs")
    print(f"{'figure':34} {'value':>12}")
    print(f"{'appointments loaded':34} {med['appointments']:>12.0f}")
    print(f"{'requests':34} {med['requests']:>12.0f}")
    print(f"{'wall time in multiples of L':34} {med['wall'] / args.latency:>12.1f}")
    print(f"{'first rows (s)':34} {med['first_rows']:>12.3f}")
    for name, _ in PHASES:
        print(f"{name + ' done at (s)':34} {med[name + ' done at']:>12.3f}")
    print(f"{'complete day wall time (s)':34} {med['wall']:>12.3f}")
    print(f"{'network floor 4 x L (s)':34} {floor:>12.3f}")
    print(f"{'wall / floor':34} {med['wall'] / floor:>12.2f}")


if __name__ == "__main__":
    main()
