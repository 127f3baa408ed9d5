"""`make bench`: frontdesk against the sandbox over loopback HTTP with
injected latency. The sandbox runs in its own process (`frontdesk sandbox`),
as Cliniko would, so its CPU does not share frontdesk's interpreter.

Workload: one business, 600 individual + 40 group appointments (8 attendees
each), 30 types, 25 practitioners, L = 100 ms; and a 5,000-appointment
stress day. Each figure is the median of --runs runs (5 by default).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.clinic import (  # noqa: E402
    DAY, KEY_REPEAT, ROOT, SandboxProcess, env_for, jobs_done, make_session,
)


# -- 1. frontdesk today --json ---------------------------------------------------

def today_json(sandbox: SandboxProcess, tmp: Path) -> dict[str, float]:
    sandbox.requests()
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "frontdesk", "today", "--json", "--date", DAY.isoformat()],
                         env=env_for(sandbox, tmp), capture_output=True, text=True, check=True).stdout
    wall = time.perf_counter() - started
    count = len(json.loads(out)["appointments"])
    return {"today_wall": wall, "today_requests": sandbox.requests(), "today_appointments": count}


def loader_phases(sandbox: SandboxProcess, tmp: Path) -> dict[str, float]:
    async def run():
        session, _ = make_session(sandbox, tmp)
        first = []
        started = time.perf_counter()
        day = await session.loader.load(
            DAY, on_progress=lambda d: first.append(time.perf_counter()) if d.appointments and not first else None)
        wall = time.perf_counter() - started
        await session.aclose()
        links = sum(1 for a in day.attendees.values() if a.telehealth_url)
        return {"load_wall": wall, "load_first_rows": first[0] - started, "links": links}

    sandbox.requests()
    result = asyncio.run(run())
    result["load_requests"] = sandbox.requests()
    return result


# -- 2-5. the console, headless ---------------------------------------------------

class PaintClock:
    """Latency from an action to the end of the first screen paint that shows
    its outcome (``shown()`` true when the paint starts): what staff see,
    without Pilot's own overhead."""

    def __init__(self) -> None:
        from textual.screen import Screen

        self.pending: list[float] = []
        self.latencies: list[float] = []
        self.shown = lambda: True
        self.seen: asyncio.Event | None = None
        self._screen = Screen
        self._original = Screen._compositor_refresh
        clock = self

        def timed(screen):
            ready = bool(clock.pending) and clock.shown()
            result = clock._original(screen)
            if ready:
                now = time.perf_counter()
                clock.latencies.extend(now - t for t in clock.pending)
                clock.pending.clear()
                if clock.seen is not None:
                    clock.seen.set()
            return result

        Screen._compositor_refresh = timed

    def start(self) -> None:
        self.seen = asyncio.Event()
        self.pending.append(time.perf_counter())

    async def wait(self, most: float = 10.0) -> None:
        """Until the paint that shows the outcome of the last ``start`` (an
        error after *most* seconds: the console no longer shows what the
        bench looks for, and it must say so, not wait for ever)."""
        try:
            await asyncio.wait_for(self.seen.wait(), most)
        except TimeoutError:
            raise RuntimeError(f"no paint showed the outcome within {most:.0f} s") from None

    def close(self) -> None:
        self._screen._compositor_refresh = self._original


def fresh_process() -> None:
    """Between console runs in this one process: the finished app's memory
    back to the collector, so the next run starts as a new process would."""
    import gc

    gc.unfreeze()
    gc.collect()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share + 0.5) - 1)]


