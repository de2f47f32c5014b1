"""Import from the console (issue 27, item 7): an admin uploads households.csv (UTF-8 or CP932), sees every
problem at once, as `azukari import-households` prints them, then confirms; the same all-or-nothing import
(registration/importer.py), audited as the command's is (`households.imported`, with the file's digest).

The confirmed import runs in a thread of its own, in one transaction of its own (staff/import_runs.py); the
page it answers with refreshes itself (no JavaScript) until the import is done or failed, reading how far it
got without taking a write lock. Only the confirm that moves the row from `checked` to `running` starts it;
an import whose server stopped is put back to `checked` for the admin to confirm again."""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import delete, or_

from azukari.registration.households_csv import HouseholdImportError, parse_households
from azukari.runtime import runtime_of
from azukari.staff import import_runs
from azukari.staff.console import ADMIN, Page, page, watching
from azukari.staff.models import ImportUpload

router = APIRouter()
Text = Annotated[str, Form()]
KEPT = dt.timedelta(days=1)  # an upload nobody confirmed is deleted at the next upload after this
EMPTY = "ファイルを選んでください。"
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
        started = import_runs.claim(p.session, database=p.runtime.database, upload_id=upload_id, now=p.now)
        p.session.refresh(upload)
        response = _status(p, upload)
        runtime, actor, today = p.runtime, p.actor, p.today
    if started:  # after the commit above, so the thread finds the row running
        import_runs.start(runtime, upload_id, actor=actor, today=today)
    return response


@router.get("/import/{upload_id}", response_class=HTMLResponse)
def status(request: Request, upload_id: int) -> Response:
    # Only reads (the import may hold SQLite's one write lock): a stranded import is put back after it.
    here = import_runs.BOARD.get(runtime_of(request).database, upload_id) is not None  # before the row is read
    with watching(request, roles=ADMIN) as p:
        upload = p.session.get(ImportUpload, upload_id)
        if upload is None or upload.staff_id != p.account.id:
            response = p.render("import.html", step="upload", status_code=404, problems=[GONE])
            return response
        if not import_runs.stranded(p.runtime, upload, here=here):
            response = _status(p, upload)
            return response
        runtime, runner = p.runtime, upload.runner
    import_runs.put_back(runtime, upload_id, runner=runner)
    return RedirectResponse(f"/staff/import/{upload_id}", status_code=303)


def _status(p: Page, upload: ImportUpload) -> HTMLResponse:
    outcome = upload.outcome or {}
    if upload.state == "done":
        return p.render("import.html", step="done", counts=outcome.get("counts", {}), lines=outcome.get("lines", []))
    if upload.state == "failed":
        return p.render("import.html", step="upload", status_code=422, problems=outcome.get("problems", []),
                        refused=outcome.get("refused", import_runs.FAILED))
    if upload.state == "running":
        done = import_runs.rows_done(p.runtime.database, upload)
        return p.render("import.html", step="running", upload=upload, done=done,
                        percent=done * 100 // max(upload.total_rows, 1))
    # Checked, and not confirmed yet, or put back after its server stopped mid-import: check it again (the
    # day may have moved on) and offer the confirm.
    try:
        rows = parse_households(upload.data, today=p.today)
    except HouseholdImportError as error:
        return p.render("import.html", step="upload", status_code=422, problems=error.errors,
                        refused=f"{error} (listed above)")
    return p.render("import.html", step="confirm", upload=upload, households=len(rows),
                    children=sum(len(row.children) for row in rows),
                    interrupted=bool(outcome.get(import_runs.INTERRUPTED)))
