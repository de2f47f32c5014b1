"""A household's web sign-in at the counter (contract §8): reissue its web password (a new letter, shown once),
turn its web access off or on (e.g. a DV household on request). Every change is audited."""
from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from azukari.households import web_access
from azukari.registration import service as registration
from azukari.staff.console import CENTRE, page

router = APIRouter()
Text = Annotated[str, Form()]

def web_version(household_pk: int, hashed: str | None) -> str:
    """Names the web password in force without revealing it, so a refreshed POST does not reissue twice."""
    return hashlib.sha256(f"{household_pk}:{hashed or 'none'}".encode()).hexdigest()[:16]


@router.post("/households/{household_pk}/web-password", response_model=None)
def reissue(request: Request, household_pk: int, version: Text = "", csrf: Text = "") -> Response:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        household = registration.get_household(p.session, household_pk)
        access = web_access.of(p.session, household_pk=household.id)
        if not hmac.compare_digest(version, web_version(household.id, access.password_hash if access else None)):
            return RedirectResponse(f"/staff/households/{household.id}?done=web_already", status_code=303)
        password = web_access.issue(p.session, household_pk=household.id, now=p.now)
        p.audit("household.web_password_reissued", household_pk=household.id)
        # The password exists only in this response (no-store, no GET URL), as a PIN letter's does.
        response = p.render("web_letter.html", household=household, web_password=password,
                            web_url=p.runtime.settings.public_base_url + "/")
    return response


@router.post("/households/{household_pk}/web-access")
def set_access(request: Request, household_pk: int, enabled: Text = "", csrf: Text = "") -> RedirectResponse:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        household = registration.get_household(p.session, household_pk)
        on = enabled == "1"
        if web_access.set_enabled(p.session, household_pk=household.id, enabled=on, now=p.now):
            p.audit("household.web_access_on" if on else "household.web_access_off", household_pk=household.id)
    return RedirectResponse(f"/staff/households/{household_pk}?done=web_access", status_code=303)


def web_context(session: Session, household_pk: int) -> dict[str, object]:
    """What the household page shows of web sign-in: whether it has one, whether it is on, the reissue token."""
    access = web_access.of(session, household_pk=household_pk)
    return {"web_access": access, "web_version": web_version(household_pk, access.password_hash if access else None)}