def console_figures(sandbox: SandboxProcess, tmp: Path, moves: int) -> dict[str, float]:
    from frontdesk.app import FrontdeskApp
    from frontdesk.screens.main import MainScreen
    from frontdesk.widgets.appointment_table import AppointmentTable
    from frontdesk.widgets.detail_pane import DetailPane
    from frontdesk.widgets.link_panel import LinkPanel

    marks: dict[str, float] = {}
    original = MainScreen.on_day_updated
    draw = MainScreen._draw_rows

    def spy(self, message):
        original(self, message)
        if self.day is not None and self.day.complete and "complete" not in marks:
            marks["complete"] = time.perf_counter()

    def spy_draw(self):
        draw(self)
        if self.views and "first" not in marks:
            marks["first"] = time.perf_counter()

    MainScreen.on_day_updated = spy
    MainScreen._draw_rows = spy_draw
    paint = PaintClock()

    async def run():
        session, config = make_session(sandbox, tmp)
        config = config.model_copy(update={"ui": config.ui.model_copy(update={"idle_lock_seconds": 0})})
        app = FrontdeskApp(config, config_path=tmp / "c.toml", session=session)
        started = time.perf_counter()
        out = {}
        async with app.run_test(size=(140, 40)) as pilot:
            deadline = time.monotonic() + 60
            while "complete" not in marks:
                if time.monotonic() > deadline or not app.is_running:
                    raise RuntimeError("the console never showed a complete day")
                await asyncio.sleep(0.005)
            await jobs_done(app)
            await pilot.pause()
            out["console_first_rows"] = marks["first"] - started
            out["console_complete"] = marks["complete"] - started
            table = app.screen.query_one(AppointmentTable)
            panes = (app.screen.query_one(DetailPane), app.screen.query_one(LinkPanel))
            # a move is seen once the row and both panes show the new appointment
            paint.shown = lambda: all(p.shown is not None and p.shown.view.id == table.current_key for p in panes)
            paint.latencies.clear()
            for _ in range(moves):
                if table.cursor_row >= table.row_count - 1:
                    table.action_first()
                    await pilot.pause()
                pressed = time.perf_counter()
                paint.start()
                app.simulate_key("down")  # a real key event, through the bindings
                await paint.wait()
                # keys held down repeat about 30 times a second
                await asyncio.sleep(max(0.0, KEY_REPEAT - (time.perf_counter() - pressed)))
            paint.shown = lambda: True
            out["cursor_p50"] = statistics.median(paint.latencies)
            out["cursor_p95"] = percentile(paint.latencies, 0.95)
            out |= await arrival_toggles(app, pilot, table, paint, sandbox)
            out |= await lookup_days(app, pilot, paint, sandbox)
            sandbox.requests()
            t0 = time.perf_counter()
            app.screen.refresh_changes()
            await jobs_done(app)
            await pilot.pause()
            out["refresh_time"] = time.perf_counter() - t0
            out["refresh_requests"] = sandbox.requests()
        return out

    try:
        return asyncio.run(run())
    finally:
        MainScreen.on_day_updated = original
        MainScreen._draw_rows = draw
        paint.close()
        fresh_process()


async def arrival_toggles(app, pilot, table, paint: PaintClock, sandbox: SandboxProcess,
                          count: int = 10) -> dict[str, float]:
    """A (arrived) on booked rows: from the key (or, on a row not started,
    from the y that answers "ask first") to the paint showing the row
    changed (before Cliniko answers), and the requests each toggle makes.
    Each row is toggled back, so the sandbox is left as found."""
    booked = [v for v in app.screen.views if v.kind == "individual" and v.status == "booked"][:count]
    paint.latencies.clear()
    requests = []
    for view in booked:
        for target in ("arrived", "booked"):
            app.screen.select_appointment(view.id)
            await pilot.pause()
            await jobs_done(app)
            sandbox.requests()
            paint.shown = lambda v=view.id, t=target: table.cell(v, "status") == t
            paint.start()
            app.simulate_key("A")
            await pilot.pause()
            if app.screen.query("#ask"):  # not started yet: asked first; timed from the answer
                paint.pending.clear()
                paint.start()
                app.simulate_key("y")
            await paint.wait()
            await jobs_done(app)
            await pilot.pause()
            requests.append(sandbox.requests())
    paint.shown = lambda: True
    return {"arrival_p95": percentile(paint.latencies, 0.95), "arrival_requests": max(requests)}


async def lookup_days(app, pilot, paint: PaintClock, sandbox: SandboxProcess, count: int = 5) -> dict[str, float]:
    """ctrl+f, a patient chosen: from the choice to the paint showing their
    next 14 days; and the sequential round trips that took (requests made
    at once count as one)."""
    from textual.widgets import OptionList

    from frontdesk.screens.lookup import LookupScreen

    patients = []
    for view in app.screen.views:
        patient = view.primary_attendee().patient if view.kind == "individual" and view.attendees else None
        if patient is not None and patient.id not in {p.id for p in patients}:
            patients.append(patient)
    walls, trips = [], []
    for patient in patients[:count]:
        app.screen.action_find_patient()
        await pilot.pause()
        lookup = app.screen
        assert isinstance(lookup, LookupScreen)
        lookup._show_patients([patient])
        options = lookup.query_one("#lookup-patients", OptionList)
        options.highlighted = 0
        options.focus()
        await pilot.pause()
        sandbox.requests()
        paint.latencies.clear()
        paint.shown = lambda screen=lookup: screen.query_one("#lookup-appointments").display
        paint.start()
        app.simulate_key("enter")
        await paint.wait()
        walls.append(paint.latencies[-1])
        trips.append(sandbox.round_trips())
        lookup.dismiss(None)
        await pilot.pause()
    paint.shown = lambda: True
    return {"lookup_wall": statistics.median(walls), "lookup_trips": max(trips)}


