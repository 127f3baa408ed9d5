"""The ``frontdesk`` command line."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import shutil
import signal
import sys
from datetime import datetime
from typing import Any

# httpx imports its optional command-line client (click, rich.progress,
# pygments) whenever those happen to be installed, and uvicorn brings click.
# frontdesk never runs it; blocking that import saves ~45 ms of every start
# that reaches Cliniko (`today --json`: 0.81 s with it, 0.83 s without).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

from frontdesk import __version__  # noqa: E402
from frontdesk.cliniko.errors import ClinikoError, ConfigurationError  # noqa: E402
from frontdesk.cli_commands.audit import iso_day  # noqa: E402
from frontdesk.config import Config, ConfigError  # noqa: E402
from frontdesk.config_layers import Settings, load_settings  # noqa: E402
from frontdesk.domain.days import FORMS, DayWanted, parse_day  # noqa: E402
from frontdesk.domain.practitioners import PractitionerNotFound  # noqa: E402
from frontdesk.paths import config_path, system_config_path  # noqa: E402
from frontdesk.redact import scrub  # noqa: E402
from frontdesk.services.audit import AuditUnavailable  # noqa: E402

BUSINESS_HELP = ("a location: its id, name, the start of its name or its three-letter tag (SYD); "
                 "default: all locations")
EXIT_CONFIG = 2
EXIT_CLINIKO = 3
EXIT_UNEXPECTED = 4
EXIT_SWEEP_FAILED = 6

NOT_SET_UP = ("no Cliniko account is set up yet ({path} has no API key). Run `frontdesk` with no command to open "
              "the set-up screen, or set CLINIKO_API_KEY and FRONTDESK_CONTACT_EMAIL; `frontdesk today --demo` "
              "shows the demo clinic.")


def _set_business(config: Config, business_id: str | None) -> Config:
    if not business_id:
        return config
    cliniko = config.cliniko.model_copy(update={"business_id": business_id})
    return config.model_copy(update={"cliniko": cliniko})


def _date(text: str) -> DayWanted:
    try:
        return parse_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a time like 2026-11-24T09:41:00+11:00") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("--now needs a time zone offset, e.g. +11:00 or Z")
    return moment


def _width(text: str) -> int:
    try:
        width = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of columns") from None
    if not 60 <= width <= 1000:
        raise argparse.ArgumentTypeError("--width takes 60 to 1000 columns")
    return width


EXIT_CODES = """exit codes:
  0    done
  1    doctor found a problem
  2    set-up or usage problem: nothing was done
  3    Cliniko failed, or the day is incomplete (what arrived is printed)
  4    unexpected: the details are in crash.log in the data folder
  5    the console's screen lock: the PIN was typed wrong five times (nothing is lost)
  6    sweep --yes: one or more sends failed (each line says why; the rest went)
  130  interrupted (ctrl+c)"""


def _epilog(*examples: str) -> str:
    """Every command's --help ends with where its files are, what its exit
    code means and two examples."""
    from frontdesk.paths import data_dir, exports_dir

    return "\n".join([
        "files:",
        f"  settings   {config_path()}  (yours; or FRONTDESK_CONFIG)",
        f"  clinic's   {system_config_path()}  (IT's, for every user; or FRONTDESK_SYSTEM_CONFIG)",
        f"  data       {data_dir()}  (audit log, desk id, crash.log; or FRONTDESK_DATA_DIR)",
        f"  day sheets {exports_dir()}  (the console's export; or FRONTDESK_EXPORT_DIR)",
        "",
        EXIT_CODES,
        "",
        "examples:",
        *(f"  {example}" for example in examples),
    ])


def _command(sub: Any, name: str, examples: tuple[str, str], **options: Any) -> argparse.ArgumentParser:
    return sub.add_parser(name, epilog=_epilog(*examples), formatter_class=argparse.RawDescriptionHelpFormatter,
                          **options)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="frontdesk",
        description="Keyboard console for Cliniko reception staff. The API key is read from "
        "CLINIKO_API_KEY or the config file, never from the command line. With no command: "
        "the console (the set-up screen first, when nothing is set up).",
        epilog=_epilog("frontdesk                      # the console on today",
                       "frontdesk --demo --date tomorrow   # the demo clinic, no account needed"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"frontdesk {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--demo", action="store_true", help="use the embedded sandbox clinic")
    common.add_argument("--now", type=_moment, help=argparse.SUPPRESS)  # demo clock, for tests
    common.add_argument("--latency", type=float, default=0.0,
                        help="with --demo: seconds the sandbox adds to every request (a slow connection)")
    day = argparse.ArgumentParser(add_help=False)
    day.add_argument("--date", type=_date, help=f"the day: {FORMS} (default: today in the home location)")
    day.add_argument("--business", help=BUSINESS_HELP)

    parser.add_argument("--demo", action="store_true", help="open the console on the embedded sandbox")
    parser.add_argument("--now", type=_moment, help=argparse.SUPPRESS)
    parser.add_argument("--latency", type=float, default=0.0,
                        help="with --demo: seconds the sandbox adds to every request (a slow connection)")
    parser.add_argument("--date", type=_date, help=f"the day: {FORMS} (default: today in the home location)")
    parser.add_argument("--business", help=BUSINESS_HELP)
    sub = parser.add_subparsers(dest="command")
    today = _command(sub, "today", ("frontdesk today --date tomorrow --business syd",
                                    "ssh clinic-server frontdesk today --csv --bom > day.csv   # a sheet for Excel, at home"),
                     parents=[common, day], help="print the day's appointments")
    shape = today.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="machine-readable output")
    shape.add_argument("--csv", action="store_true", help="the day sheet as CSV, one row per attendee")
    today.add_argument("--bom", action="store_true",
                       help="with --csv: start with a byte-order mark, so Excel reads accents (García) right")
    today.add_argument("--reveal", action="store_true", help="show patient links unmasked (audited)")
    today.add_argument("--practitioner", metavar="NAME|ID",
                       help="one practitioner's day: an id, a whole name or the start of any word of it ('chen')")
    today.add_argument("--width", type=_width, help="columns for the text table (default: the terminal's)")
    _command(sub, "doctor", ("frontdesk doctor", "frontdesk doctor --demo"), parents=[common],
             help="check the set-up and the connection")
    sweep = _command(sub, "sweep", ("frontdesk sweep --date today          # who would be sent: nothing is sent",
                                    "frontdesk sweep --date today --yes    # send them, one by one"),
                     parents=[common, day], help="send every Telehealth patient's link not yet sent (dry run "
                                                 "unless --yes)")
    sweep.add_argument("--yes", action="store_true", help="send (without it: only list who would be sent)")
    sweep.add_argument("--dry-run", action="store_true", help="only list who would be sent (the default)")
    sweep.add_argument("--hours", type=int, help="only appointments starting within this many hours")
    sweep.add_argument("--practitioner", metavar="NAME|ID", help="one practitioner's patients")
    sweep.add_argument("--skip-reminded", action="store_true",
                       help="leave out patients Cliniko says it already reminded (its reminder may carry the link)")
    audit = _command(sub, "audit", ("frontdesk audit --from 2026-11-01 --to 2026-11-30 --csv > november.csv",
                                    "sudo -u rosa frontdesk audit --json   # one desk's log, by IT"),
                     help="export this desk's audit log (who, when, what; never a link)")
    audit.add_argument("--from", dest="start", type=iso_day, help="first day, YYYY-MM-DD (this server's clock)")
    audit.add_argument("--to", dest="end", type=iso_day, help="last day, YYYY-MM-DD (included)")
    audit_shape = audit.add_mutually_exclusive_group()
    audit_shape.add_argument("--csv", action="store_true", help="CSV, one row per entry")
    audit_shape.add_argument("--json", action="store_true", help="machine-readable output")
    pin = _command(sub, "set-pin", ("frontdesk set-pin", "frontdesk set-pin --clear"),
                   help="set the PIN that unlocks the screen lock (asked for twice)")
    pin.add_argument("--clear", action="store_true", help="remove the PIN (any key unlocks again)")
    places = _command(sub, "locations", ("frontdesk locations", "frontdesk locations --json"), parents=[common],
                      help="list the account's locations (ids, tags and clocks for --business)")
    places.add_argument("--json", action="store_true", help="machine-readable output")
    sandbox = _command(sub, "sandbox", ("frontdesk sandbox --port 8765",
                                        "frontdesk sandbox --individual 5000 --latency 0.1   # a big, slow clinic"),
                       help="serve the fake Cliniko on loopback")
    sandbox.add_argument("--port", type=int, default=8765)
    sandbox.add_argument("--now", type=_moment, help="fixed clock for the seeded clinic")
    sandbox.add_argument("--latency", type=float, default=0.0, help="seconds added to every request")
    sandbox.add_argument("--individual", type=int, help="appointments on the seeded day (benchmark-sized clinic)")
    sandbox.add_argument("--groups", type=int, default=40, help="group appointments on the seeded day")
    sandbox.add_argument("--rate-limit", type=int, default=200, help="requests per minute per key")
    return parser




def _fail(message: str, code: int, *secrets: str | None) -> int:
    print(f"frontdesk: {scrub(message, *secrets)}", file=sys.stderr)
    return code


def _session(args: argparse.Namespace, config: Config):
    """The configured account's session, or with --demo the embedded sandbox's."""
    if args.demo:
        from frontdesk.demo import open_demo_session

        return open_demo_session(config, now=args.now, latency=getattr(args, "latency", 0.0))
    from frontdesk.services.session import open_session

    return open_session(config)


async def _today(args: argparse.Namespace, config: Config) -> int:
    from frontdesk.cli_commands.today import day_sheet, load_today, today_output
    from frontdesk.services.day_sheet import for_excel

    config = _set_business(config, args.business)
    session = _session(args, config)
    if args.demo and args.business:
        session.loader.business_id = args.business
    try:
        day, views, incomplete, whose = await load_today(session, args.date, args.reveal, args.practitioner)
        if args.csv:
            sheet = await day_sheet(session, day, views, reveal=args.reveal)
            sys.stdout.write(for_excel(sheet) if args.bom else sheet)
        else:
            # --width, else COLUMNS (also when piped), else the terminal's, else 120
            width = args.width or max(60, shutil.get_terminal_size((120, 24)).columns)
            print(today_output(day, views, session.clock(), as_json=args.json, reveal=args.reveal,
                               pretty=sys.stdout.isatty(), width=width, whose=whose))
        if session.audit.notice:  # e.g. a damaged log moved aside
            print(f"frontdesk: {session.audit.notice}", file=sys.stderr)
        if incomplete:  # what arrived is printed; the exit code says it is not the whole day
            return _fail(incomplete, EXIT_CLINIKO)
        return 0
    finally:
        await session.aclose()


def _audit(args: argparse.Namespace) -> int:
    from frontdesk.cli_commands.audit import audit_output
    from frontdesk.paths import data_dir
    from frontdesk.services.audit_export import ExportProblem

    if args.start and args.end and args.start > args.end:
        return _fail(f"--from {args.start} is after --to {args.end}.", EXIT_CONFIG)
    try:
        text, summary = audit_output(data_dir() / "audit.sqlite3", args)
    except ExportProblem as exc:
        return _fail(str(exc), EXIT_CONFIG)
    if text:
        print(text)
    print(f"frontdesk: {summary}", file=sys.stderr)
    return 0


def _set_pin(args: argparse.Namespace) -> int:
    """The screen lock's PIN, typed twice and never echoed; kept as a salted
    scrypt hash only (0600, in the data folder)."""
    import getpass

    from frontdesk.paths import data_dir
    from frontdesk.services.pin import PinError, PinLock

    lock = PinLock(data_dir() / "lock-pin.json")
    if args.clear:
        lock.clear()
        print("The PIN is removed: any key lifts the screen lock.")
        return 0
    first = getpass.getpass("New PIN (4 to 8 digits): ")
    if getpass.getpass("The same PIN again: ") != first:
        return _fail("the two PINs differ; nothing was changed.", EXIT_CONFIG)
    try:
        lock.set(first)
    except PinError as exc:
        return _fail(f"{exc} Nothing was changed.", EXIT_CONFIG)
    print("PIN set: the screen lock now needs it (5 wrong tries close frontdesk).")
    return 0


async def _sweep(args: argparse.Namespace, config: Config) -> int:
    from frontdesk.cli_commands.sweep import sweep_command

    if args.yes and args.dry_run:
        return _fail("--yes sends and --dry-run does not: give one.", EXIT_CONFIG)
    session = _session(args, config)
    try:
        failed, _ = await sweep_command(session, args, print)
    finally:
        await session.aclose()
    return EXIT_SWEEP_FAILED if failed else 0


async def _locations(args: argparse.Namespace, config: Config) -> int:
    from frontdesk.cli_commands.locations import locations_output

    session = _session(args, config)
    try:
        print(await locations_output(session, as_json=args.json))
        return 0
    finally:
        await session.aclose()


async def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    from frontdesk.cli_commands.doctor import run_doctor

    if args.demo:
        session = _session(args, settings.config)
        try:
            report = await run_doctor(session.config, None, client=session.client)
        finally:
            await session.aclose()
    else:
        report = await run_doctor(settings.config, settings)
    print("\n".join(report.lines))
    return 1 if report.failed else 0


def entry() -> None:
    """The ``frontdesk`` command: ``main``, then out without the collector's
    final pass over every object left (~70 ms after a day's work). Whatever
    needs closing (HTTP, SQLite) was closed by ``main``."""
    code = main()  # a Ctrl-C outside a command's own handling: see frontdesk.launch
    gc.freeze()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _reader_left()
    raise SystemExit(code)


def _reader_left() -> None:
    """`frontdesk today --json | head`: the reader has gone, so what is left
    to print goes nowhere, and Python's exit says nothing about it."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    # whatever frontdesk (or SQLite's journal) creates is private to this user
    os.umask(0o077)
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "sandbox":
        from frontdesk.sandbox.clock import fixed_clock, system_clock
        from frontdesk.sandbox.faults import FaultPlan
        from frontdesk.sandbox.runner import serve_forever
        from frontdesk.sandbox.server import Sandbox

        from frontdesk.sandbox.seed import DEMO, benchmark_size
        from frontdesk.sandbox.server import SandboxOptions

        clock = fixed_clock(args.now) if args.now else system_clock
        size = benchmark_size(args.individual, args.groups) if args.individual else DEMO
        sandbox = Sandbox(clock=clock, size=size, faults=FaultPlan(latency=args.latency),
                          options=SandboxOptions(rate_limit=args.rate_limit))
        serve_forever(sandbox, args.port)
        return 0
    if args.command == "set-pin":
        return _set_pin(args)
    if args.command == "audit":
        return _audit(args)
    try:
        settings = load_settings()
    except ConfigError as exc:
        return _fail(str(exc), EXIT_CONFIG)
    config, path = settings.config, settings.user.path
    secret = config.cliniko.key()
    if args.command in ("today", "locations", "sweep") and not args.demo and not secret:
        return _fail(NOT_SET_UP.format(path=path), EXIT_CONFIG)
    try:
        if args.command == "today":
            return asyncio.run(_today(args, config))
        if args.command == "doctor":
            return asyncio.run(_doctor(args, settings))
        if args.command == "locations":
            return asyncio.run(_locations(args, config))
        if args.command == "sweep":
            return asyncio.run(_sweep(args, config))
        from frontdesk.app_main import run_console

        signal.signal(signal.SIGINT, signal.default_int_handler)  # Textual's own stop (see frontdesk.launch)
        usable = args.demo or (config.cliniko.key() and config.cliniko.contact_email)
        return run_console(args, settings, _session(args, config) if usable else None)
    except (ConfigError, ConfigurationError, PractitionerNotFound) as exc:
        return _fail(str(exc), EXIT_CONFIG, secret)
    except AuditUnavailable as exc:  # the audited action (a reveal) is refused
        return _fail(f"not done: {exc.message}", EXIT_CONFIG, secret)
    except ClinikoError as exc:
        return _fail(str(exc), EXIT_CLINIKO, secret)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `frontdesk today | head`
        _reader_left()
        return 0
    except Exception as exc:  # noqa: BLE001 - a sentence, never a traceback
        from frontdesk.crash import crash_message, record_crash

        print(crash_message(exc, record_crash(exc, secret)), file=sys.stderr)
        return EXIT_UNEXPECTED
