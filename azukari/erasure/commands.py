"""`azukari purge`, `export` and `erase-all`: one unit of work each, reported in a few lines."""
from __future__ import annotations

import getpass
import hashlib
from dataclasses import dataclass
from pathlib import Path

from azukari.conversations.store import STATE_KEPT, forget_stale
from azukari.erasure import erase_all, export, on_request, retention
from azukari.messaging.provider_deletions import ProviderEraser
from azukari.oversight import audit
from azukari.runtime import Runtime


def who() -> str:
    """The operating-system account that ran the command: the audit's "who" for the command line."""
    try:
        return getpass.getuser()[:40]
    except (OSError, KeyError):
        return "unknown"


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class ErasureCommandError(Exception):
    """Reported in one line by the CLI, with a non-zero exit status."""


def run_purge(runtime: Runtime, *, dry_run: bool) -> list[str]:
    with runtime.database.unit_of_work() as session:
        now = runtime.clock.now()
        report = retention.purge(session, now=now, dry_run=dry_run, actor="cli")
        stale = 0 if dry_run else forget_stale(session, now=now)
        session.commit()
    verb = "would erase" if dry_run else "erased"
    totals = ", ".join(f"{name} {count}" for name, count in sorted(report.totals.items())) or "nothing else"
    lines = [f"{verb} {report.households} households expired and unbooked since before {report.cutoff} ({totals})"]
    if report.totals.get("provider_messages"):
        lines.append(f"{report.totals['provider_messages']} messages queued for deletion at Twilio "
                     "(the worker deletes them and retries failures)")
    if stale:
        lines.append(f"erased {stale} rows of call and text state idle for over {STATE_KEPT}")
    return lines


def run_export(runtime: Runtime, *, directory: Path) -> list[str]:
    try:
        # One read transaction: every table as of the same moment.
        with runtime.database.engine.connect() as connection, connection.begin():
            exported = export.export_all(connection, directory, now=runtime.clock.now())
    except export.ExportError as error:
        raise ErasureCommandError(str(error)) from error
    rows = sum(e.rows for e in exported)
    with runtime.database.unit_of_work() as session:  # after the read: the export is what it was
        audit.record(session, actor="cli", action="data.exported", now=runtime.clock.now(),
                     detail={"by": who(), "tables": len(exported), "rows": rows,
                             "digest": file_digest(directory / export.MANIFEST)})
        session.commit()
    return [f"exported {len(exported)} tables, {rows} rows, to {directory} (checksums in {export.MANIFEST})"]


def run_erase_all(runtime: Runtime, *, confirm: bool) -> list[str]:
    if not confirm:
        raise ErasureCommandError("this erases every registration, booking and record for good: "
                                  "run `azukari export DIR` first, then again with --confirm")
    database, clock = runtime.database, runtime.clock
    with database.unit_of_work() as session:
        erase_all.queue_provider_copies(session, now=clock.now())
        session.commit()
    eraser = ProviderEraser(database=database, client=runtime.twilio_client(), clock=clock)
    while eraser.delete_due() > 0:
        pass  # a failure waits for its retry time, so this ends
    with database.unit_of_work() as session:
        report = erase_all.erase_everything(session, now=clock.now())
        session.commit()
    erased = ", ".join(f"{name} {count}" for name, count in report.counts.items() if count)
    lines = [f"erased everything; certificate: deletion record {report.record_id}", f"erased: {erased or 'nothing'}"]
    if report.provider_pending:
        lines.append(f"{report.provider_pending} copies at Twilio not deleted yet: run `azukari worker --once` "
                     "later to retry them")
    return lines


class TextsNotSent(ErasureCommandError):
    """The family's cancellation texts are not all sent yet: nothing erased, run it again later."""


@dataclass(frozen=True)
class HouseholdErased:
    erased: on_request.Erased
    cancelled: int


def erase_household_on_request(runtime: Runtime, *, household_id: str, actor: str, by: str | None = None,
                               approved_by: str | None = None,
                               requested_by: str | None = None) -> HouseholdErased:
    """The erasure on request, from the command line or the console after a second admin's approval: cancel the
    family's future bookings and send those texts, then erase it (the purge's erasure), Twilio's copies too.

    Raises on_request.NoSuchHousehold, or TextsNotSent (nothing erased) while a text to the family waits."""
    database, clock = runtime.database, runtime.clock
    with database.unit_of_work() as session:
        cancelled = on_request.cancel_first(session, household_id=household_id, now=clock.now())
        session.commit()
    sender = runtime.outbox_sender()
    while sender.send_due() > 0:
        pass  # a failure waits for its retry time, so this ends
    with database.unit_of_work() as session:
        waiting = on_request.unsent(session, household_id=household_id)
        if waiting:
            raise TextsNotSent(f"{len(cancelled)} bookings cancelled, but {waiting} texts to the family "
                               "are not sent yet: run this again once they are (nothing erased)")
        erased = on_request.erase(session, household_id=household_id, now=clock.now(), actor=actor,
                                  cancelled=len(cancelled), by=by, approved_by=approved_by,
                                  requested_by=requested_by)
        session.commit()
    eraser = ProviderEraser(database=database, client=runtime.twilio_client(), clock=clock)
    while eraser.delete_due() > 0:
        pass
    return HouseholdErased(erased, len(cancelled))


def run_erase_household(runtime: Runtime, *, household_id: str, confirm: bool) -> list[str]:
    """Cancel the family's future bookings and send those texts, then erase it (the purge's erasure)."""
    if not confirm:
        raise ErasureCommandError(f"this erases household {household_id} for good, its bookings and records "
                                  "included: run again with --confirm")
    try:
        done = erase_household_on_request(runtime, household_id=household_id, actor="cli", by=who())
    except on_request.NoSuchHousehold as error:
        raise ErasureCommandError(f"no household {household_id} (never registered, or erased already)") from error
    counted = ", ".join(f"{name} {count}" for name, count in done.erased.counts.items() if count)
    return [f"erased household {household_id}; certificate: deletion record {done.erased.record_id}",
            f"cancelled {done.cancelled} future bookings first (texts sent); erased: {counted or 'the registration'}"]
