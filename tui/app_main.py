"""Start the console: on a session (the configured account's, or the
demo's), or on the set-up screen when there is no usable configuration."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.app import FrontdeskApp
from tui.config import Config
from tui.services.session import Session, open_session


def run_console(args: argparse.Namespace, config: Config, path: Path, session: Session | None) -> int:
    app = FrontdeskApp(
        config,
        config_path=path,
        session=session,
        session_factory=open_session,
        local_date=args.date,
        business_id=args.business,
    )
    app.run()
    return app.return_code or 0
