"""A web booking and a phone booking for the last seat at once (invariants 6 and 13): one wins, on both databases."""
from __future__ import annotations

import datetime as dt

import httpx
from ivr_support import ELSEWHERE, TUESDAY, Phone, client_for, seed
from racing import at_once
from sqlalchemy import select
from web_support import csrf_of, signed_in

from azukari.booking.models import Facility, Reservation, Unit, UnitDay
from azukari.clock import FixedClock
from azukari.db import Database


def test_a_web_and_a_phone_booking_for_the_last_seat_at_once_book_it_once(
        database: Database, clock: FixedClock) -> None:
    caller = seed(database)
    parent = seed(database, facilities=False, phone="090-1111-0002", birthdate=dt.date(2024, 4, 1))
    with database.unit_of_work() as session:
        unit, capacity = session.execute(select(Unit.id, Facility.capacity).join(Unit.facility)
                                         .where(Facility.key == 1, Unit.key == 2)).one()
        session.add(UnitDay(unit_id=unit, day=TUESDAY, booked=capacity - 1, infants=0))
        session.commit()
    phone = Phone(client_for(database, clock), caller=ELSEWHERE)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_knowledge(caller)
    phone.choose(TUESDAY, 1, 2)
    assert phone.step == "confirm", phone.says
    web = signed_in(client_for(database, clock), database, parent)
    page = web.get(f"/book?day={TUESDAY.isoformat()}")
    assert f'value="{unit}"' in page.text
    child = page.text.split('name="child" value="', 1)[1].split('"', 1)[0]
    form = {"child": child, "day": TUESDAY.isoformat(), "unit": str(unit),
            "csrf": csrf_of(web, f"/book?day={TUESDAY.isoformat()}")}

    def by_web() -> httpx.Response:
        return web.post("/book", data=form)

    def by_phone() -> object:
        return phone.answer("confirm", digits="1")

    web_result, _ = at_once([by_web, by_phone])
    assert isinstance(web_result, httpx.Response)
    with database.unit_of_work() as session:
        winners = session.scalars(select(Reservation.channel).where(Reservation.unit_id == unit,
                                                                    Reservation.status == "booked")).all()
        booked = session.scalar(select(UnitDay.booked).where(UnitDay.unit_id == unit, UnitDay.day == TUESDAY))
    assert len(winners) == 1 and booked == capacity
    # The web's answer says which side won: the booking page, or the phone's words for a full unit.
    assert web_result.status_code == (200 if winners == ["web"] else 409)
