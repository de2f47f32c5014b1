"""Waiting lists, held seats and open offers per facility and day; removing an entry; attendance marks."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from azukari.booking import roster, waitlist, waitlist_views
from azukari.booking.models import Facility, Reservation
from azukari.staff.console import ANY, Forbidden, Page, page

router = APIRouter()
Text = Annotated[str, Form()]


def _day(text: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else default
    except ValueError:
        return default


def _facilities(p: Page, facility: int | None) -> tuple[list[Facility], Facility | None]:
    """The facilities this account may see (facility staff: their own), and the one chosen."""
    facilities = list(p.session.scalars(select(Facility).where(Facility.active).order_by(Facility.key)))
    if p.account.role == "facility":
        if facility is not None and facility != p.account.facility_id:
            raise Forbidden("another facility")
        facilities = [f for f in facilities if f.id == p.account.facility_id]
    return facilities, next((f for f in facilities if f.id == facility), facilities[0] if facilities else None)


def _may_act_for(p: Page, facility_id: int | None) -> None:
    if facility_id is None or (p.account.role == "facility" and facility_id != p.account.facility_id):
        raise Forbidden("another facility")


@router.get("/waiting", response_class=HTMLResponse)
def waiting(request: Request, facility: int | None = None, day: str | None = None) -> HTMLResponse:
    with page(request, roles=ANY) as p:
        facilities, chosen = _facilities(p, facility)
        on = _day(day, p.today + dt.timedelta(days=1))
        units = waitlist_views.for_facility_day(p.session, facility_id=chosen.id, day=on) if chosen else []
        if chosen:
            p.audit("waitlist.viewed", facility_id=chosen.id, day=on.isoformat(),
                    children=sum(len(u.lines) for u in units))
        response = p.render("waiting.html", facilities=facilities, chosen=chosen, day=on, units=units,
                            words=waitlist_views.STATUS_WORDS, done=request.query_params.get("done", ""))
    return response


@router.post("/waiting/{entry_id}/remove", response_model=None)
def remove(request: Request, entry_id: int, csrf: Text = "", back: Text = "") -> RedirectResponse:
    with page(request, roles=ANY, csrf=csrf, post=True) as p:
        _may_act_for(p, waitlist_views.facility_of_entry(p.session, entry_id))
        # The service audits the removal (and passes a held seat on to the next family).
        done = "removed" if waitlist.remove(p.session, entry_id=entry_id, actor=p.actor, now=p.now) else "unchanged"
    target = back if back.startswith("/staff/") else "/staff/waiting"
    return RedirectResponse(f"{target}{'&' if '?' in target else '?'}done={done}", status_code=303)


@router.post("/roster/attendance", response_model=None)
def attendance(request: Request, reservation_id: Annotated[int, Form()], mark: Text = "", csrf: Text = "",
               ) -> RedirectResponse:
    with page(request, roles=ANY, csrf=csrf, post=True) as p:
        found = p.session.execute(select(Reservation.facility_id, Reservation.day)
                                  .where(Reservation.id == reservation_id)).one_or_none()
        _may_act_for(p, found.facility_id if found else None)
        assert found is not None
        marked = roster.mark_attendance(p.session, reservation_id=reservation_id, facility_id=found.facility_id,
                                        mark=mark, actor=p.actor, now=p.now)
    return RedirectResponse(f"/staff/roster?facility={found.facility_id}&day={found.day.isoformat()}"
                            f"&done={'marked' if marked else 'unchanged'}", status_code=303)
