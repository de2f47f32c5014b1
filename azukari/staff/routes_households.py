"""Households: find, enter a paper registration (ID and PIN letter, once), view, edit, renew, DV flag, lock lift."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azukari.booking import listings, no_shows, roster, waitlist_views
from azukari.booking import repository as repo
from azukari.households import web_access
from azukari.identity import throttling
from azukari.identity.lifting import NotLocked, lift_household_lock
from azukari.registration import search as registry
from azukari.registration import service as registration
from azukari.registration.service import DV_REASONS, InvalidContact, UnknownDvReason
from azukari.staff import households
from azukari.staff.console import CENTRE, Page, page
from azukari.staff.forms import child_fields, guardian_fields, require_fits
from azukari.staff.routes_web_access import web_context

router = APIRouter()
Text = Annotated[str, Form()]
Texts = Annotated[list[str], Form()]


@router.get("/households", response_class=HTMLResponse)
def search_form(request: Request) -> HTMLResponse:
    with page(request, roles=CENTRE) as p:
        response = p.render("households.html", results=None, query="", today=p.today,
                            facilities=registry.facilities(p.session), narrowing=registry.Narrowing())
    return response


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


@router.post("/households/find", response_class=HTMLResponse)
def search(request: Request, query: Text = "", page_number: Annotated[str, Form(alias="page")] = "1",
           facility: Text = "", interviewed_from: Text = "", interviewed_until: Text = "",
           csrf: Text = "") -> HTMLResponse:
    # POST, not GET: an ID, a number or a name typed here must not end up in URLs, logs or history.
    narrowing = registry.Narrowing(int(facility) if facility.isdigit() and len(facility) < 6 else None,
                                   _day(interviewed_from), _day(interviewed_until))
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        results = registry.find(p.session, query=query[:100], today=p.today,
                                page=int(page_number) if page_number.isdigit() else 1, narrowing=narrowing)
        p.audit("household.searched", results=results.total, page=results.page,
                **({"facility_filter": True} if narrowing.facility is not None else {}),
                **({"interview_filter": True} if narrowing.interviewed_from or narrowing.interviewed_until else {}))
        for shown in results.hits:  # every household the page showed has the search in its own trail
            p.audit("household.shown_in_search", household_pk=shown.id)
        response = p.render("households.html", results=results, query=query[:100], today=p.today,
                            facilities=registry.facilities(p.session), narrowing=narrowing)
    return response


@router.get("/households/new", response_class=HTMLResponse)
def new_form(request: Request) -> HTMLResponse:
    with page(request, roles=CENTRE) as p:
        response = p.render("household_new.html", error="", form={}, registered_on=p.today.isoformat(),
                            facilities=registry.facilities(p.session))
    return response


@router.post("/households/new", response_class=HTMLResponse)
def register(request: Request, guardian_name: Text = "", guardian_kana: Text = "", phone: Text = "",
             address: Text = "", registered_on: Text = "", dv_flag: Text = "", registered_facility: Text = "",
             interviewed_on: Text = "", child_name: Texts = [],  # noqa: B006
             child_kana: Texts = [], child_birthdate: Texts = [], child_sex: Texts = [],  # noqa: B006
             csrf: Text = "") -> HTMLResponse:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        try:
            require_fits(*guardian_fields(guardian_name, guardian_kana, address), *child_fields(child_name, child_kana))
            children = households.child_entries(child_name, child_kana, child_birthdate, child_sex)
            household, pin = registration.register_household(
                p.session, guardian_name=guardian_name, guardian_kana=guardian_kana, phone=phone, address=address,
                children=children, registered_on=dt.date.fromisoformat(registered_on or p.today.isoformat()),
                dv_flag=dv_flag == "1", now=p.now,
                registered_facility=int(registered_facility) if registered_facility.isdigit() else None,
                interviewed_on=dt.date.fromisoformat(interviewed_on) if interviewed_on else None)
        except ValueError as error:
            message = households.message_for(error)
            form = {"guardian_name": guardian_name, "guardian_kana": guardian_kana, "phone": phone, "address": address,
                    "registered_facility": registered_facility, "interviewed_on": interviewed_on}
            return p.render("household_new.html", status_code=422, error=message, form=form,
                            registered_on=registered_on, facilities=registry.facilities(p.session))
        web_password = web_access.issue(p.session, household_pk=household.id, now=p.now)
        p.audit("household.registered", household_pk=household.id, children=len(children), dv=household.dv_flag)
        # The PIN and the first web password exist only in this response: stored hashed, never shown again.
        response = p.render("letter.html", household=household, pin=pin, web_password=web_password,
                            web_url=p.runtime.settings.public_base_url + "/")
    return response


def household_page(p: Page, household_pk: int, *, error: str = "", status_code: int = 200,
                   **context: Any) -> HTMLResponse:
    household = registration.get_household(p.session, household_pk)
    p.audit("household.viewed", household_pk=household.id)
    failures = throttling.household_failures(p.session, household_pk=household.id, now=p.now)
    facility_name = registry.facility_name(p.session, household.registered_facility)
    policy = repo.policy(p.session)  # once, not once per child
    return p.render("household.html", status_code=status_code, household=household, error=error,
                    registered_facility_name=facility_name,
                    upcoming=listings.upcoming(p.session, household_pk=household.id, now=p.now),
                    history=listings.past_year(p.session, household_pk=household.id, now=p.now),
                    waiting=waitlist_views.for_household(p.session, household_pk=household.id, now=p.now),
                    waiting_words=waitlist_views.STATUS_WORDS, marks=roster.ATTENDANCE,
                    cancel_reasons=households.CANCEL_REASONS,
                    lock_failures=failures if failures >= throttling.HOUSEHOLD_LIMIT else None,
                    no_show_limited={c.id for c in household.children if no_shows.limit_reached(
                        p.session, policy=policy, child_id=c.id, now=p.now)},
                    dv_reasons=DV_REASONS, today=p.today, done=p.request.query_params.get("done", ""),
                    **web_context(p.session, household.id), **context)


@router.get("/households/{household_pk}", response_class=HTMLResponse)
def show(request: Request, household_pk: int) -> HTMLResponse:
    with page(request, roles=CENTRE) as p:
        response = household_page(p, household_pk)
    return response


@router.post("/households/{household_pk}/edit", response_model=None)
def edit(request: Request, household_pk: int, guardian_name: Text = "", guardian_kana: Text = "", phone: Text = "",
         address: Text = "", csrf: Text = "") -> Response:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        try:
            require_fits(*guardian_fields(guardian_name, guardian_kana, address))
            changed = registration.update_contact(p.session, household_pk=household_pk, guardian_name=guardian_name,
                                                  guardian_kana=guardian_kana, phone=phone, address=address,
                                                  now=p.now)
        except (InvalidContact, households.FormError) as error:
            # The view of the household is audited even when the form is refused.
            failed = household_page(p, household_pk, error=households.message_for(error), status_code=422)
            return failed
        p.audit_changes("household.edited", changed, household_pk=household_pk)
    return RedirectResponse(f"/staff/households/{household_pk}?done=edited", status_code=303)


@router.post("/households/{household_pk}/renew")
def renew(request: Request, household_pk: int, csrf: Text = "") -> RedirectResponse:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        household = registration.renew(p.session, household_pk=household_pk, today=p.today)
        p.audit("household.renewed", household_pk=household_pk, valid_until=household.valid_until().isoformat())
    return RedirectResponse(f"/staff/households/{household_pk}?done=renewed", status_code=303)


@router.post("/households/{household_pk}/dv", response_model=None)
def set_dv(request: Request, household_pk: int, flag: Text = "", reason: Text = "", csrf: Text = "") -> Response:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        try:
            registration.set_dv(p.session, household_pk=household_pk, flag=flag == "1", reason=reason, now=p.now)
        except UnknownDvReason:
            failed = household_page(p, household_pk, error=households.DV_REASON_MISSING, status_code=422)
            return failed
        p.audit("household.dv_set" if flag == "1" else "household.dv_cleared", household_pk=household_pk,
                reason=reason)
    return RedirectResponse(f"/staff/households/{household_pk}?done=dv", status_code=303)


@router.post("/households/{household_pk}/unlock", response_model=None)
def lift_lock(request: Request, household_pk: int, called_back: Text = "", csrf: Text = "") -> Response:
    # Only after staff called the number on file and verified the parent: the box says so, and is required.
    # Resolving the `household_locked` case is a separate decision and does not come with this.
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        if called_back != "1":
            failed = household_page(p, household_pk, status_code=422,
                                    error="登録番号に折り返して本人確認したことを確認するチェックを入れてください")
            return failed
        try:
            lift_household_lock(p.session, household_pk=household_pk, now=p.now, actor=p.actor)
        except NotLocked:
            return RedirectResponse(f"/staff/households/{household_pk}?done=not_locked", status_code=303)
    return RedirectResponse(f"/staff/households/{household_pk}?done=unlocked", status_code=303)


@router.post("/households/{household_pk}/no-shows/lift", response_model=None)
def lift_no_shows(request: Request, household_pk: int, child_id: Annotated[int, Form()] = 0,
                  csrf: Text = "") -> Response:
    """`[rules] no_show_limit`: the child's no-shows so far no longer count (audited as no_shows.lifted)."""
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        household = registration.get_household(p.session, household_pk)
        if not any(c.id == child_id for c in household.children):
            return RedirectResponse(f"/staff/households/{household_pk}?done=not_found", status_code=303)
        no_shows.lift(p.session, child_id=child_id, actor=p.actor, now=p.now)
    return RedirectResponse(f"/staff/households/{household_pk}?done=no_shows_lifted", status_code=303)
