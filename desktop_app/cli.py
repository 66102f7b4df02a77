"""The `clinicdesk` command.

    clinicdesk [--database URL] [--demo]      start the GUI
    clinicdesk migrate                        upgrade the schema
    clinicdesk create-manager --email E --name N [--password-stdin]
    clinicdesk demo [--size small|large] [--seed N] [--force]
    clinicdesk doctor                         check the database's integrity
    clinicdesk backup PATH                    a consistent copy of the database
    clinicdesk screenshots DIR                render every main view to PNG
    clinicdesk assistant "TEXT" [--json] [--book]   what the booking assistant understands

Every failure a user can cause prints one line saying what is wrong and exits
non-zero; a traceback is only ever written to the log file.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from sqlalchemy.exc import SQLAlchemyError

from desktop_app import __version__
from desktop_app.bootstrap import AppContext, open_app
from desktop_app.infra.config import choose_database, data_dir
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import ClinicdeskError

log = logging.getLogger("clinicdesk")

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class UsageError(ClinicdeskError):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors are one line and do not exit on their own."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _add_database_option(parser: argparse.ArgumentParser, default: str | None) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        default=default,
        help="sqlite:///PATH, a path to a SQLite file, or postgresql://USER@HOST/DB "
        "(default: $CLINICDESK_DATABASE_URL, the settings file, or the embedded SQLite file)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="clinicdesk", description="Clinicdesk: clinic management at the desk.")
    parser.add_argument("--version", action="version", version=f"clinicdesk {__version__}")
    _add_database_option(parser, None)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="fill an empty database with the small demo clinic before starting",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        # Accept --database after the command too; SUPPRESS keeps the global value.
        _add_database_option(p, argparse.SUPPRESS)
        return p

    command("migrate", "upgrade the database schema to this version")

    p = command("create-manager", "create the clinic's first manager account")
    p.add_argument("--email", required=True)
    p.add_argument("--name", required=True)
    p.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )

    p = command("demo", "fill an empty database with a demo clinic")
    p.add_argument("--size", choices=["small", "large"], default="small")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--force", action="store_true", help="erase a non-empty database first")

    command("doctor", "check the database's integrity (exit 1 when something is wrong)")

    p = command("backup", "write a consistent copy of the database")
    p.add_argument("path", type=Path)

    p = command("screenshots", "render every main view, offscreen, to PNG files")
    p.add_argument("directory", type=Path)

    p = command(
        "assistant",
        "what the booking assistant understands from a request, with up to five free times; "
        "changes nothing unless --book is given",
    )
    p.add_argument("text", help='e.g. "Ana Silva with Dr Hunt next Tuesday after 3pm"')
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--book",
        action="store_true",
        help="do it: book the first free time (or move, or cancel the appointment)",
    )
    p.add_argument("--now", metavar="ISO", help="read the text as if it were this instant")
    p.add_argument("--as", dest="as_email", metavar="EMAIL", help="act as this staff account")

    from desktop_app.reports.catalogue import REPORTS

    p = command("report", "print a report for a period as CSV or JSON")
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = "reports:\n" + "\n".join(
        f"  {name:<12} {spec.description}" for name, spec in REPORTS.items()
    )
    p.add_argument("name", metavar="NAME", choices=list(REPORTS), help=", ".join(REPORTS))
    p.add_argument("--from", dest="start", required=True, type=_date, metavar="DATE")
    p.add_argument("--to", dest="end", required=True, type=_date, metavar="DATE")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    return parser


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _open(args: argparse.Namespace, *, migrate: bool = True) -> AppContext:
    return open_app(choose_database(args.database), migrate=migrate)


def _read_new_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise UsageError("no password on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError("no terminal to ask for a password: use --password-stdin")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise UsageError("the two passwords differ")
    return first


def cmd_gui(args: argparse.Namespace) -> int:
    # The window is the one place the timer of due work (reminders, expiries) runs.
    ctx = open_app(choose_database(args.database), scheduler=True)
    try:
        if args.demo:
            from desktop_app.demo.seed import database_is_empty, seed_demo

            if database_is_empty(ctx):
                summary = seed_demo(ctx, size="small", seed=1)
                print(summary.describe())
        from ui.shell.app import run_gui

        return run_gui(ctx)
    finally:
        ctx.close()


def cmd_migrate(args: argparse.Namespace) -> int:
    from desktop_app.infra import schema

    ctx = _open(args, migrate=False)
    try:
        before = schema.current_revision(ctx.db)
        applied = schema.upgrade(ctx.db)
        after = schema.current_revision(ctx.db)
        if applied:
            print(f"Upgraded {ctx.db.label} from {before or 'an empty database'} to {after}.")
        else:
            print(f"{ctx.db.label} is up to date ({after}).")
        return EXIT_OK
    finally:
        ctx.close()


def cmd_create_manager(args: argparse.Namespace) -> int:
    from desktop_app.staff.commands import CreateFirstManager

    password = _read_new_password(args.password_stdin)
    ctx = _open(args)
    try:
        ctx.bus.handle(
            CreateFirstManager(email=args.email, name=args.name, password=password),
            Actor.system("command line"),
        )
        print(f"Created the manager account {args.email.strip().lower()}.")
        return EXIT_OK
    finally:
        ctx.close()


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop_app.demo.seed import seed_demo

    ctx = _open(args)
    try:
        summary = seed_demo(ctx, size=args.size, seed=args.seed, force=args.force)
        print(summary.describe())
        return EXIT_OK
    finally:
        ctx.close()


def cmd_doctor(args: argparse.Namespace) -> int:
    from desktop_app.infra.doctor import run_checks

    ctx = _open(args, migrate=False)
    try:
        findings = run_checks(ctx.db)
    finally:
        ctx.close()
    for f in findings:
        mark = "ok  " if f.ok else "FAIL"
        print(f"{mark} {f.check}" + ("" if f.ok else f": {f.detail}"))
    failed = [f for f in findings if not f.ok]
    print(f"{len(findings) - len(failed)} checks passed, {len(failed)} failed.")
    return EXIT_FINDINGS if failed else EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from desktop_app.infra.backup import backup

    ctx = _open(args, migrate=False)
    try:
        written = backup(ctx.db, args.path)
        print(f"Backed up {ctx.db.label} to {written}.")
        return EXIT_OK
    finally:
        ctx.close()


def cmd_screenshots(args: argparse.Namespace) -> int:
    ctx = _open(args)
    try:
        from tools.screenshots.render import render_all

        paths = render_all(ctx, args.directory)
        for p in paths:
            print(p)
        return EXIT_OK
    finally:
        ctx.close()


def cmd_assistant(args: argparse.Namespace) -> int:
    from desktop_app.assistant.cli import read_now, run_assistant
    from desktop_app.kernel.clock import FixedClock

    now = read_now(args.now)
    ctx = open_app(choose_database(args.database), clock=FixedClock(now) if now else None)
    try:
        return run_assistant(
            ctx, args.text, as_json=args.json, book=args.book, as_email=args.as_email
        )
    finally:
        ctx.close()


def cmd_report(args: argparse.Namespace) -> int:
    from desktop_app.reports.catalogue import build
    from desktop_app.reports.export import to_csv, to_json
    from desktop_app.reports.period import Period

    period = Period(args.start, args.end)
    ctx = _open(args)
    try:
        report = build(ctx.db, args.name, period)
    finally:
        ctx.close()
    sys.stdout.write(to_json(report) + "\n" if args.format == "json" else to_csv(report))
    return EXIT_OK


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_gui,
    "migrate": cmd_migrate,
    "create-manager": cmd_create_manager,
    "demo": cmd_demo,
    "doctor": cmd_doctor,
    "backup": cmd_backup,
    "screenshots": cmd_screenshots,
    "assistant": cmd_assistant,
    "report": cmd_report,
}


def log_file() -> Path:
    return data_dir() / "clinicdesk.log"


def _log_traceback() -> Path | None:
    try:
        path = log_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(traceback.format_exc())
        return path
    except OSError:
        return None


def _fail(message: str) -> int:
    print(f"clinicdesk: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except ClinicdeskError as exc:
        return _fail(str(exc))
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        reason = str(orig or exc).strip().splitlines()[0]
        path = _log_traceback()
        return _fail(f"database error: {reason}" + (f" (details in {path})" if path else ""))
    except KeyboardInterrupt:
        return _fail("interrupted")
    except Exception as exc:
        path = _log_traceback()
        where = f" (details in {path})" if path else ""
        return _fail(f"unexpected {type(exc).__name__}: {exc}{where}")


if __name__ == "__main__":
    sys.exit(main())
