"""Finding seeded appointments of a given kind in the loaded day."""

from __future__ import annotations

from conftest import NOW


def screen_lines(widget) -> list[str]:
    """What a widget shows, line by line, as text."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


def views(app):
    return app.screen._views


def find(app, predicate):
    for view in app.screen.day.views():
        if predicate(view):
            return view
    raise LookupError("no seeded appointment matches")


def eligible(app):
    return find(app, lambda v: v.kind == "individual" and v.send_eligibility(v.primary_attendee(), NOW).allowed)


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