def filter_latency(sandbox: SandboxProcess, tmp: Path) -> dict[str, float]:
    from textual.widgets import Input

    from frontdesk.app import FrontdeskApp
    from frontdesk.widgets.appointment_table import AppointmentTable

    paint = PaintClock()

    async def run():
        session, config = make_session(sandbox, tmp)
        config = config.model_copy(update={"ui": config.ui.model_copy(update={"idle_lock_seconds": 0})})
        app = FrontdeskApp(config, config_path=tmp / "c.toml", session=session)
        async with app.run_test(size=(140, 40)) as pilot:
            while app.screen.day is None or not getattr(app.screen.day, "complete", False):
                await asyncio.sleep(0.01)
            await jobs_done(app)
            await pilot.pause()
            rows = app.screen.query_one(AppointmentTable).row_count
            await asyncio.sleep(1.5)  # as a person would: the screen settles after the load
            await pilot.press("slash")
            box = app.screen.query_one("#filter", Input)
            paint.latencies.clear()
            for text in ("o", "ol", "oll", "olli"):
                paint.shown = lambda: app.screen.state.filter_text == text  # the rows are re-shown with it
                paint.start()
                box.value = text  # what a keystroke does, minus Pilot's plumbing
                await paint.wait()
            after = len(app.screen.views)
            ticks = []
            for _ in range(5):  # the 30 s clock tick: marks, the late nudge, up next
                t0 = time.perf_counter()
                app.screen.tick()
                ticks.append(time.perf_counter() - t0)
            return {"filter_rows": rows, "filter_p95": max(paint.latencies), "filter_after": after,
                    "tick": max(ticks)}

    try:
        return asyncio.run(run())
    finally:
        paint.close()
        fresh_process()


# -- 6-7. memory and cold start -------------------------------------------------------

RSS_SCRIPT = r"""
import asyncio, resource, sys, time
sys.path.insert(0, {root!r})
from benchmarks.clinic import SandboxProcess, make_session
from pathlib import Path
class Fake: pass
s = Fake(); s.base_url = {base!r}
from frontdesk.app import FrontdeskApp
async def main():
    session, config = make_session(s, Path({tmp!r}))
    config = config.model_copy(update={{"ui": config.ui.model_copy(update={{"idle_lock_seconds": 0}})}})
    app = FrontdeskApp(config, config_path=Path({tmp!r}) / "c.toml", session=session)
    async with app.run_test(size=(140, 40)) as pilot:
        while app.screen.day is None or not app.screen.day.complete:
            await asyncio.sleep(0.02)
        await pilot.pause()
        print(len(app.screen.day.appointments), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
asyncio.run(main())
"""

PAINT_SCRIPT = r"""
import time, sys
t0 = float(sys.argv[1])
sys.path.insert(0, {root!r})
import asyncio
from pathlib import Path
from benchmarks.clinic import make_session
class Fake: pass
s = Fake(); s.base_url = {base!r}
from textual.screen import Screen
from frontdesk.app import FrontdeskApp
from frontdesk.screens.main import MainScreen
painted = []
original = Screen._compositor_refresh
def timed(screen):
    original(screen)
    if isinstance(screen, MainScreen) and not painted:
        painted.append(time.time() - t0)  # the console's first frame, written out
Screen._compositor_refresh = timed
async def main():
    session, config = make_session(s, Path({tmp!r}))
    app = FrontdeskApp(config, config_path=Path({tmp!r}) / "c.toml", session=session)
    async with app.run_test(size=(120, 36)) as pilot:
        while not painted:
            await asyncio.sleep(0.001)
        print(painted[0])
        app.exit()
asyncio.run(main())
"""


def peak_rss(sandbox: SandboxProcess, tmp: Path) -> dict[str, float]:
    code = RSS_SCRIPT.format(root=str(ROOT), base=sandbox.base_url, tmp=str(tmp))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout.split()
    return {"rss_appointments": float(out[0]), "rss_mb": float(out[1]) / 1024}


