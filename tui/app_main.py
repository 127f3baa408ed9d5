"""Start the console: a demo session on the sandbox, the configured account,
or the set-up screen when there is no usable configuration."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.config import Config
from tui.services.session import open_demo_session, open_session


def run_console(args: argparse.Namespace, config: Config, path: Path) -> int:
    from tui.app import FrontdeskApp

    session = None
    if args.demo:
        session = open_demo_session(config, now=args.now)
    elif config.cliniko.key() and config.cliniko.contact_email:
        session = open_session(config)
    app = FrontdeskApp(
        config,
        config_path=path,
        session=session,
        session_factory=open_session,
        local_date=args.date,
        business_id=args.business,
    )
    app.run()
    return 0
