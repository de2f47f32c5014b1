"""The escalation queue page and its claim / note / link / resolve forms (the lifecycle: oversight/escalations.py)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from azukari.oversight import escalations as cases
from azukari.registration import service as registration
from azukari.staff import queue
from azukari.staff.console import CENTRE, page

router = APIRouter()
CsrfField = Annotated[str, Form()]


@router.get("/escalations", response_class=HTMLResponse)
def escalations(request: Request) -> HTMLResponse:
    with page(request, roles=CENTRE) as p:
        items = queue.open_items(p.session)
        resolved = queue.recently_resolved(p.session)
        names = queue.staff_names(p.session)
        # The queue shows households' IDs and numbers on file: a view of each of them, audited as such.
        for household_pk in sorted({i.household.id for i in [*items, *resolved] if i.household}):
            p.audit("escalations.viewed", household_pk=household_pk)
        response = p.render("escalations.html", items=items, resolved=resolved, staff_names=names,
                            channels=queue.CHANNEL_LABELS, statuses=queue.STATUS_LABELS,
                            resolutions=cases.RESOLUTIONS, problem=request.query_params.get("problem", ""),
                            problem_case=request.query_params.get("case", ""))
    return response


@router.post("/escalations/{escalation_id}/claim")
def claim(request: Request, escalation_id: int, csrf: CsrfField = "") -> RedirectResponse:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        e = cases.claim(p.session, escalation_id=escalation_id, staff_id=p.account.id)
        p.audit("escalation.claimed", household_pk=e.household_pk, escalation_id=e.id)
    return RedirectResponse(f"/staff/escalations#e{escalation_id}", status_code=303)


@router.post("/escalations/{escalation_id}/note")
def note(request: Request, escalation_id: int, text: Annotated[str, Form()] = "",
         csrf: CsrfField = "") -> RedirectResponse:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        if text.strip():
            e = cases.add_note(p.session, escalation_id=escalation_id, author=p.account.display_name, text=text,
                               now=p.now)
            p.audit("escalation.noted", household_pk=e.household_pk, escalation_id=e.id)
    return RedirectResponse(f"/staff/escalations#e{escalation_id}", status_code=303)


@router.post("/escalations/{escalation_id}/link")
def link(request: Request, escalation_id: int, household_id: Annotated[str, Form()] = "",
         csrf: CsrfField = "") -> RedirectResponse:
    # Staff found out whose case it is (the parent called again, or called the facility): the card then
    # offers the number on file, the only number staff call back.
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        wanted = "".join(household_id.split())[:10]
        household = registration.by_household_ids(p.session, [wanted]).get(wanted) if wanted.isdigit() else None
        if household is None:
            return RedirectResponse(f"/staff/escalations?problem=unknown_household&case={escalation_id}"
                                    f"#e{escalation_id}", status_code=303)
        e = cases.link_household(p.session, escalation_id=escalation_id, household_pk=household.id,
                                  household_dv=household.dv_flag)
        p.audit("escalation.linked", household_pk=household.id, escalation_id=e.id)
    return RedirectResponse(f"/staff/escalations#e{escalation_id}", status_code=303)


@router.post("/escalations/{escalation_id}/resolve")
def resolve(request: Request, escalation_id: int, resolution: Annotated[str, Form()] = "done",
            csrf: CsrfField = "") -> RedirectResponse:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        how = resolution if resolution in cases.RESOLUTIONS else "done"
        e = cases.resolve(p.session, escalation_id=escalation_id, staff_id=p.account.id, now=p.now, resolution=how,
                          author=p.account.display_name)
        p.audit("escalation.resolved", household_pk=e.household_pk, escalation_id=e.id, resolution=how)
    return RedirectResponse("/staff/escalations", status_code=303)
