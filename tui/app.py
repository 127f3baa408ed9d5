"""The Textual application: themes, keymap, screens and the idle lock."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.binding import Binding
from textual.notifications import Notify

from frontdesk.screens.palette import FrontdeskCommands
from frontdesk.config import Config
from frontdesk.config_layers import Settings
from frontdesk.domain.terms import ours
from frontdesk.domain.days import DayWanted
from frontdesk.app_crash import CrashInPlainWords
from frontdesk.screens.main import MainScreen
from frontdesk.paths import data_dir
from frontdesk.screens.lock import LockScreen
from frontdesk.screens.modals import HelpScreen
from frontdesk.services.pin import PinLock
from frontdesk.services.audit_export import keep_audit_years
from frontdesk.services.early_load import EarlyLoad
from frontdesk.services.session import Session

#: seconds after the console opens that audit entries past [audit] keep_years go
KEEP_YEARS_AFTER = 3.0

SessionFactory = Callable[[Config], Session]


def styles_dir() -> Path:
    """``styles/`` beside the package in a checkout; ``frontdesk/_styles`` once installed."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_styles", here.parent / "styles"):
        if (candidate / "frontdesk.tcss").exists():
            return candidate
    raise FileNotFoundError("frontdesk's styles are missing from this installation")


class FrontdeskApp(CrashInPlainWords, App[None]):
    CSS_PATH = [styles_dir() / "frontdesk.tcss"]
    TITLE = "frontdesk"
    COMMANDS = App.COMMANDS | {FrontdeskCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave frontdesk"),
        Binding("question_mark", "help", "Help", id="help", tooltip="Every key and what it does"),
        Binding("ctrl+p", "command_palette", "Palette", show=False, id="palette", tooltip="Search every action by name"),
    ]

    def __init__(
        self,
        config: Config,
        *,
        config_path: Path,
        clinic: Settings | None = None,
        session: Session | None = None,
        session_factory: SessionFactory | None = None,
        local_date: DayWanted | None = None,
        business_id: str | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.config = config
        self.config_path = config_path
        #: the layered settings (the clinic's system file, then the user's)
        self.clinic = clinic
        self.session = session
        self.session_factory = session_factory
        self.local_date = local_date
        self.business_id = business_id
        self._monotonic = monotonic
        self._last_input = monotonic()
        self._early: EarlyLoad | None = None
        #: the screen lock's PIN (none set: any key unlocks)
        self.pin = PinLock(data_dir() / "lock-pin.json")
        self.theme = config.ui.theme

    def on_load(self) -> None:
        """Before Textual lays out anything: start the day's requests."""
        if self.session is not None:
            if self.business_id is not None:
                self.session.loader.business_id = self.business_id
            self._early = EarlyLoad(self.session.loader, self.local_date, self.session.clock())

    def on_mount(self) -> None:
        self._catch_stop_signals(install=True)
        if self.config.ui.keys:
            self.set_keymap(self.config.ui.keys)
        idle = self.config.ui.idle_lock_seconds
        if idle:
            self.set_interval(min(1.0, idle / 4), self._check_idle, name="idle-lock")
        if self.session is not None:
            self._open_console(self.session)
        else:
            from frontdesk.screens.setup import SetupScreen  # only a first run needs it

            self.push_screen(SetupScreen(self.config, self.config_path, self.pin, self.clinic), self._after_setup)

    def _after_setup(self, config: Config | None) -> None:
        if config is None or self.session_factory is None:
            self.exit()
            return
        self.config = config
        self.session = self.session_factory(config)
        self._open_console(self.session)

    def _open_console(self, session: Session) -> None:
        early, self._early = self._early, None
        self.push_screen(MainScreen(session, local_date=self.local_date, business_id=self.business_id, early=early))
        # once the console is up (it has the day to load first), in a thread
        self.set_timer(KEEP_YEARS_AFTER, partial(self.run_worker, partial(keep_audit_years, session), thread=True,
                                                 group="audit-keep-years", exit_on_error=False,
                                                 description="remove audit entries past [audit] keep_years"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Of Textual's own palette commands only Theme, Keys and Quit: a
        Screenshot would write patient data to disk, the rest are not for staff."""
        for command in super().get_system_commands(screen):
            if command.title in ("Theme", "Keys", "Quit"):
                yield command

    # -- a hang-up (SSH dropped, terminal closed) or a stop from the system ------

    def _catch_stop_signals(self, *, install: bool) -> None:
        """SIGHUP and SIGTERM end frontdesk cleanly instead of killing it:
        a send under way is recorded as it stands (see DeliveryService.stop)."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGHUP, signal.SIGTERM):
            try:
                if install:
                    loop.add_signal_handler(sig, self.stop_on_signal, sig)
                else:
                    loop.remove_signal_handler(sig)
            except (NotImplementedError, RuntimeError, ValueError):
                pass  # not the main thread, or a platform without these signals

    def stop_on_signal(self, sig: signal.Signals) -> None:
        delivery = self.session.delivery if self.session is not None else None
        if delivery is not None:
            cause = "the terminal or SSH connection closed" if sig == signal.SIGHUP else "it was told to stop"
            delivery.stop(f"frontdesk ended ({sig.name}: {cause}) while the message was being delivered")
        self.exit()

    async def on_unmount(self) -> None:
        self._catch_stop_signals(install=False)
        if self._early is not None:
            self._early.cancel()
        if self.session is not None:
            await self.session.aclose()

    # -- idle lock -----------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self._last_input = self._monotonic()
        await super().on_event(event)

    def _check_idle(self) -> None:
        idle = self.config.ui.idle_lock_seconds
        if idle and self._monotonic() - self._last_input >= idle:
            self.action_lock()

    def on_notify(self, event: Notify) -> None:
        """Also on the console's status line: where toasts are hidden (a
        short terminal) that line is where notifications are read."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                note = event.notification
                screen.status.say(note.message, title=note.title, severity=note.severity, timeout=note.timeout)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While locked nothing but the lock screen works: no palette (it
        could copy a link), no help, no quitting by a passer-by."""
        if isinstance(self.screen, LockScreen) and action != "lock":
            return False
        return super().check_action(action, parameters)

    def action_lock(self) -> None:
        if not isinstance(self.screen, LockScreen):
            self.push_screen(LockScreen(self.pin), lambda _: self._touch())

    def _touch(self) -> None:
        self._last_input = self._monotonic()

    # -- help ------------------------------------------------------------------

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        rows: list[tuple[str, str, str]] = [
            ("↑ ↓", "Move through the list", ""),
            ("PgUp PgDn", "A screenful up or down", ""),
            ("Home End", "First or last appointment", ""),
            ("Tab ⇧Tab", "Next / previous pane", "list, links, details; the focused one scrolls with ↑ ↓"),
        ]
        seen: set[str] = set()
        for active in self.active_bindings.values():
            binding = active.binding
            if not binding.id or binding.id in seen:
                continue  # only frontdesk's own actions, each once (keymaps applied)
            seen.add(binding.id)
            rows.append((self.get_key_display(binding), ours(binding.description), ours(binding.tooltip or "")))
        self.push_screen(HelpScreen(rows))
