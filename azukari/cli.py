"""The `azukari` command: each subcommand parses, calls one function, reports (docs/commands.md)."""
from __future__ import annotations

import argparse
import getpass
import hashlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from azukari.command_error import CommandError
from azukari.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from azukari.runtime import Runtime


def _runtime(settings: Settings) -> Runtime:
    # Imported here: `azukari --help` and a bad setting are answered without loading the app.
    from azukari.runtime import build

    return build(settings)


def _migrate(args: argparse.Namespace, settings: Settings) -> None:
    from azukari import migrate

    with _runtime(settings) as runtime:
        migrate.upgrade(runtime.database.engine)
    print("database is at the latest schema")


def _who() -> str:
    """The operating-system account that ran the command: the audit's "who" for the command line."""
    try:
        return getpass.getuser()[:40]
    except (OSError, KeyError):
        return "unknown"


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _audited(session: Session, runtime: Runtime, action: str, **detail: object) -> None:
    """One audit entry for a command, in the command's own transaction (or one of its own)."""
    from azukari.oversight import audit

    audit.record(session, actor="cli", action=action, now=runtime.clock.now(), detail={"by": _who(), **detail})


def _audit_after(runtime: Runtime, action: str, **detail: object) -> None:
    with runtime.database.unit_of_work() as session:
        _audited(session, runtime, action, **detail)
        session.commit()


def _import_facilities(args: argparse.Namespace, settings: Settings) -> None:
    from azukari.booking.facilities_file import FacilitiesFileError, import_facilities

    with _runtime(settings) as runtime:
        try:
            with runtime.database.unit_of_work() as session:
                summary = import_facilities(session, Path(args.file))
                _audited(session, runtime, "facilities.imported", digest=_digest(Path(args.file)))
                session.commit()
        except (FacilitiesFileError, OSError) as error:
            raise CommandError(str(error)) from error
    print(summary)


def _import_households(args: argparse.Namespace, settings: Settings) -> None:
    from azukari.clock import tokyo_today
    from azukari.progress import ProgressReport
    from azukari.registration.importer import HouseholdImportError, import_households

    with _runtime(settings) as runtime:
        try:
            with runtime.database.unit_of_work() as session, ProgressReport("households") as progress:
                summary = import_households(session, Path(args.file), today=tokyo_today(runtime.clock),
                                            progress=progress)
                _audited(session, runtime, "households.imported", digest=_digest(Path(args.file)),
                         **summary.audit_detail())
                session.commit()
        except HouseholdImportError as error:
            for line in error.errors:  # every problem, one per line; stderr keeps its one-line reason
                print(line)
            raise CommandError(f"{error} (listed above)") from error
        except OSError as error:
            raise CommandError(str(error)) from error
    print(summary)


def _refuse_demo_secrets(settings: Settings, *, demo: bool) -> None:
    # The values written in the source are known to everyone; a service reachable from
    # elsewhere must not sign, seal or key anything with them unless it was asked to be a demo.
    left = settings.demo_secrets()
    if left and not demo and not settings.public_url_is_loopback:
        raise CommandError(f"{', '.join(left)} still has its demo value: set it, or run on a loopback "
                           "PUBLIC_BASE_URL (or serve --demo)")


def _serve(args: argparse.Namespace, settings: Settings) -> None:
    from azukari.server import serve

    _refuse_demo_secrets(settings, demo=args.demo)
    if args.console_port is not None and args.console_port == args.port:
        raise CommandError(f"--console-port must differ from --port ({args.port})")
    serve(settings, host=args.host, port=args.port, demo=args.demo, console_port=args.console_port)


def _worker(args: argparse.Namespace, settings: Settings) -> None:
    # The periodic jobs (day-before reminders, stale state, the erasure) run here as well as in
    # `serve`: they are safe on several instances at once. Put together in worker.py for both.
    from azukari.operations import logs
    from azukari.operations.metrics_http import MetricsServer
    from azukari.worker import run_periodic_once, run_worker, start_periodic

    _refuse_demo_secrets(settings, demo=False)
    logs.configure(settings)
    with _runtime(settings) as runtime:  # one engine and one Twilio client for the jobs and the sender
        if args.once:
            run_periodic_once(runtime)  # first, so the reminders it queues go out now
            run_worker(runtime, once=True)
            return
        metrics = None
        if args.metrics_port is not None:
            try:
                metrics = MetricsServer(runtime.metrics, token=settings.metrics_token, host=args.metrics_host,
                                        port=args.metrics_port).start()
            except OSError as error:
                raise CommandError(f"cannot serve metrics on {args.metrics_host}:{args.metrics_port}: "
                                   f"{error.strerror or error}") from error
        stop_jobs = start_periodic(runtime)
        try:
            run_worker(runtime)
        finally:
            stop_jobs.set()
            if metrics is not None:
                metrics.stop()


