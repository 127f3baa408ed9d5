"""The morning sweep, measured: keys from the console's first complete day
to every eligible link sent, and the wall time and Cliniko requests of 40
sends against the sandbox at its latency, beside a single send's requests.
Email only (a loopback SMTP server), so the SMS provider's pace (a second a
message, kept on purpose) does not hide Cliniko's cost."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from benchmarks.clinic import DAY, SandboxProcess, jobs_done, make_session


def _with_email(sandbox: SandboxProcess, tmp: Path, port: int):
    from frontdesk.config import EmailSection
    from frontdesk.services.delivery.email import EmailSender

    session, config = make_session(sandbox, tmp)
    email = EmailSection(host="127.0.0.1", port=port, security="none", from_address="bench@frontdesk.example")
    session.delivery.email = EmailSender(email)
    return session, config.model_copy(update={"email": email})


def sweep_figures(sandbox: SandboxProcess, tmp: Path, sends: int = 40) -> dict[str, float]:
    from frontdesk.app import FrontdeskApp
    from frontdesk.domain.clock import date_and_time
    from frontdesk.sandbox.smtp import MailCatcher
    from frontdesk.screens.sweep import SweepScreen
    from frontdesk.services.sweep import plan_sweep, run_sweep

    async def keys(port: int) -> float:
        """S, then y: every eligible link sent (the count is checked)."""
        session, config = _with_email(sandbox, tmp / "keys", port)
        config = config.model_copy(update={"ui": config.ui.model_copy(update={"idle_lock_seconds": 0})})
        app = FrontdeskApp(config, config_path=tmp / "c.toml", session=session)
        pressed = 0
        async with app.run_test(size=(120, 40)) as pilot:
            while app.screen.day is None or not app.screen.day.complete:
                await asyncio.sleep(0.01)
            await jobs_done(app)
            for key in ("S", "y"):
                await pilot.press(key)
                pressed += 1
            screen = app.screen
            assert isinstance(screen, SweepScreen)
            while not screen.over:
                await asyncio.sleep(0.05)
            assert screen.sent == len(screen.plan.items) > 0, "the sweep did not send every eligible link"
        return float(pressed)

    async def wall(port: int) -> dict[str, float]:
        session, _ = _with_email(sandbox, tmp / "wall", port)
        try:
            await session.sign_in()
            day = await session.loader.load(DAY)
            plan = plan_sweep(day.views(), session.clock(), ("email",), {}, {}, date_and_time)
            items = list(plan.items)
            assert len(items) > sends, f"the bench day has only {len(items)} Telehealth patients to send"
            sandbox.requests()
            await run_sweep(session.delivery, items[:1])
            single = sandbox.requests()
            started = time.perf_counter()
            results = await run_sweep(session.delivery, items[1:sends + 1])
            took = time.perf_counter() - started
            assert all(r.outcome == "sent" for r in results), [r.words for r in results if r.outcome != "sent"][:3]
            return {"sweep_wall": took, "sweep_requests_per_send": sandbox.requests() / sends,
                    "single_send_requests": float(single)}
        finally:
            await session.aclose()

    with MailCatcher() as mail:
        figures = asyncio.run(wall(mail.port))
    with MailCatcher() as mail:
        figures["sweep_keys"] = asyncio.run(keys(mail.port))
    return figures
