"""A console import running in a background thread (issue 27, item 7): starting it, how far it got, and
whether it is still alive, for the page that follows it.

How far it got is kept in this process's memory first: on SQLite the import's own transaction holds the only
write lock until it ends, so nothing can be written to the upload's row meanwhile, but the page, served by
the same process (one server owns an SQLite file), reads the count from here. On PostgreSQL a reporter
thread also writes the count and a heartbeat to the row every second, in short transactions of its own,
for a page answered by another server process.

An import whose server stopped (killed, restarted, crashed) wrote nothing: its transaction died with it. Its
row still says `running`, though, and the page would refresh forever. A page that finds such a row puts it
back to `checked`, the file still in it, so the admin can confirm again: a row this process runs but no
thread of it does; on SQLite, a row another process ran; on PostgreSQL, one whose runner has not reported
for STALE. The put-back is one guarded UPDATE, so a page that looked just as the import ended changes nothing.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
import weakref
from dataclasses import dataclass, field

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from azukari.db import Database
from azukari.oversight import audit
from azukari.registration.households_csv import HouseholdImportError
from azukari.registration.importer import import_households_data
from azukari.runtime import Runtime
from azukari.staff.models import ImportUpload

_log = logging.getLogger("azukari.staff.import")

RUNNER = uuid.uuid4().hex  # this process, as the upload rows name their runner
REPORT_EVERY = 1.0  # seconds between the reporter's writes (the page refreshes every 2)
STALE = dt.timedelta(seconds=30)  # a PostgreSQL runner silent this long has stopped
FAILED = "データベースがこの取り込みを受け付けませんでした。何も登録していません。"
INTERRUPTED = "interrupted"  # the outcome's key on a row put back after its server stopped


@dataclass
class _Run:
    """One import of this process: rows done so far, and an event set when its thread has ended."""

    done: int = 0
    ended: threading.Event = field(default_factory=threading.Event)


class _Board:
    """This process's imports, per database (tests run several apps, each on its own, in one process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: weakref.WeakKeyDictionary[Database, dict[int, _Run]] = weakref.WeakKeyDictionary()

    def expect(self, database: Database, upload_id: int) -> _Run:
        with self._lock:
            run = _Run()
            self._runs.setdefault(database, {})[upload_id] = run
            return run

    def get(self, database: Database, upload_id: int) -> _Run | None:
        with self._lock:
            return self._runs.get(database, {}).get(upload_id)

    def end(self, database: Database, upload_id: int) -> None:
        with self._lock:
            run = self._runs.get(database, {}).pop(upload_id, None)
        if run is not None:
            run.ended.set()


BOARD = _Board()


def claim(session: Session, *, database: Database, upload_id: int, now: dt.datetime) -> bool:
    """Move a checked upload to `running` under this process's name; True for the one confirm that did.

    The row is the lock: of two confirms (two tabs, a double click), one moves it. The run is on the board
    before the caller commits, so no page can see the row running here without it."""
    moved = session.execute(update(ImportUpload)
                            .where(ImportUpload.id == upload_id, ImportUpload.state == "checked")
                            .values(state="running", done_rows=0, runner=RUNNER, heartbeat_at=now, outcome=None)
                            .execution_options(synchronize_session=False))
    if getattr(moved, "rowcount", 0) != 1:
        return False
    BOARD.expect(database, upload_id)
    return True


def start(runtime: Runtime, upload_id: int, *, actor: str, today: dt.date) -> None:
    """Run the claimed import in a thread of its own (after the claim's commit, so it finds the row running)."""
    threading.Thread(target=run_import, args=(runtime, upload_id), kwargs={"actor": actor, "today": today},
                     name=f"import-{upload_id}", daemon=True).start()


def rows_done(database: Database, upload: ImportUpload) -> int:
    """How far the import got: this process's count when it runs it here, else the row's last report."""
    run = BOARD.get(database, upload.id)
    return max(run.done, upload.done_rows) if run is not None else upload.done_rows


def stranded(runtime: Runtime, upload: ImportUpload, *, here: bool) -> bool:
    """Is this `running` row an import no thread runs any more? `here`: the board had it, read before the row."""
    if upload.state != "running":
        return False
    if upload.runner == RUNNER:
        return not here
    if runtime.database.dialect == "sqlite":
        return True
    return upload.heartbeat_at is None or runtime.clock.now() - upload.heartbeat_at > STALE


