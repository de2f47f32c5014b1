"""Counter work on a registered household: add a sibling, re-issue a lost phone PIN (letter shown once)."""
from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azukari.households.models import Household
from azukari.registration import service as registration
from azukari.registration.service import DuplicateChild, InvalidChild
from azukari.staff import households
from azukari.staff.console import CENTRE, Page, page
from azukari.staff.forms import child_fields, require_fits
from azukari.staff.routes_households import household_page

router = APIRouter()
Text = Annotated[str, Form()]

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
        registration.get_household(p.session, household_pk)  # an unknown household is refused before the form
        form = {"name": child_name, "kana": child_kana, "birthdate": child_birthdate, "sex": child_sex}
        try:
            require_fits(*child_fields([child_name], [child_kana]))
            entries = households.child_entries([child_name], [child_kana], [child_birthdate], [child_sex])
            child = registration.add_child(p.session, household_pk=household_pk, now=p.now, entry=entries[0])
        except (households.FormError, InvalidChild, DuplicateChild) as error:
            # The view of the household is audited even when the form is refused.
            failed = household_page(p, household_pk, error=households.message_for(error), status_code=422,
                                    child_form=form)
            return failed
        p.audit("household.child_added", household_pk=household_pk, child_id=child.id)
    return RedirectResponse(f"/staff/households/{household_pk}?done=child_added", status_code=303)


@router.get("/households/{household_pk}/pin", response_class=HTMLResponse)
def confirm_reissue(request: Request, household_pk: int) -> HTMLResponse:
    with page(request, roles=CENTRE) as p:
        household = registration.get_household(p.session, household_pk)
        p.audit("household.viewed", household_pk=household.id)
        response = _confirmation(p, household)
    return response


@router.post("/households/{household_pk}/pin", response_class=HTMLResponse)
def reissue(request: Request, household_pk: int, pin_version: Text = "", csrf: Text = "") -> HTMLResponse:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        household = registration.get_household(p.session, household_pk)
        if not hmac.compare_digest(pin_version.encode(), _pin_version(household).encode()):
            # A refresh of the letter re-posts this form: it must neither show a PIN again nor
            # silently replace the one just printed.
            p.audit("household.viewed", household_pk=household.id)
            response = _confirmation(p, household, error=ALREADY_REISSUED, status_code=409)
            return response
        pin = registration.reissue_pin(p.session, household_pk=household.id, now=p.now)
        p.audit("household.pin_reissued", household_pk=household.id)
        # As with a new registration, the PIN exists only in this response (no-store, no GET URL).
        response = p.render("letter.html", household=household, pin=pin, reissued=True)
    return response


def _confirmation(p: Page, household: Household, *, error: str = "", status_code: int = 200) -> HTMLResponse:
    return p.render("pin_confirm.html", status_code=status_code, household=household, error=error,
                    pin_version=_pin_version(household))
