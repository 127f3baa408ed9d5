"""Command palette (ctrl+p): every console action, by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.screens.main import MainScreen

ACTIONS = [
    ("Filter appointments", "filter"),
    ("Clear the filter", "clear_filter"),
    ("Previous day", "prev_day"),
    ("Next day", "next_day"),
    ("Today", "today"),
    ("Choose location", "business"),
    ("Toggle Telehealth only", "telehealth_only"),
    ("Reveal patient link (audited)", "reveal"),
    ("Copy patient link (audited)", "copy_patient"),
    ("Copy practitioner / admin link", "copy_practitioner"),
    ("Send patient link to patient", "send"),
    ("Mark arrived (again: clear it)", "arrived"),
    ("Mark did not arrive (again: clear it)", "did_not_arrive"),
    ("Show: all / not arrived yet / late? / link not sent", "status_filter"),
    ("Jump to the next Telehealth call", "up_next"),
    ("Find a patient's appointments (next 14 days)", "find_patient"),
    ("Export day sheet (CSV, no links)", "export_day_sheet"),
    ("Refresh the whole day", "refresh"),
    ("Outbox: what was delivered", "outbox"),
    ("Audit log of this appointment", "audit"),
    ("Toggle privacy: names as initials", "privacy"),
    ("Lock the screen", "lock"),
]


class FrontdeskCommands(Provider):
    def _screen(self) -> MainScreen | None:
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        return None

    async def _run(self, action: str) -> None:
        screen = self._screen()
        if screen is not None:
            await screen.run_action(action)

    async def discover(self) -> Hits:
        if self._screen() is None:
            return
        for title, action in ACTIONS:
            yield DiscoveryHit(title, partial(self._run, action))

    async def search(self, query: str) -> Hits:
        if self._screen() is None:
            return
        matcher = self.matcher(query)
        for title, action in ACTIONS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, action))
