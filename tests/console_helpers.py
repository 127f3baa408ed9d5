"""Helpers for driving the console: finding seeded appointments of a kind,
reading what the widgets show, and hearing the notifications (from the
messages posted, as harlequin's tests do, not from the app's internals)."""

from __future__ import annotations

import sqlite3

from textual.notifications import Notify
from textual.widgets import Input

from frontdesk.app import FrontdeskApp
from frontdesk.screens.send import SendConfirmScreen
from frontdesk.widgets.detail_pane import DetailPane
from frontdesk.widgets.link_panel import LinkPanel
from frontdesk.widgets.text_lines import TextLines

from conftest import NOW


def screen_lines(widget) -> list[str]:
    """What a widget shows, line by line, as text."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


class Heard:
    """``run_test(message_hook=heard)``: every notification posted, in order."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def __call__(self, message) -> None:
        if isinstance(message, Notify):
            self.notes.append(message.notification.message)

    def clear(self) -> None:
        self.notes.clear()

    def __contains__(self, text: str) -> bool:
        return any(text in note for note in self.notes)


def views(app):
    return app.screen.views


def find(app, predicate):
    for view in app.screen.day.views():
        if predicate(view):
            return view
    raise LookupError("no seeded appointment matches")


def eligible(app):
    return find(app, lambda v: v.kind == "individual" and v.decision(v.primary_attendee(), NOW).allowed)


def of_state(app, state, kind="individual", status=None):
    return find(
        app,
        lambda v: v.kind == kind and v.telehealth == state and (status is None or v.status == status)
        and v.appointment.ends_at > NOW,
    )


def cancelled(app):
    return find(app, lambda v: v.status == "cancelled" and v.kind == "individual")


def group(app):
    return find(app, lambda v: v.kind == "group" and v.telehealth == "on" and v.appointment.ends_at > NOW)


def links_text(app) -> str:
    panel = app.screen.query_one(LinkPanel)
    return "\n".join(w.plain for w in panel.query(TextLines))


def detail_text(app) -> str:
    return str(app.screen.query_one(DetailPane).describe())


def header_text(app) -> str:
    return str(app.screen.query_one("#header").render())


def audit_rows(tmp_path, columns="action, appointment_id, attendee_id, link_fingerprint"):
    db = tmp_path / "data" / "audit.sqlite3"
    return sqlite3.connect(db).execute(f"SELECT {columns} FROM audit ORDER BY id").fetchall()


async def open_send(app, pilot, view):
    app.screen.select_appointment(view.id)
    await pilot.pause()
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(app.screen, SendConfirmScreen)
    await app.workers.wait_for_complete()  # the check for earlier sends
    await pilot.pause()
    return app.screen


def dialog_text(screen) -> str:
    return "\n".join(str(w.render()) for w in screen.query("Static"))


def setup_app(tmp_path, server):
    from frontdesk.config import Config
    from frontdesk.services.session import open_session

    config = Config.model_validate({"cliniko": {"base_url": server.base_url}})
    return FrontdeskApp(config, config_path=tmp_path / "config" / "config.toml", session_factory=open_session)


def fill(screen, values: dict[str, str], security: str = "none") -> None:
    for selector, value in values.items():
        screen.query_one(selector, Input).value = value
    screen.query_one("#smtp-security").value = security
