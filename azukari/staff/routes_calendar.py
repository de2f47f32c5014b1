"""A facility's month (closed days, per-unit ○ △ ×), and closing by staff: preview whose bookings it cancels,
then close (the closed-day cancellation to each family, listed for staff to call), or undo a closing."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from azukari.booking import closures, month_view
from azukari.booking.models import Closure, Facility
from azukari.staff.console import ANY, Forbidden, Page, page

router = APIRouter()
Text = Annotated[str, Form()]
REASONS = {"weekday": "定休日", "holiday": "祝日", "closed_date": "休所日", "staff": "休所（職員）"}


def _facilities(p: Page) -> list[Facility]:
    """The facilities this account may see and close: a facility's staff, their own only."""
    found = list(p.session.scalars(select(Facility).where(Facility.active).order_by(Facility.key)))
    if p.account.role == "facility":
        found = [f for f in found if f.id == p.account.facility_id]
    return found


def _facility(p: Page, facility_id: int) -> Facility:
    chosen = next((f for f in _facilities(p) if f.id == facility_id), None)
    if chosen is None:
        raise Forbidden("another facility")
    return chosen


def _month(text: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{text}-01") if text else default.replace(day=1)
    except ValueError:
        return default.replace(day=1)


def _capacity(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


@router.get("/calendar", response_class=HTMLResponse)
def calendar(request: Request, facility: int | None = None, month: str | None = None) -> HTMLResponse:
    with page(request, roles=ANY) as p:
        facilities = _facilities(p)
        chosen = next((f for f in facilities if f.id == facility), facilities[0] if facilities else None)
        if facility is not None and chosen is not None and chosen.id != facility:
            raise Forbidden("another facility")
        first = _month(month, p.today)
        days = month_view.month(p.session, facility=chosen, month=first) if chosen else []
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        following = (first + dt.timedelta(days=31)).replace(day=1)
        response = p.render("calendar.html", facilities=facilities, chosen=chosen, month=first, days=days,
                            previous=previous, following=following, reasons=REASONS, today=p.today,
                            done=request.query_params.get("done", ""), error="")
    return response


def _form_values(facility_id: int, unit_id: str, day: str, capacity: str) -> tuple[int | None, dt.date, int | None]:
    return (int(unit_id) if unit_id.isdigit() else None, dt.date.fromisoformat(day), _capacity(capacity))


@router.post("/calendar/close", response_class=HTMLResponse)
def close(request: Request, facility_id: Annotated[int, Form()], day: Text = "", unit_id: Text = "",
          capacity: Text = "", confirmed: Text = "", csrf: Text = "") -> Response:
    """Without `confirmed`: the preview (how many bookings, and whose); with it: the closing itself."""
    with page(request, roles=ANY, csrf=csrf, post=True) as p:
        facility = _facility(p, facility_id)
        try:
            unit, on, seats = _form_values(facility_id, unit_id, day, capacity)
            if confirmed != "1":
                affected = closures.preview(p.session, facility_id=facility.id, unit_id=unit, day=on,
                                            capacity=seats, now=p.now)
                p.audit("closure.previewed", facility_id=facility.id, day=on.isoformat(), unit_id=unit,
                        shown=len(affected))
                return p.render("closing.html", facility=facility, day=on, unit_id=unit, capacity=seats,
                                affected=affected, done=False)
            closed = closures.close(p.session, facility_id=facility.id, unit_id=unit, day=on, capacity=seats,
                                    actor=p.actor, now=p.now)
        except (ValueError, closures.ClosingError) as error:
            days = month_view.month(p.session, facility=facility, month=p.today.replace(day=1))
            return p.render("calendar.html", status_code=422, facilities=_facilities(p), chosen=facility,
                            month=p.today.replace(day=1), days=days, reasons=REASONS, today=p.today, done="",
                            previous=p.today.replace(day=1), following=p.today.replace(day=1),
                            error=str(error) if isinstance(error, closures.ClosingError) else "日付を確かめてください")
        response = p.render("closing.html", facility=facility, day=on, unit_id=unit, capacity=seats,
                            affected=closed.cancelled, done=True)
    return response


@router.post("/calendar/closures/{closure_id}/undo")
def undo(request: Request, closure_id: int, csrf: Text = "") -> RedirectResponse:
    with page(request, roles=ANY, csrf=csrf, post=True) as p:
        closure = p.session.get(Closure, closure_id)
        if closure is None:
            return RedirectResponse("/staff/calendar", status_code=303)
        facility = _facility(p, closure.facility_id)
        undone = closures.undo(p.session, closure_id=closure_id, actor=p.actor, now=p.now)
        where = f"/staff/calendar?facility={facility.id}&month={closure.day:%Y-%m}"
    return RedirectResponse(f"{where}&done={'reopened' if undone else 'unchanged'}", status_code=303)