def _call(args: argparse.Namespace, settings: Settings) -> None:
    from azukari.phone.terminal import run_call

    run_call(settings, caller=args.from_number, url=args.url)


def _sms(args: argparse.Namespace, settings: Settings) -> None:
    from azukari.phone.terminal import run_sms

    run_sms(settings, sender=args.from_number, url=args.url)


def _staff(args: argparse.Namespace, settings: Settings) -> None:
    from azukari.staff.commands import run_staff_command

    with _runtime(settings) as runtime:
        run_staff_command(runtime, args)


def _erasure(settings: Settings, run: Callable[[Runtime], list[str]]) -> None:
    from azukari.erasure.commands import ErasureCommandError

    try:
        with _runtime(settings) as runtime:
            lines = run(runtime)
    except ErasureCommandError as error:
        raise CommandError(str(error)) from error
    print("\n".join(lines))


def _purge(args: argparse.Namespace, settings: Settings) -> None:
    from azukari.erasure.commands import run_purge

    _erasure(settings, lambda runtime: run_purge(runtime, dry_run=args.dry_run))


def _export(args: argparse.Namespace, settings: Settings) -> None:
    from azukari.erasure.commands import run_export

    _erasure(settings, lambda runtime: run_export(runtime, directory=Path(args.directory)))


def _erase_all(args: argparse.Namespace, settings: Settings) -> None:
    from azukari.erasure.commands import run_erase_all

    _erasure(settings, lambda runtime: run_erase_all(runtime, confirm=args.confirm))


def _erase_household(args: argparse.Namespace, settings: Settings) -> None:
    from azukari.erasure.commands import run_erase_household

    _erasure(settings, lambda runtime: run_erase_household(runtime, household_id=args.household_id,
                                                           confirm=args.confirm))


def _backup(args: argparse.Namespace, settings: Settings) -> None:
    from azukari.operations.backup import BackupError, backup

    with _runtime(settings) as runtime:
        try:
            print(backup(runtime.database, Path(args.file)))
            _audit_after(runtime, "data.backed_up", digest=_digest(Path(args.file)),
                         bytes=Path(args.file).stat().st_size)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error


def _check(args: argparse.Namespace, settings: Settings) -> None:
    from azukari.operations.check import audit_head, problems

    anchor = args.anchor
    if anchor and Path(anchor).is_file():
        anchor = Path(anchor).read_text(encoding="utf-8").strip()  # a head exported to a file
    with _runtime(settings) as runtime:
        try:
            found = problems(runtime.database, secret_key=settings.azukari_secret_key, now=runtime.clock.now(),
                             anchor=anchor)
        except ValueError as error:  # an anchor that is not count:hash
            raise CommandError(str(error)) from error
        for line in found:
            print(line)
        if found:
            raise CommandError(f"{len(found)} problems found")
        print("the database is sound: schema at head, counters, bookings, audit chain and outbox agree")
        print(f"audit head {audit_head(runtime.database)} (keep it apart; pass it as --anchor next time)")


_DESCRIPTION = """Book temporary childcare (一時預かり) by phone and SMS over Twilio, with a console for ward staff.
Settings are environment variables (DATABASE_URL, TWILIO_AUTH_TOKEN, PUBLIC_BASE_URL, ...): docs/settings.md.
Every command with examples: docs/commands.md; file formats: docs/formats.md."""

