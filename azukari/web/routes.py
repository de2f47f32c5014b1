"""The parents' pages: availability and help (no sign-in), sign-in and the first password change, then
book, the household's bookings with cancel, the waiting list and seat offers (contract §8).

Every booking action is the booking core's (`booking/service.py`, `booking/waitlist.py`), channel "web":
the same rules, refusals and texts to the number on file as the phone's.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape

from azukari.booking import availability, listings, rules, service, waitlist
from azukari.booking import repository as repo
from azukari.booking.models import Facility, Unit
from azukari.booking.rules import BookingRefusal
from azukari.clock import in_tokyo
from azukari.households import web_access
from azukari.households.models import Child
from azukari.language.days import day_words
from azukari.web import passwords, signin
from azukari.web.page import WebPage, client_of, set_session_cookie, web_page

router = APIRouter()
Text = Annotated[str, Form()]


def _hours(p: WebPage) -> str:
    hours = p.runtime.settings.staff_hours
    return p.t("hours", first=p.t(f"weekday.{hours.first_day}"), last=p.t(f"weekday.{hours.last_day}"),
               opens=f"{hours.opens // 60:02d}:{hours.opens % 60:02d}",
               closes=f"{hours.closes // 60:02d}:{hours.closes % 60:02d}")


def _refusal(refusal: BookingRefusal) -> str:
    """The words a refusal gets: a reason about the child or registration goes by text, not on the page; a
    date outside the window gets the closed-day words, as on the phone (contract §7)."""
    if refusal in rules.REASON_BY_TEXT:
        return "refusal.common"
    return "refusal.closed" if refusal is BookingRefusal.OUTSIDE_WINDOW else f"refusal.{refusal.value}"


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    console_port: int | None = getattr(request.app.state, "console_port", None)
    server = request.scope.get("server")
    if console_port is not None and server is not None and server[1] == console_port:
        return RedirectResponse("/staff/login", status_code=303)  # the console's own listener
    with web_page(request) as p:
        months = availability.calendar_of(p.session, now=p.now)
        words = _calendar_words(p)
        tables = [(month, _rows(month, words)) for month in months]
        response = p.render("availability.html", facilities=tables, today=p.today, **words)
    return response


def _calendar_words(p: WebPage) -> dict[str, Any]:
    """Each mark's cell worked out once per page (two months of five facilities is a thousand cells)."""
    symbols = {mark: p.t(f"mark.{mark.value}") for mark in availability.Mark}
    labels = {mark: p.t(f"mark.{mark.value}.label") for mark in availability.Mark}
    # ○△× are text a screen reader reads; the legend above the tables says what each means.
    cells = {mark: Markup('<td class="{}">{}</td>').format(mark.value, symbols[mark]) for mark in availability.Mark}
    return {"marks": list(availability.Mark), "symbols": symbols, "labels": labels, "cells": cells,
            "weekdays": [p.t(f"weekday.{n}") for n in range(7)]}


def _rows(month: availability.FacilityMonth, words: dict[str, Any]) -> Markup:
    """A facility's table body: a thousand cells joined in Python, a tenth of what a template loop costs."""
    cells: dict[availability.Mark, str] = words["cells"]
    weekdays: list[str] = words["weekdays"]
    return Markup("".join(
        f'<tr{" class=month-start" if day.day == 1 else ""}><th scope="row">{day.month}/{day.day} '
        f'{escape(weekdays[day.weekday()])}</th>{"".join(cells[mark] for mark in marks)}</tr>\n'
        for day, marks in month.days))


@router.get("/help", response_class=HTMLResponse)
def help_page(request: Request) -> Response:
    with web_page(request) as p:
        response = p.render("help.html", hours=_hours(p))
    return response


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request) -> Response:
    with web_page(request) as p:
        response = p.render("signin.html", failed=False, household_id="")
    return response


@router.post("/signin", response_class=HTMLResponse)
def signin_post(request: Request, household_id: Text = "", password: Text = "", csrf: Text = "") -> Response:
    with web_page(request, csrf=csrf, post=True) as p:
        token = signin.sign_in(p.session, household_id=household_id, password=password, client=client_of(p),
                               now=p.now)
        if token is None:
            return p.render("signin.html", status_code=401, failed=True, household_id=household_id[:20])
        signin.end(p.session, token=request.cookies.get(signin.COOKIE_NAME))
        response = p.redirect("/book")
        set_session_cookie(p, response, token)
    return response


