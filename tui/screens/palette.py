"""Command palette (ctrl+p): every console action, by name, built from the
console's own bindings (frontdesk.screens.keys), so a new key is in the palette
the moment it exists."""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from frontdesk.domain.terms import ours
from frontdesk.screens.keys import CONSOLE_KEYS
from frontdesk.screens.main import MainScreen

#: keys that only move the cursor: nothing to run from a list of actions
NOT_IN_PALETTE = {"down", "up"}


def palette_actions(bindings: list[Binding] = CONSOLE_KEYS) -> list[tuple[str, str]]:
    """(title, action) for every console binding worth running by name: its
    name as the footer and help give it, then what it does (and whether it
    is audited)."""
    return [(ours(f"{b.description}: {b.tooltip}" if b.tooltip else b.description), b.action)
            for b in bindings if b.id not in NOT_IN_PALETTE]


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
        for title, action in palette_actions():
            yield DiscoveryHit(title, partial(self._run, action))

    async def search(self, query: str) -> Hits:
        if self._screen() is None:
            return
        matcher = self.matcher(query)
        for title, action in palette_actions():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, action))
