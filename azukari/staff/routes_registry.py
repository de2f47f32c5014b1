"""Keeping the registry right: suspected duplicates listed, merged or dismissed by staff (issue 27)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azukari.households.models import Child
from azukari.registration import merging
from azukari.registration import service as registration
from azukari.registration.duplicates import open_pairs
from azukari.registration.service import DuplicateChild, InvalidChild
from azukari.staff import households
from azukari.staff.console import CENTRE, page
from azukari.staff.forms import child_fields, require_fits
from azukari.staff.routes_households import household_page

router = APIRouter()
Text = Annotated[str, Form()]

REMOVE_UNCONFIRMED = "子を登録から外すには、確認のチェックを入れてください"
LAST_CHILD = "世帯の最後の子は外せません。世帯ごと消去する場合は管理者に依頼してください"
STRENGTH_WORDS = {"name": "生年月日と名前（読み）が同じ", "guardian": "生年月日と名前が同じ・保護者も同じ",
                  "address": "生年月日と名前が同じ・住所も同じ",
                  "guardian_address": "生年月日と名前が同じ・保護者と住所も同じ"}


@dataclass(frozen=True)
class PairView:
    id: int
    strength: str
    found_at: object
    children: tuple[Child, Child]


@router.get("/duplicates", response_class=HTMLResponse)
def list_pairs(request: Request) -> HTMLResponse:
    with page(request, roles=CENTRE) as p:
        pairs = [PairView(row.id, STRENGTH_WORDS.get(row.strength, row.strength), row.found_at, (a, b))
                 for row, a, b in open_pairs(p.session)]
        p.audit("duplicates.viewed", shown=len(pairs))
        response = p.render("duplicates.html", pairs=pairs, done=request.query_params.get("done", ""),
                            error=request.query_params.get("error", ""))
    return response


@router.post("/duplicates/{pair_id}/merge", response_model=None)
def merge(request: Request, pair_id: int, keep: Text = "", phone_of: Text = "", csrf: Text = "") -> Response:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        if not keep.isdigit() or not phone_of.isdigit():
            return RedirectResponse("/staff/duplicates?error=choose", status_code=303)
        try:
            merged = merging.merge(p.session, pair_id=pair_id, keep_child=int(keep), phone_of=int(phone_of),
                                   now=p.now, actor=p.actor, staff_id=p.account.id)
        except merging.MergeConflict:
            return RedirectResponse("/staff/duplicates?error=overlap", status_code=303)
        except merging.PairNotOpen:
            return RedirectResponse("/staff/duplicates?error=decided", status_code=303)
    return RedirectResponse(f"/staff/households/{merged.kept_household}?done=merged", status_code=303)


@router.post("/duplicates/{pair_id}/dismiss", response_model=None)
def dismiss(request: Request, pair_id: int, csrf: Text = "") -> Response:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        try:
            merging.dismiss(p.session, pair_id=pair_id, now=p.now, actor=p.actor, staff_id=p.account.id)
        except merging.PairNotOpen:
            return RedirectResponse("/staff/duplicates?error=decided", status_code=303)
    return RedirectResponse("/staff/duplicates?done=dismissed", status_code=303)


@router.post("/households/{household_pk}/children/{child_id}/correct", response_model=None)
def correct_child(request: Request, household_pk: int, child_id: int, child_name: Text = "", child_kana: Text = "",
                  child_birthdate: Text = "", child_sex: Text = "", csrf: Text = "") -> Response:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        registration.get_household(p.session, household_pk)
        try:
            require_fits(*child_fields([child_name], [child_kana]))
            entry = households.child_entries([child_name], [child_kana], [child_birthdate], [child_sex])[0]
            changed = registration.correct_child(p.session, household_pk=household_pk, child_id=child_id,
                                                 entry=entry, now=p.now)
        except (households.FormError, InvalidChild, DuplicateChild) as error:
            failed = household_page(p, household_pk, error=households.message_for(error), status_code=422)
            return failed
        # Which fields changed, never their old or new values: the trail must not keep a name twice.
        p.audit_changes("household.child_corrected", changed, household_pk=household_pk, child_id=child_id)
    return RedirectResponse(f"/staff/households/{household_pk}?done=child_corrected", status_code=303)


@router.post("/households/{household_pk}/children/{child_id}/remove", response_model=None)
def remove_child(request: Request, household_pk: int, child_id: int, confirm: Text = "", csrf: Text = "") -> Response:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        if confirm != "1":
            failed = household_page(p, household_pk, error=REMOVE_UNCONFIRMED, status_code=422)
            return failed
        try:
            cancelled = registration.remove_child(p.session, household_pk=household_pk, child_id=child_id, now=p.now,
                                                  actor=p.actor)
        except registration.LastChild:
            failed = household_page(p, household_pk, error=LAST_CHILD, status_code=422)
            return failed
        p.audit("household.child_removed", household_pk=household_pk, child_id=child_id, cancelled=cancelled)
    return RedirectResponse(f"/staff/households/{household_pk}?done=child_removed", status_code=303)
