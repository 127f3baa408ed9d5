"""Start the console: on a session (the configured account's, or the
demo's), or on the set-up screen when there is no usable configuration."""

from __future__ import annotations

import argparse
from frontdesk.app import FrontdeskApp
from frontdesk.config_layers import Settings
from frontdesk.services.session import Session, open_session


def run_console(args: argparse.Namespace, settings: Settings, session: Session | None) -> int:
    app = FrontdeskApp(
        settings.config,
        config_path=settings.user.path,
        clinic=settings,
        session=session,
        session_factory=open_session,
        local_date=args.date,
        business_id=args.business,
    )
    app.run()
    return app.return_code or 0
