"""Import from the console (issue 27, item 7): an admin uploads households.csv (UTF-8 or CP932), sees every
problem at once, as `azukari import-households` prints them, then confirms; the same all-or-nothing import
(registration/importer.py), audited as the command's is (`households.imported`, with the file's digest).

The confirmed import runs in a thread of its own, in one transaction of its own, and writes how far it got to
the upload's row in short transactions of their own; the page it answers with refreshes itself (no JavaScript)
until the import is done or failed. Only the confirm that moves the row from `checked` to `running` starts it."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy import delete, or_, update

from azukari.oversight import audit
from azukari.registration.households_csv import HouseholdImportError, parse_households
from azukari.registration.importer import import_households_data
from azukari.runtime import Runtime
from azukari.staff.console import ADMIN, Page, page
from azukari.staff.models import ImportUpload

router = APIRouter()
Text = Annotated[str, Form()]
_log = logging.getLogger("azukari.staff.import")
KEPT = dt.timedelta(days=1)  # an upload nobody confirmed is deleted at the next upload after this
EMPTY = "ファイルを選んでください。"
FAILED = "データベースがこの取り込みを受け付けませんでした。何も登録していません。"
GONE = "その読み込みはありません（取り込み済み、または期限切れです）。もう一度ファイルを選んでください。"


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request) -> HTMLResponse:
    with page(request, roles=ADMIN) as p:
        response = p.render("import.html", step="upload")
    return response


@router.post("/import", response_class=HTMLResponse)
def check(request: Request, file: Annotated[UploadFile | None, File()] = None, csrf: Text = "") -> HTMLResponse:
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        data = file.file.read() if file is not None else b""
        if not data:
            response = p.render("import.html", step="upload", status_code=422, problems=[EMPTY])
            return response
        # Uploads nobody confirmed: this admin's earlier ones, and anyone's past a day (they hold personal data).
        # A running one is left to its thread (a day later it is gone whatever its state).
        mine_done = (ImportUpload.staff_id == p.account.id) & (ImportUpload.state != "running")
        p.session.execute(delete(ImportUpload).where(or_(mine_done, ImportUpload.uploaded_at < p.now - KEPT)))
        try:
            rows = parse_households(data, today=p.today)
        except HouseholdImportError as error:
            response = p.render("import.html", step="upload", status_code=422, problems=error.errors,
                                refused=f"{error} (listed above)")
            return response
        upload = ImportUpload(staff_id=p.account.id, digest=hashlib.sha256(data).hexdigest(), data=data,
                              uploaded_at=p.now, total_rows=len(rows))
        p.session.add(upload)
        p.session.flush()
        response = p.render("import.html", step="confirm", upload=upload, households=len(rows),
                            children=sum(len(row.children) for row in rows))
    return response


@router.post("/import/{upload_id}/confirm", response_class=HTMLResponse)
def confirm(request: Request, upload_id: int, csrf: Text = "") -> HTMLResponse:
    with page(request, roles=ADMIN, csrf=csrf, post=True) as p:
        upload = p.session.get(ImportUpload, upload_id)
        if upload is None or upload.staff_id != p.account.id:
            response = p.render("import.html", step="upload", status_code=404, problems=[GONE])
            return response
        # The row is the lock: of two confirms (two tabs, a double click), one moves it on and starts the import.
        moved = p.session.execute(update(ImportUpload)
                                  .where(ImportUpload.id == upload_id, ImportUpload.state == "checked")
                                  .values(state="running", done_rows=0)
                                  .execution_options(synchronize_session=False))
        started = getattr(moved, "rowcount", 0) == 1
        p.session.refresh(upload)
        response = _status(p, upload)
        runtime, actor, today = p.runtime, p.actor, p.today
    if started:  # after the commit above, so the thread finds the row running
        threading.Thread(target=run_import, args=(runtime, upload_id), kwargs={"actor": actor, "today": today},
                         name=f"import-{upload_id}", daemon=True).start()
    return response


@router.get("/import/{upload_id}", response_class=HTMLResponse)
def status(request: Request, upload_id: int) -> HTMLResponse:
    with page(request, roles=ADMIN) as p:
        upload = p.session.get(ImportUpload, upload_id)
        if upload is None or upload.staff_id != p.account.id:
            response = p.render("import.html", step="upload", status_code=404, problems=[GONE])
            return response
        response = _status(p, upload)
    return response


def _status(p: Page, upload: ImportUpload) -> HTMLResponse:
    outcome = upload.outcome or {}
    if upload.state == "done":
        return p.render("import.html", step="done", counts=outcome.get("counts", {}), lines=outcome.get("lines", []))
    if upload.state == "failed":
        return p.render("import.html", step="upload", status_code=422, problems=outcome.get("problems", []),
                        refused=outcome.get("refused", FAILED))
    if upload.state == "running":
        return p.render("import.html", step="running", upload=upload,
                        percent=upload.done_rows * 100 // max(upload.total_rows, 1))
    return p.render("import.html", step="upload")


class _ProgressRow:
    """The importer's progress hook (the command's bar): how far it got, on the upload's row, in a short
    transaction of its own at most every `every` seconds (and at the last row). Not on SQLite: there the
    import's own transaction holds the only write lock until it ends, so the page shows 0 until done."""

    def __init__(self, runtime: Runtime, upload_id: int, *, every: float = 0.5) -> None:
        self.database, self.upload_id, self.every = runtime.database, upload_id, every
        self.last = 0.0
        self.enabled = runtime.database.dialect != "sqlite"

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or (done < total and time.monotonic() - self.last < self.every):
            return
        self.last = time.monotonic()
        with self.database.unit_of_work() as session:
            session.execute(update(ImportUpload).where(ImportUpload.id == self.upload_id)
                            .values(done_rows=done).execution_options(synchronize_session=False))
            session.commit()


def run_import(runtime: Runtime, upload_id: int, *, actor: str, today: dt.date) -> None:
    """Import a confirmed upload (state `running`): all of it and its audit entry in one transaction, or
    nothing; the row ends `done` (in that transaction) or `failed` (in one of its own), the file emptied."""
    try:
        with runtime.database.unit_of_work() as session:
            upload = session.get(ImportUpload, upload_id)
            if upload is None or upload.state != "running":
                return
            summary = import_households_data(session, upload.data, today=today,
                                             progress=_ProgressRow(runtime, upload_id))
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


def _failed(runtime: Runtime, upload_id: int, outcome: dict[str, object]) -> None:
    with runtime.database.unit_of_work() as session:
        session.execute(update(ImportUpload).where(ImportUpload.id == upload_id)
                        .values(state="failed", data=b"", outcome=outcome, finished_at=runtime.clock.now())
                        .execution_options(synchronize_session=False))
        session.commit()
