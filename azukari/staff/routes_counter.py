"""Counter work on a registered household: add a sibling, re-issue a lost phone PIN (letter shown once)."""
from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azukari.registration import service as registration
from azukari.registration.importer import check_child
from azukari.registration.models import Child, Household
from azukari.registration.service import ChildEntry, DuplicateChild, InvalidChild
from azukari.staff import households
from azukari.staff.console import CENTRE, Page, page
from azukari.staff.forms import require_fits
from azukari.staff.households import FormError
from azukari.staff.routes_households import household_page

router = APIRouter()
Text = Annotated[str, Form()]

# The importer names the column; staff read what to correct, in Japanese.
CHILD_PROBLEMS = {
    "child_name": "子の氏名を入力してください",
    "child_kana": "子のフリガナはカタカナかひらがなで入力してください",
    "child_birthdate": "子の生年月日は YYYY-MM-DD で、今日までの日付を入力してください",
    "child_sex": "子の性別は 男・女・未記入 から選んでください",
}
DUPLICATE = "この子はすでに登録されています（氏名またはフリガナと生年月日が同じです）"
ALREADY_REISSUED = ("暗証番号はすでに再発行されています。"
                    "お知らせをなくした場合は、世帯の画面からもう一度再発行してください。")


def _pin_version(household: Household) -> str:
    """Names the PIN in force without revealing it: a refreshed or doubled POST finds it changed and stops.

    A digest of the salted argon2 hash: without the hash itself it helps no one guess the PIN.
    """
    return hashlib.sha256(household.pin_hash.encode()).hexdigest()[:16]


@router.post("/households/{household_pk}/children", response_model=None)
def add_child(request: Request, household_pk: int, child_name: Text = "", child_kana: Text = "",
              child_birthdate: Text = "", child_sex: Text = "", csrf: Text = "") -> Response:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        households.get(p.session, household_pk)  # an unknown household is refused before the form is judged
        form = {"name": child_name, "kana": child_kana, "birthdate": child_birthdate, "sex": child_sex}
        try:
            require_fits(("子の氏名", child_name, Child.name), ("子のフリガナ", child_kana, Child.kana))
        except FormError as error:
            failed = household_page(p, household_pk, error=str(error), status_code=422, child_form=form)
            p.session.commit()
            return failed
        checked, problems = check_child(name=child_name, kana=child_kana, birthdate=child_birthdate, sex=child_sex,
                                        today=p.today)
        try:
            if checked is None:
                raise InvalidChild(problems)
            child = registration.add_child(p.session, household_pk=household_pk, now=p.now, entry=ChildEntry(
                name=checked.name, kana=checked.kana, birthdate=checked.birthdate, sex=checked.sex))
        except (InvalidChild, DuplicateChild) as error:
            message = DUPLICATE if isinstance(error, DuplicateChild) else "。".join(
                CHILD_PROBLEMS[column] for column in error.problems)
            failed = household_page(p, household_pk, error=message, status_code=422, child_form=form)
            p.session.commit()  # the view of the household is audited even when the form is refused
            return failed
        p.audit("household.child_added", household_pk=household_pk, child_id=child.id)
        p.session.commit()
    return RedirectResponse(f"/staff/households/{household_pk}?done=child_added", status_code=303)


@router.get("/households/{household_pk}/pin", response_class=HTMLResponse)
def confirm_reissue(request: Request, household_pk: int) -> HTMLResponse:
    with page(request, roles=CENTRE) as p:
        household = households.get(p.session, household_pk)
        p.audit("household.viewed", household_pk=household.id)
        response = _confirmation(p, household)
        p.session.commit()
    return response


@router.post("/households/{household_pk}/pin", response_class=HTMLResponse)
def reissue(request: Request, household_pk: int, pin_version: Text = "", csrf: Text = "") -> HTMLResponse:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        household = households.get(p.session, household_pk)
        if not hmac.compare_digest(pin_version, _pin_version(household)):
            # A refresh of the letter re-posts this form: it must neither show a PIN again nor
            # silently replace the one just printed.
            p.audit("household.viewed", household_pk=household.id)
            response = _confirmation(p, household, error=ALREADY_REISSUED, status_code=409)
            p.session.commit()
            return response
        pin = registration.reissue_pin(p.session, household_pk=household.id, now=p.now)
        p.audit("household.pin_reissued", household_pk=household.id)
        if household.dv_flag:
            p.dv_households = [household.household_id]
        # As with a new registration, the PIN exists only in this response (no-store, no GET URL).
        response = p.render("letter.html", household=household, pin=pin, reissued=True)
        p.session.commit()
    return response


def _confirmation(p: Page, household: Household, *, error: str = "", status_code: int = 200) -> HTMLResponse:
    if household.dv_flag:
        p.dv_households = [household.household_id]
    return p.render("pin_confirm.html", status_code=status_code, household=household, error=error,
                    pin_version=_pin_version(household))