_IMPORT_HOUSEHOLDS = """Create or update registrations from households.csv (one row per child; columns, dates and
examples in docs/formats.md). The file may be UTF-8 (with or without a byte order mark) or CP932, as Excel saves
it in Japan. It is checked whole first: every problem is listed, one per line with its line, column and
reason, and nothing is written unless the whole file is sound. Households already stored exactly as
in the file are counted unchanged. Long files show a progress bar on a terminal, a line per tenth
otherwise."""
_ANCHORS = {"call": "call-and-sms", "sms": "call-and-sms"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="azukari", description=_DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace, Settings], None],
            help_text: str, description: str | None = None) -> argparse.ArgumentParser:
        described = description or f"{help_text[0].upper()}{help_text[1:]}."
        sub = commands.add_parser(name, help=help_text, formatter_class=argparse.RawDescriptionHelpFormatter,
                                  description=f"{described}\nMore: docs/commands.md#{_ANCHORS.get(name, name)}")
        sub.set_defaults(handler=handler)
        return sub

    add("migrate", _migrate, "bring the database schema to the latest version (safe to repeat)")
    add("import-facilities", _import_facilities, "create or update facilities, units, fees and rules from a TOML file",
        "Create or update facilities, units, fees and the ward's rules from facilities.toml (format:\n"
        "docs/formats.md). The file is checked whole; a file with any problem changes nothing."
        ).add_argument("file", help="facilities.toml")
    add("import-households", _import_households, "create or update registrations from a CSV file (UTF-8 or CP932)",
        _IMPORT_HOUSEHOLDS).add_argument("file", help="households.csv")
    serve = add("serve", _serve, "run the web service: webhooks, staff console, outbox sender (migrates first)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8000,
                       help="port to listen on (default: %(default)s); webhooks are signed for PUBLIC_BASE_URL, so "
                            "it must follow: http://127.0.0.1:P for `azukari call --url http://127.0.0.1:P`")
    serve.add_argument("--demo", action="store_true",
                       help="into an empty database, load demo facilities, households and a staff account, and "
                            "print how to log in; allows the demo secrets; texts and calls go to a local sink, "
                            "not to Twilio, unless TWILIO_API_BASE_URL is set")
    serve.add_argument("--console-port", type=int, default=None, metavar="P",
                       help="serve the staff console on this port only (the webhooks stay on --port)")
    from azukari.phone.handset import DEFAULT_SMS_SENDER  # light: the phone's wire, not the app

    for name, handler, what, sender in (
            ("call", _call, "a phone call in the terminal, signed as Twilio signs it", "withheld"),
            ("sms", _sms, "an SMS conversation in the terminal, signed as Twilio signs it", DEFAULT_SMS_SENDER)):
        sub = add(name, handler, what)
        sub.add_argument("--from", dest="from_number", default=None,
                         help=f"the {'calling' if name == 'call' else 'sending'} number (default: {sender})")
        sub.add_argument("--url", default=None, help="a running service whose PUBLIC_BASE_URL this is, as webhooks "
                                                     "are signed for it (default: an app in this process)")
    worker = add("worker", _worker, "run the outbox sender and the periodic jobs")
    worker.add_argument("--once", action="store_true", help="run the jobs and send what is due, then exit")
    worker.add_argument("--metrics-port", type=int, default=None, metavar="P",
                        help="answer GET /metrics on this port (METRICS_TOKEN bearer, as serve's /metrics)")
    worker.add_argument("--metrics-host", default="127.0.0.1", metavar="H",
                        help="the address the metrics port listens on (default 127.0.0.1)")
    staff = add("staff", _staff, "manage staff accounts of the console")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    staff_add = staff_commands.add_parser("add", help="create a staff account (asks for the password)",
                                          description="Create a staff account; it asks for the password twice. "
                                                      "More: docs/commands.md#staff")
    staff_add.add_argument("username")
    staff_add.add_argument("--name", default=None, help="the name shown in the console (default: the username)")
    staff_add.add_argument("--role", choices=["facility", "centre", "admin"], default="centre",
                           help="facility: its own rosters; centre: cases, households, bookings; admin: also "
                                "accounts, audit and retention (default: %(default)s)")
    staff_add.add_argument("--facility", type=int, default=None, help="facility key, for facility staff")
    staff_add.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    staff_commands.add_parser("deactivate", help="deactivate an account now",
                              description="Deactivate an account now; its open sessions end on their next request. "
                                          "More: docs/commands.md#staff").add_argument("username")
    add("purge", _purge, "erase registrations past the retention period").add_argument(
        "--dry-run", action="store_true", help="count what would be erased, erase nothing")
    add("export", _export, "write every table as CSV, with a manifest of checksums, into a new directory"
        ).add_argument("directory")
    erase_one = add("erase-household", _erase_household, "erase one household now (a request under the privacy "
                    "law): its future bookings cancelled with the usual text, then the purge's erasure, Twilio's "
                    "copies included, with a certificate")
    erase_one.add_argument("household_id", help="the household's 世帯ID")
    erase_one.add_argument("--confirm", action="store_true", help="required: nothing is erased without it")
    add("erase-all", _erase_all, "erase everything, Twilio's copies of our messages included, with a certificate"
        ).add_argument("--confirm", action="store_true", help="required: nothing is erased without it")
    add("backup", _backup, "write a consistent copy of the database to FILE while the service runs").add_argument(
        "file")
    add("check", _check, "check that counters, bookings, the audit chain and the outbox agree").add_argument(
        "--anchor", default=None, help="an audit head (count:hash) exported earlier, or a file holding one")
    return parser


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        # One line an operator can act on: which variable, and what is wrong with it.
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in error.errors())
        raise CommandError(f"bad setting: {problems}") from None


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = _settings()
        args.handler(args, settings)
    except CommandError as error:
        print(f"azukari {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        print(f"azukari {args.command}: {type(error).__name__}: {first}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
