"""Import from the console (issue 27, item 7): an admin uploads households.csv (UTF-8 or CP932), sees every
problem at once, as `azukari import-households` prints them, then confirms; the same all-or-nothing import
(registration/importer.py), audited as the command's is (`households.imported`, with the file's digest)."""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy import delete, or_

from azukari.oversight import audit
from azukari.registration.households_csv import HouseholdImportError, parse_households
from azukari.registration.importer import import_households_data
from azukari.staff.console import ADMIN, page
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
        p.session.execute(delete(ImportUpload).where(or_(ImportUpload.staff_id == p.account.id,
                                                         ImportUpload.uploaded_at < p.now - KEPT)))
        try:
            rows = parse_households(data, today=p.today)
        except HouseholdImportError as error:
            response = p.render("import.html", step="upload", status_code=422, problems=error.errors,
                                refused=f"{error} (listed above)")
            return response
        upload = ImportUpload(staff_id=p.account.id, digest=hashlib.sha256(data).hexdigest(), data=data,
                              uploaded_at=p.now)
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
        data, digest = upload.data, upload.digest
        p.session.delete(upload)
        try:
            summary = import_households_data(p.session, data, today=p.today)
        except HouseholdImportError as error:  # the day moved on between check and confirm: nothing written
            p.session.rollback()
            response = p.render("import.html", step="upload", status_code=422, problems=error.errors,
                                refused=f"{error} (listed above)")
            return response
        audit.record(p.session, actor=p.actor, action="households.imported", now=p.now,
                     detail={"digest": digest, **summary.audit_detail()})
        response = p.render("import.html", step="done", summary=summary, lines=str(summary).splitlines())
    return response
