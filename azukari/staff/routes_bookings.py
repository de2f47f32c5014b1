"""Rosters per facility and day, and booking or cancelling on a parent's behalf via the booking service."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from azukari.booking import listings
from azukari.booking import roster as rosters
from azukari.booking import service as booking
from azukari.booking.models import Facility
from azukari.booking.rules import BookingRefusal
from azukari.households.models import Child
from azukari.registration import service as registration
from azukari.staff.console import ANY, CENTRE, Forbidden, page
from azukari.staff.households import CANCEL_REASONS

router = APIRouter()
Text = Annotated[str, Form()]
REFUSALS = {
    BookingRefusal.CLOSED: "その日は休所日です。",
    BookingRefusal.OUTSIDE_WINDOW: "予約できる期間の外です。",
    BookingRefusal.FULL: "空きがありません。",
    BookingRefusal.OVERLAPPING: "この子はその時間帯に別の予約があります。",
    BookingRefusal.EXPIRED_REGISTRATION: "その日は登録の有効期限を過ぎています。更新してください。",
    BookingRefusal.NOT_FOUND: "予約が見つかりません。",
    BookingRefusal.TOO_LATE: "開始時刻を過ぎた予約は取り消せません。",
    BookingRefusal.PAST_DEADLINE: "取消期限を過ぎています（窓口からは取り消せます）。",
    BookingRefusal.MONTHLY_LIMIT: "この子は今月の利用上限に達しています。",
    BookingRefusal.HELD_FOR_STAFF: "DV登録世帯です。職員の操作でのみ予約できます。",
    BookingRefusal.OUTSIDE_AGES: "その日、この子はこの施設でお預かりできる年齢の範囲外です。",
    BookingRefusal.NO_SHOW_LIMIT: "無断欠席が続いたため予約を制限しています（世帯画面で解除できます）。",
}


def _day(text: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else default
    except ValueError:
        return default


@router.get("/roster", response_class=HTMLResponse)
def roster(request: Request, facility: int | None = None, day: str | None = None) -> HTMLResponse:
    with page(request, roles=ANY) as p:
        facilities = list(p.session.scalars(select(Facility).where(Facility.active).order_by(Facility.key)))
        if p.account.role == "facility":
            if facility is not None and facility != p.account.facility_id:
                raise Forbidden("another facility")
            facilities = [f for f in facilities if f.id == p.account.facility_id]
        chosen = next((f for f in facilities if f.id == facility), facilities[0] if facilities else None)
        on = _day(day, p.today + dt.timedelta(days=1))
        lines = rosters.roster(p.session, facility_id=chosen.id, day=on) if chosen else []
        homes = registration.by_household_ids(p.session, (line.household_id for line in lines))
        if chosen:
            p.audit("roster.viewed", facility_id=chosen.id, day=on.isoformat(), children=len(lines))
        response = p.render("roster.html", facilities=facilities, chosen=chosen, day=on, lines=lines, homes=homes,
                            today=p.today, marks=rosters.ATTENDANCE, done=request.query_params.get("done", ""),
                            week_end=on + dt.timedelta(days=rosters.MAX_PRINTED_DAYS - 1))
    return response


@router.get("/roster/print", response_class=HTMLResponse)
def roster_print(request: Request, facility: str = "", day: str | None = None,
                 until: str | None = None) -> HTMLResponse:
    """A4 sheets to print: one facility and one day per page, with a column for attendance.

    `facility` is one facility's id or empty for every facility the account may see; `until` makes it a
    run of days (a week at most).
    """
    with page(request, roles=ANY) as p:
        facilities = list(p.session.scalars(select(Facility).where(Facility.active).order_by(Facility.key)))
        if p.account.role == "facility":
            if facility.isdigit() and int(facility) != p.account.facility_id:
                raise Forbidden("another facility")
            facilities = [f for f in facilities if f.id == p.account.facility_id]
        if facility.isdigit():
            facilities = [f for f in facilities if f.id == int(facility)]
        first = _day(day, p.today + dt.timedelta(days=1))
        last = max(first, _day(until, first))
        printed = rosters.sheets(p.session, facilities=facilities, first=first, last=last)
        homes = registration.by_household_ids(p.session, (line.household_id for sheet in printed
                                                          for _unit, lines in sheet.units for line in lines))
        for sheet in printed:
            p.audit("roster.viewed", facility_id=sheet.facility.id, day=sheet.day.isoformat(),
                    children=sheet.children, printed=True)
        response = p.render("roster_print.html", sheets=printed, homes=homes, marks=rosters.ATTENDANCE,
                            printed_at=p.now)
    return response


@router.post("/households/{household_pk}/options", response_class=HTMLResponse)
def options(request: Request, household_pk: int, child_id: Annotated[int, Form()], day: Text = "",
            csrf: Text = "") -> HTMLResponse:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        household = registration.get_household(p.session, household_pk)
        child = p.session.get(Child, child_id)
        if child is None or child.household_pk != household.id:
            raise Forbidden("child of another household")
        on = _day(day, p.today + dt.timedelta(days=1))
        found = booking.options_for(p.session, child_id=child.id, day=on, now=p.now)
        p.audit("booking.options_viewed", household_pk=household.id, day=on.isoformat())
        response = p.render("book.html", household=household, child=child, day=on,
                            options=found if isinstance(found, list) else [],
                            refusal=REFUSALS[found] if isinstance(found, BookingRefusal) else "")
    return response


@router.post("/households/{household_pk}/book", response_model=None)
def book(request: Request, household_pk: int, child_id: Annotated[int, Form()], unit_id: Annotated[int, Form()],
         day: Text = "", csrf: Text = "") -> Response:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        household = registration.get_household(p.session, household_pk)
        child = p.session.get(Child, child_id)
        if child is None or child.household_pk != household.id:
            raise Forbidden("child of another household")
        on = _day(day, p.today)
        # The service queues the confirmation to the number on file, as for any other channel.
        # One audit row: the service's booking.created names the staff member ("staff:<id>" is still channel staff).
        outcome = booking.book(p.session, child_id=child.id, unit_id=unit_id, day=on, channel="staff",
                               language="ja", now=p.now, actor=p.actor)
        if isinstance(outcome, BookingRefusal):
            response: Response = p.render("book.html", status_code=409, household=household, child=child, day=on,
                                          options=[], refusal=REFUSALS[outcome])
        else:
            response = RedirectResponse(f"/staff/households/{household.id}?done=booked", status_code=303)
    return response


@router.post("/households/{household_pk}/cancel", response_model=None)
def cancel(request: Request, household_pk: int, reservation_id: Annotated[int, Form()],
           csrf: Text = "", reason: Text = "") -> Response:
    with page(request, roles=CENTRE, csrf=csrf, post=True) as p:
        if reason not in CANCEL_REASONS:
            raise Forbidden("a staff cancel needs one of the listed reasons")
        number = listings.booking_number_of(p.session, household_pk=household_pk, reservation_id=reservation_id)
        outcome = booking.cancel(p.session, household_pk=household_pk, booking_number=number or "", channel="staff",
                                 language="ja", now=p.now) if number else BookingRefusal.NOT_FOUND
        if isinstance(outcome, BookingRefusal):
            response: Response = RedirectResponse(f"/staff/households/{household_pk}?done={outcome.value}",
                                                  status_code=303)
        else:
            p.audit("booking.cancelled_by_staff", household_pk=household_pk, reservation_id=reservation_id,
                    reason=reason)
            response = RedirectResponse(f"/staff/households/{household_pk}?done=cancelled", status_code=303)
    return response