def cold_start(sandbox: SandboxProcess, tmp: Path) -> dict[str, float]:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "frontdesk", "--version"], capture_output=True, check=True, cwd=tmp)
    version = time.perf_counter() - t0
    code = PAINT_SCRIPT.format(root=str(ROOT), base=sandbox.base_url, tmp=str(tmp))
    out = subprocess.run([sys.executable, "-c", code, repr(time.time())], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    return {"version": version, "first_paint": float(out[0])}


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--stress", type=int, default=5000)
    args = parser.parse_args()
    L = args.latency
    tmp = Path(tempfile.mkdtemp(prefix="frontdesk-bench-"))
    big = SandboxProcess(600, 40, L)
    stress = SandboxProcess(args.stress, 0, L)
    try:
        runs = []
        for _ in range(args.runs):
            figures = {}
            figures |= today_json(big, tmp)
            figures |= loader_phases(big, tmp)
            figures |= console_figures(big, tmp, args.moves)
            figures |= filter_latency(stress, tmp)
            figures |= cold_start(big, tmp)
            runs.append(figures)
        rss = peak_rss(stress, tmp)
        from benchmarks.memory import memory_figures
        from benchmarks.sweep import sweep_figures

        memory = memory_figures(tmp)
        sweep = sweep_figures(big, tmp)
    finally:
        big.stop()
        stress.stop()
    m = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    rows = [
        ("today --json wall (600+40)", m["today_wall"], 4 * L + 0.25 + m["version"], 4 * L, "s"),
        ("today --json requests", m["today_requests"], None, None, ""),
        ("day load in-process: complete", m["load_wall"], 4 * L + 0.25, 4 * L, "s"),
        ("day load in-process: first rows", m["load_first_rows"], L + 0.25, L, "s"),
        ("day load requests", m["load_requests"], None, None, ""),
        ("console: first rows shown", m["console_first_rows"], L + 0.25, L, "s"),
        ("console: complete, all links", m["console_complete"], 4 * L + 0.25, 4 * L, "s"),
        ("cursor latency p50", m["cursor_p50"] * 1000, 16, None, "ms"),
        ("cursor latency p95", m["cursor_p95"] * 1000, 16, None, "ms"),
        (f"filter keystroke p95 ({int(m['filter_rows'])} rows)", m["filter_p95"] * 1000, 50, None, "ms"),
        ("arrival toggle: key to row painted p95", m["arrival_p95"] * 1000, 16, None, "ms"),
        ("arrival toggle: requests", m["arrival_requests"], 1, None, ""),
        ("lookup: patient chosen to 14 days shown", m["lookup_wall"], 3 * L + 0.25, 2 * L, "s"),
        ("lookup: sequential round trips", m["lookup_trips"], 3, None, ""),
        (f"clock tick, worst of 5 ({int(m['filter_rows'])} rows)", m["tick"] * 1000, 16, None, "ms"),
        ("refresh, no changes: requests", m["refresh_requests"], 3, None, ""),
        ("refresh, no changes: time", m["refresh_time"], None, L, "s"),
        (f"peak RSS ({int(rss['rss_appointments'])} appointments)", rss["rss_mb"], 150, None, "MB"),
        ("idle console RSS, 150 appointments", memory["idle150_rss_mb"], 45, None, "MB"),
        ("idle console RSS, 5,000 appointments", memory["idle5000_rss_mb"], 100, None, "MB"),
        ("bare Textual app RSS (same run)", memory["bare_rss_mb"], None, None, "MB"),
        ("floor: Textual + pydantic model + httpx client", memory["floor_rss_mb"], None, None, "MB"),
        ("sweep: keys from the day to every link sent", sweep["sweep_keys"], 4, None, ""),
        ("sweep: 40 sends (email), wall", sweep["sweep_wall"], None, None, "s"),
        ("sweep: requests per send", sweep["sweep_requests_per_send"], sweep["single_send_requests"], None, ""),
        ("cold start: frontdesk --version", m["version"], None, None, "s"),
        ("cold start: first paint", m["first_paint"], 1.0, None, "s"),
    ]
    print(f"frontdesk benchmark — L = {L * 1000:.0f} ms, median of {args.runs} runs, "
          f"{int(m['today_appointments'])} appointments, {int(m['links'])} patient links")
    print(f"{'figure':44} {'value':>10} {'target':>10} {'floor':>8} {'ratio':>7}")
    for name, value, target, floor, unit in rows:
        t = f"{target:.3g}" if target is not None else "—"
        f = f"{floor:.3g}" if floor is not None else "—"
        ratio = f"{value / floor:.2f}" if floor else (f"{value / target:.2f}" if target else "—")
        print(f"{name:44} {value:>9.3g}{unit[:2]:<1} {t:>10} {f:>8} {ratio:>7}")
    print("ratio = value / floor where a floor exists (round trips × L), else value / target")


if __name__ == "__main__":
    main()