@router.post("/signout")
def signout(request: Request, csrf: Text = "") -> Response:
    with web_page(request, signed_in=True, csrf=csrf, post=True) as p:
        signin.end(p.session, token=request.cookies.get(signin.COOKIE_NAME))
        response = p.redirect("/")
        response.delete_cookie(signin.COOKIE_NAME)
    return response


@router.get("/password", response_class=HTMLResponse)
def password_form(request: Request) -> Response:
    with web_page(request, signed_in=True, changing_password=True) as p:
        response = p.render("password.html", error="")
    return response


@router.post("/password", response_class=HTMLResponse)
def password_post(request: Request, new: Text = "", again: Text = "", csrf: Text = "") -> Response:
    with web_page(request, signed_in=True, changing_password=True, csrf=csrf, post=True) as p:
        access = web_access.of(p.session, household_pk=p.household_pk)
        assert access is not None  # resume ends a session whose household has no web access
        problem = passwords.problem(new)
        if problem is None and passwords.normalised(new) != passwords.normalised(again):
            problem = "change.mismatch"
        if problem is None and web_access.check(access, passwords.normalised(new)):
            problem = "change.same"
        if problem is not None:
            return p.render("password.html", status_code=422, error=problem)
        web_access.change(access, password=passwords.normalised(new), now=p.now)
        signin.end_all(p.session, household_pk=p.household_pk)
        token = signin.start(p.session, household_pk=p.household_pk, now=p.now)
        response = p.redirect("/book")
        set_session_cookie(p, response, token)
    return response


def _children(p: WebPage) -> list[Child]:
    """The household's current children: one staff removed from the registration is not offered to book."""
    return list(p.session.query(Child).filter(Child.household_pk == p.household_pk, Child.removed_at.is_(None))
                .order_by(Child.id))


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _child_of(p: WebPage, child: str) -> Child | None:
    found = next((c for c in _children(p) if str(c.id) == child), None)
    return found


@router.get("/book", response_class=HTMLResponse)
def book_form(request: Request, child: str = "", day: str = "") -> Response:
    with web_page(request, signed_in=True) as p:
        children = _children(p)
        chosen = _child_of(p, child) if child else (children[0] if len(children) == 1 else None)
        when = _day(day)
        options: list[service.UnitOption] | None = None
        full: list[service.UnitOption] = []
        error = ""
        if chosen is not None and when is not None:
            found = service.options_for(p.session, child_id=chosen.id, day=when, now=p.now)
            if isinstance(found, BookingRefusal):
                error = _refusal(found)
                options = []
            else:
                options = found
            if not isinstance(found, BookingRefusal) or found == BookingRefusal.FULL:
                full = waitlist.full_units(p.session, child_id=chosen.id, day=when, now=p.now)
        first, last = rules.bookable_days(p.now, repo.calendar(p.session))
        response = p.render("book.html", children=children, chosen=chosen, day=when, options=options, full=full,
                            error=error, first=first, last=last, offers=_offers(p), day_words=_day_words(p))
    return response


def _day_words(p: WebPage) -> object:
    return lambda day: day_words(day, p.language, written=True)


def _option(p: WebPage, child: Child, day: dt.date, unit_id: int) -> service.UnitOption | BookingRefusal:
    found = service.options_for(p.session, child_id=child.id, day=day, now=p.now)
    if isinstance(found, BookingRefusal):
        return found
    return next((o for o in found if o.unit_id == unit_id), BookingRefusal.FULL)


@router.post("/book/confirm", response_class=HTMLResponse)
def book_confirm(request: Request, child: Text = "", day: Text = "", unit: Text = "", csrf: Text = "") -> Response:
    with web_page(request, signed_in=True, csrf=csrf, post=True) as p:
        chosen, when = _child_of(p, child), _day(day)
        if chosen is None or when is None or not unit.isdigit():
            return p.redirect("/book")
        option = _option(p, chosen, when, int(unit))
        if isinstance(option, BookingRefusal):
            return p.render("message.html", status_code=409, title="home.title", body=p.t(_refusal(option)),
                            back=f"/book?child={chosen.id}&day={when.isoformat()}")
        response = p.render("confirm.html", child=chosen, day=when, option=option, day_words=_day_words(p))
    return response


