"""Where the link panel's requests go: reveal and copy to LinkActions
(audited, off the UI loop), send to SendFlow; and the logs they write to
(o: outbox, a: audit). A part of :class:`~frontdesk.screens.main.MainScreen`,
like :class:`~frontdesk.screens.navigation.Navigation`."""

from __future__ import annotations

from typing import Protocol

from frontdesk.screens.console import Console
from frontdesk.screens.link_actions import LinkActions, RevealRecorded
from frontdesk.screens.send_flow import SendFinished, SendFlow, SendStarted
from frontdesk.widgets.link_panel import LinkPanel


class Routes(Console, Protocol):
    link_actions: LinkActions
    send_flow: SendFlow

    def read_sends(self) -> None: ...


class LinkRoutes:
    def action_panel(self: Routes, name: str) -> None:
        """A link panel key (LinkPanel.KEYS): the panel runs it."""
        getattr(self.links, f"action_{name}")()

    def on_link_panel_reveal_requested(self: Routes, message: LinkPanel.RevealRequested) -> None:
        self.link_actions.reveal(message.view, message.attendee)

    def on_link_panel_copy_requested(self: Routes, message: LinkPanel.CopyRequested) -> None:
        if message.role == "patient":
            self.link_actions.copy_patient(message.view, message.attendee)
        else:
            self.link_actions.copy_practitioner(message.view)

    def on_link_panel_send_requested(self: Routes, message: LinkPanel.SendRequested) -> None:
        self.send_flow.start(message.view, message.attendee)

    def on_reveal_recorded(self: Routes, message: RevealRecorded) -> None:
        if not self.links.reveal_for(message.seconds, message.appointment_id, message.attendee_id):
            self.say("Not shown: the selection moved while the reveal was being recorded. Press v again.",
                     severity="warning")

    def on_send_started(self: Routes, message: SendStarted) -> None:
        self.links.sending = True

    def on_send_finished(self: Routes, message: SendFinished) -> None:
        self.links.sending = False
        self.send_flow.finished(message)
        self.read_sends()  # the marks, notes and up next follow

    def action_outbox(self: Routes) -> None:
        self.link_actions.show_outbox(self.state.zone)

    def action_audit(self: Routes) -> None:
        self.link_actions.show_audit(self.current_view(), self.state.zone)