def put_back(runtime: Runtime, upload_id: int, *, runner: str | None) -> None:
    """Put a stranded import (run by `runner`) back to `checked` (nothing of it was written), unless it moved
    on meanwhile."""
    now = runtime.clock.now()
    with runtime.database.unit_of_work() as session:
        guard = [ImportUpload.id == upload_id, ImportUpload.state == "running"]
        if runner is None:
            guard.append(ImportUpload.runner.is_(None))
        else:
            guard.append(ImportUpload.runner == runner)
        if runner != RUNNER and runtime.database.dialect != "sqlite":
            guard.append(or_(ImportUpload.heartbeat_at.is_(None), ImportUpload.heartbeat_at < now - STALE))
        moved = session.execute(update(ImportUpload).where(*guard)
                                .values(state="checked", done_rows=0, runner=None, heartbeat_at=None,
                                        outcome={INTERRUPTED: True})
                                .execution_options(synchronize_session=False))
        session.commit()
    if getattr(moved, "rowcount", 0) == 1:
        _log.warning("households import %s stopped with its server: put back for the admin to confirm again",
                     upload_id)


def run_import(runtime: Runtime, upload_id: int, *, actor: str, today: dt.date) -> None:
    """Import a confirmed upload (state `running`): all of it and its audit entry in one transaction, or
    nothing; the row ends `done` (in that transaction) or `failed` (in one of its own), the file emptied."""
    database = runtime.database
    run = BOARD.get(database, upload_id) or BOARD.expect(database, upload_id)
    reporter = None
    if database.dialect != "sqlite":  # SQLite: the import holds the write lock; the board is the report
        reporter = threading.Thread(target=_report, args=(runtime, upload_id, run),
                                    name=f"import-{upload_id}-report", daemon=True)
        reporter.start()

    def progress(done: int, _total: int) -> None:
        run.done = done

    try:
        with database.unit_of_work() as session:
            upload = session.get(ImportUpload, upload_id)
            if upload is None or upload.state != "running":
                return
            summary = import_households_data(session, upload.data, today=today, progress=progress)
            now = runtime.clock.now()
            audit.record(session, actor=actor, action="households.imported", now=now,
                         detail={"digest": upload.digest, **summary.audit_detail()})
            upload.state, upload.done_rows, upload.data, upload.finished_at = "done", summary.households, b"", now
            upload.outcome = {"counts": summary.audit_detail(), "lines": str(summary).splitlines()}
            session.commit()
    except HouseholdImportError as error:  # the day moved on between check and confirm: nothing written
        _failed(runtime, upload_id, {"problems": error.errors, "refused": f"{error} (listed above)"})
    except Exception as error:  # the thread ends here: the page must say so, or it refreshes forever
        # The type only: a database error's text carries the row's values (names, addresses).
        _log.error("households import %s failed: %s", upload_id, type(error).__name__)
        _failed(runtime, upload_id, {"problems": [], "refused": FAILED})
    finally:
        BOARD.end(database, upload_id)  # after the row says done or failed (or could not be told)
        if reporter is not None:
            reporter.join()


def _report(runtime: Runtime, upload_id: int, run: _Run) -> None:
    """PostgreSQL: the count and a heartbeat on the row, every REPORT_EVERY seconds, until the import ends."""
    while not run.ended.wait(REPORT_EVERY):
        try:
            with runtime.database.unit_of_work() as session:
                session.execute(update(ImportUpload)
                                .where(ImportUpload.id == upload_id, ImportUpload.state == "running",
                                       ImportUpload.runner == RUNNER)
                                .values(done_rows=run.done, heartbeat_at=runtime.clock.now())
                                .execution_options(synchronize_session=False))
                session.commit()
        except Exception as error:  # a missed report is only a stale count; the next one tries again
            _log.warning("households import %s: progress not written: %s", upload_id, type(error).__name__)


def _failed(runtime: Runtime, upload_id: int, outcome: dict[str, object]) -> None:
    with runtime.database.unit_of_work() as session:
        session.execute(update(ImportUpload).where(ImportUpload.id == upload_id)
                        .values(state="failed", data=b"", outcome=outcome, finished_at=runtime.clock.now(),
                                runner=None)
                        .execution_options(synchronize_session=False))
        session.commit()