@router.post("/book", response_class=HTMLResponse)
def book(request: Request, child: Text = "", day: Text = "", unit: Text = "", csrf: Text = "") -> Response:
    with web_page(request, signed_in=True, csrf=csrf, post=True) as p:
        chosen, when = _child_of(p, child), _day(day)
        if chosen is None or when is None or not unit.isdigit():
            return p.redirect("/book")
        outcome = service.book(p.session, child_id=chosen.id, unit_id=int(unit), day=when, channel="web",
                               language=p.language, now=p.now)
        if isinstance(outcome, BookingRefusal):
            return p.render("message.html", status_code=409, title="home.title", body=p.t(_refusal(outcome)),
                            back=f"/book?child={chosen.id}&day={when.isoformat()}")
        response = p.render("message.html", title="booked.title",
                            body=p.t("booked.body", number=outcome.booking_number), back="/bookings")
    return response


@router.post("/waitlist", response_class=HTMLResponse)
def join_waitlist(request: Request, child: Text = "", day: Text = "", unit: Text = "",
                  csrf: Text = "") -> Response:
    with web_page(request, signed_in=True, csrf=csrf, post=True) as p:
        chosen, when = _child_of(p, child), _day(day)
        if chosen is None or when is None or not unit.isdigit():
            return p.redirect("/book")
        outcome = waitlist.join(p.session, child_id=chosen.id, unit_id=int(unit), day=when, channel="web",
                                language=p.language, now=p.now)
        if isinstance(outcome, BookingRefusal):
            return p.render("message.html", status_code=409, title="waiting.title", body=p.t("refusal.waitlist"),
                            back="/book")
        response = p.render("message.html", title="waiting.title", body=p.t("waiting.joined"), back="/bookings")
    return response


def _offers(p: WebPage) -> list[dict[str, object]]:
    shown = []
    for offer in waitlist.open_offers(p.session, household_pk=p.household_pk, now=p.now):
        unit = p.session.get(Unit, offer.unit_id)
        facility = p.session.get(Facility, unit.facility_id) if unit is not None else None
        if unit is None or facility is None:
            continue
        shown.append({"id": offer.id, "text": p.t(
            "offers.body", date=day_words(offer.day, p.language, written=True),
            place=p.place(facility.name, facility.name_en, facility.reading),
            time=f"{unit.starts}–{unit.ends}", until=in_tokyo(offer.expires_at).strftime("%m/%d %H:%M"))})
    return shown


@router.post("/offers/{offer_id}", response_class=HTMLResponse)
def take_offer(request: Request, offer_id: int, csrf: Text = "") -> Response:
    with web_page(request, signed_in=True, csrf=csrf, post=True) as p:
        outcome = waitlist.accept_offer(p.session, household_pk=p.household_pk, offer_id=offer_id, channel="web",
                                        now=p.now)
        if outcome is None:
            return p.render("message.html", status_code=409, title="offers.title", body=p.t("refusal.offer_gone"),
                            back="/bookings")
        response = p.render("message.html", title="booked.title",
                            body=p.t("booked.body", number=outcome.booking_number), back="/bookings")
    return response


@router.get("/bookings", response_class=HTMLResponse)
def bookings(request: Request) -> Response:
    with web_page(request, signed_in=True) as p:
        policy = repo.policy(p.session)
        rows = []
        for booking in listings.upcoming(p.session, household_pk=p.household_pk, now=p.now):
            deadline = (rules.cancel_deadline(booking.day, days_before=policy.cancel_days_before,
                                              time=policy.cancel_time)
                        if policy.cancel_days_before is not None and policy.cancel_time is not None else None)
            cancellable = not rules.past_cancel_deadline(booking.day, now=p.now,
                                                         days_before=policy.cancel_days_before,
                                                         time=policy.cancel_time)
            rows.append({"booking": booking, "cancellable": cancellable,
                         "deadline": in_tokyo(deadline).strftime("%m/%d %H:%M") if deadline else ""})
        response = p.render("bookings.html", rows=rows, offers=_offers(p), day_words=_day_words(p))
    return response


@router.post("/bookings/cancel", response_class=HTMLResponse)
def cancel(request: Request, reservation: Text = "", csrf: Text = "") -> Response:
    with web_page(request, signed_in=True, csrf=csrf, post=True) as p:
        number = listings.booking_number_of(p.session, household_pk=p.household_pk,
                                            reservation_id=int(reservation)) if reservation.isdigit() else None
        outcome = service.cancel(p.session, household_pk=p.household_pk, booking_number=number, channel="web",
                                 language=p.language, now=p.now) if number else BookingRefusal.NOT_FOUND
        if isinstance(outcome, BookingRefusal):
            return p.render("message.html", status_code=409, title="bookings.title", body=p.t(_refusal(outcome)),
                            back="/bookings")
        response = p.render("message.html", title="bookings.title", body=p.t("cancelled.body"), back="/bookings")
    return response

