"""The parents' web pages over HTTP (contract §8): availability, sign-in, booking, cancel, waiting list."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from ivr_support import ELSEWHERE, MONDAY, TUESDAY, Family, Phone, client_for, outbox, seed
from sqlalchemy import select, update
from web_support import OWN_PASSWORD, csrf_of, letter_password, post, sign_in, signed_in

from azukari.booking.models import BookingPolicy, Facility, Reservation, Unit, UnitDay
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.households import web_access
from azukari.households.models import Child
from azukari.identity.throttling import HOUSEHOLD_LIMIT


@pytest.fixture
def web(database: Database, clock: FixedClock) -> TestClient:
    return client_for(database, clock)


def _fill(database: Database, *, facility_key: int, unit_key: int, day: dt.date, taken: int) -> None:
    with database.unit_of_work() as session:
        unit = session.scalar(select(Unit).join(Unit.facility).where(Unit.key == unit_key).where(
            Unit.facility.has(key=facility_key)))
        assert unit is not None
        session.add(UnitDay(unit_id=unit.id, day=day, booked=taken, infants=0))
        session.commit()


def _capacity(database: Database) -> int:
    with database.unit_of_work() as session:
        found = session.scalar(select(Facility.capacity).where(Facility.key == 1))
    assert found is not None
    return found


def _calendar_cell(html: str, facility: str, day: dt.date, unit: int) -> str:
    section = html.split(f'id="facility-{facility}"', 1)[1].split("</section>", 1)[0]
    row = section.split(f"<th scope=\"row\">{day.month}/{day.day} ", 1)[1].split("</tr>", 1)[0]
    return re.findall(r'<td class="(\w+)">', row)[unit - 1]


def test_availability_needs_no_sign_in_and_marks_free_few_full_and_closed(
        web: TestClient, database: Database, family: Family) -> None:
    html = web.get("/").text
    assert _calendar_cell(html, "1", TUESDAY, 1) == "free"
    cap = _capacity(database)
    _fill(database, facility_key=1, unit_key=1, day=TUESDAY, taken=cap - 2)
    _fill(database, facility_key=1, unit_key=2, day=TUESDAY, taken=cap)
    html = web.get("/").text
    assert _calendar_cell(html, "1", TUESDAY, 1) == "few" and _calendar_cell(html, "1", TUESDAY, 2) == "full"
    assert _calendar_cell(html, "1", dt.date(2026, 6, 7), 1) == "closed"  # a Sunday
    assert _calendar_cell(html, "1", MONDAY.date(), 1) == "outside"  # today cannot be booked


def test_the_calendar_is_the_same_whoever_is_signed_in_and_names_no_child(
        web: TestClient, database: Database, family: Family) -> None:
    anonymous = web.get("/").text
    signed_in(web, database, family)
    assert web.get("/").text.replace("ログアウト", "").count("○") == anonymous.count("○")
    assert family.child not in web.get("/").text


def test_the_first_sign_in_forces_a_change_before_any_other_page(
        web: TestClient, database: Database, family: Family) -> None:
    response = sign_in(web, family.household_id, letter_password(database, family))
    assert response.status_code == 303
    assert web.get("/book", follow_redirects=False).headers["location"] == "/password"
    assert web.get("/bookings", follow_redirects=False).headers["location"] == "/password"


@pytest.mark.parametrize("new", ["short1234", "password1234", "aaaaaaaaaaaa"])
def test_a_short_or_common_new_password_is_refused_next_to_its_field(
        web: TestClient, database: Database, family: Family, new: str) -> None:
    sign_in(web, family.household_id, letter_password(database, family))
    response = web.post("/password", data={"new": new, "again": new, "csrf": csrf_of(web, "/password")})
    assert response.status_code == 422 and 'id="new-error"' in response.text


def test_after_the_change_the_letter_password_no_longer_works_and_the_own_one_does(
        web: TestClient, database: Database, family: Family, clock: FixedClock) -> None:
    letter = letter_password(database, family)
    sign_in(web, family.household_id, letter)
    web.post("/password", data={"new": OWN_PASSWORD, "again": OWN_PASSWORD, "csrf": csrf_of(web, "/password")})
    fresh = client_for(database, clock)
    assert sign_in(fresh, family.household_id, letter).status_code == 401
    assert sign_in(fresh, family.household_id, OWN_PASSWORD).headers["location"] == "/book"


def _failure(web: TestClient, household_id: str, password: str) -> str:
    response = sign_in(web, household_id, password)
    assert response.status_code == 401
    return re.sub(r'name="(csrf|household_id)" value="[^"]*"', "", response.text)


def test_unknown_id_wrong_password_locked_and_web_off_answer_alike(
        database: Database, clock: FixedClock, family: Family) -> None:
    letter = letter_password(database, family)
    other = seed(database, facilities=False, phone="090-1111-0002")
    other_letter = letter_password(database, other)
    unknown = _failure(client_for(database, clock), "99999999", letter)
    wrong = _failure(client_for(database, clock), family.household_id, letter + "x")
    with database.unit_of_work() as session:
        web_access.set_enabled(session, household_pk=other.household_pk, enabled=False, now=clock.now())
        session.commit()
    off = _failure(client_for(database, clock), other.household_id, other_letter)
    for _ in range(HOUSEHOLD_LIMIT):
        _failure(client_for(database, clock), family.household_id, "not the password")
    locked = _failure(client_for(database, clock), family.household_id, letter)
    assert unknown == wrong == off == locked


def test_every_failure_costs_one_argon2_verification(
        database: Database, clock: FixedClock, family: Family, monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher
    calls: list[str] = []
    original = PasswordHasher.verify

    def counted(self: PasswordHasher, hash: str, password: str | bytes) -> bool:
        calls.append(hash[:10])
        return original(self, hash, password)
    monkeypatch.setattr(PasswordHasher, "verify", counted)
    web = client_for(database, clock)
    sign_in(web, "99999999", "anything at all")
    sign_in(web, family.household_id, "no web password yet")
    assert len(calls) == 2


def test_a_client_is_throttled_across_households(database: Database, clock: FixedClock, family: Family) -> None:
    letter = letter_password(database, family)
    web = client_for(database, clock)
    for n in range(10):
        sign_in(web, f"9999{n:04d}", "guessing")
    assert sign_in(web, family.household_id, letter).status_code == 401


def test_a_form_without_its_token_changes_nothing(web: TestClient, database: Database, family: Family) -> None:
    letter = letter_password(database, family)
    response = web.post("/signin", data={"household_id": family.household_id, "password": letter, "csrf": "x"})
    assert response.status_code == 403 and "azukari_web" not in web.cookies


def test_cookies_are_httponly_samesite_lax_and_secure_behind_https(
        web: TestClient, database: Database, family: Family) -> None:
    response = sign_in(web, family.household_id, letter_password(database, family))
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("azukari_web="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie


def test_a_session_ends_after_thirty_idle_minutes(
        web: TestClient, database: Database, family: Family, clock: FixedClock) -> None:
    signed_in(web, database, family)
    clock.advance(minutes=29)
    assert web.get("/bookings", follow_redirects=False).status_code == 200
    clock.advance(minutes=30)
    assert web.get("/bookings", follow_redirects=False).headers["location"] == "/signin"


def _book(web: TestClient, family: Family, day: dt.date, unit_id: int) -> str:
    page = web.get(f"/book?day={day.isoformat()}")
    assert f'value="{unit_id}"' in page.text
    child = re.search(r'name="child" value="(\d+)"', page.text)
    assert child is not None
    confirm = post(web, "/book/confirm", {"child": child.group(1), "day": day.isoformat(), "unit": str(unit_id)},
                   form_page=f"/book?day={day.isoformat()}")
    assert "1,500" in confirm.text  # the fee, before confirming
    done = post(web, "/book", {"child": child.group(1), "day": day.isoformat(), "unit": str(unit_id)},
                form_page=f"/book?day={day.isoformat()}")
    assert done.status_code == 200, done.text[:500]
    return done.text


def _unit_id(database: Database, facility_key: int, unit_key: int) -> int:
    with database.unit_of_work() as session:
        found = session.scalar(select(Unit.id).join(Unit.facility).where(Unit.key == unit_key)
                               .where(Unit.facility.has(key=facility_key)))
    assert found is not None
    return found


def test_a_web_booking_confirms_to_the_number_on_file_and_takes_the_phones_last_seat(
        web: TestClient, database: Database, family: Family, clock: FixedClock) -> None:
    cap = _capacity(database)
    _fill(database, facility_key=1, unit_key=2, day=TUESDAY, taken=cap - 1)
    signed_in(web, database, family)
    _book(web, family, TUESDAY, _unit_id(database, 1, 2))
    assert [m.to_number for m in outbox(database) if m.kind == "confirmation"] == [family.phone]
    phone = Phone(client_for(database, clock), caller=ELSEWHERE)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_knowledge(family)
    phone.answer("menu", digits="1")
    phone.answer("date", digits=TUESDAY.strftime("%Y%m%d"))
    phone.answer("facility", digits="1")
    heard = " ".join(phone.says)
    assert "午前9時から12時は1" in heard and "午後1時から4時" not in heard


def test_a_date_outside_the_window_gets_the_closed_day_words_as_on_the_phone(
        web: TestClient, database: Database, family: Family) -> None:
    signed_in(web, database, family)
    child = re.search(r'name="child" value="(\d+)"', web.get(f"/book?day={TUESDAY.isoformat()}").text)
    assert child is not None
    far = TUESDAY + dt.timedelta(days=400)
    done = post(web, "/book", {"child": child.group(1), "day": far.isoformat(), "unit": str(_unit_id(database, 1, 1))},
                form_page=f"/book?day={TUESDAY.isoformat()}")
    assert "その日は休業日です。" in done.text
    with database.unit_of_work() as session:
        assert session.scalar(select(Reservation.id)) is None


def test_the_household_cancels_its_booking_on_the_web_and_the_seat_is_free_again(
        web: TestClient, database: Database, family: Family) -> None:
    signed_in(web, database, family)
    _book(web, family, TUESDAY, _unit_id(database, 1, 1))
    page = web.get("/bookings")
    reservation = re.search(r'name="reservation" value="(\d+)"', page.text)
    assert reservation is not None
    done = post(web, "/bookings/cancel", {"reservation": reservation.group(1)})
    assert done.status_code == 200
    with database.unit_of_work() as session:
        assert session.scalar(select(Reservation.status)) == "cancelled"
    assert [m.kind for m in outbox(database)] == ["confirmation", "cancellation"]


def test_another_households_booking_cannot_be_cancelled(
        web: TestClient, database: Database, family: Family, clock: FixedClock) -> None:
    other = seed(database, facilities=False, phone="090-1111-0002")
    theirs = client_for(database, clock)
    signed_in(theirs, database, other)
    _book(theirs, other, TUESDAY, _unit_id(database, 1, 1))
    with database.unit_of_work() as session:
        reservation_id = session.scalar(select(Reservation.id))
    signed_in(web, database, family)
    done = post(web, "/bookings/cancel", {"reservation": str(reservation_id)})
    assert done.status_code == 409
    with database.unit_of_work() as session:
        assert session.scalar(select(Reservation.status)) == "booked"


def test_the_address_on_file_is_never_shown(web: TestClient, database: Database, family: Family) -> None:
    signed_in(web, database, family)
    _book(web, family, TUESDAY, _unit_id(database, 1, 1))
    for path in ("/", "/book", f"/book?day={TUESDAY.isoformat()}", "/bookings", "/help"):
        assert family.address not in web.get(path).text and "光が丘二丁目" not in web.get(path).text


def test_the_waiting_list_offer_is_taken_on_the_web(
        web: TestClient, database: Database, family: Family, clock: FixedClock) -> None:
    with database.unit_of_work() as session:
        session.execute(update(BookingPolicy).values(waitlist=True))
        session.commit()
    other = seed(database, facilities=False, phone="090-1111-0002")
    theirs = client_for(database, clock)
    signed_in(theirs, database, other)
    cap = _capacity(database)
    _fill(database, facility_key=1, unit_key=1, day=TUESDAY, taken=cap - 1)
    _book(theirs, other, TUESDAY, _unit_id(database, 1, 1))
    signed_in(web, database, family)
    page = web.get(f"/book?day={TUESDAY.isoformat()}")
    assert 'action="/waitlist"' in page.text
    child = re.search(r'name="child" value="(\d+)"', page.text)
    assert child is not None
    joined = post(web, "/waitlist", {"child": child.group(1), "day": TUESDAY.isoformat(),
                                      "unit": str(_unit_id(database, 1, 1))}, form_page="/bookings")
    assert joined.status_code == 200
    cancel_page = theirs.get("/bookings")
    reservation = re.search(r'name="reservation" value="(\d+)"', cancel_page.text)
    assert reservation is not None
    post(theirs, "/bookings/cancel", {"reservation": reservation.group(1)})
    offer = re.search(r'action="/offers/(\d+)"', web.get("/bookings").text)
    assert offer is not None
    taken = post(web, f"/offers/{offer.group(1)}", {})
    assert taken.status_code == 200
    with database.unit_of_work() as session:
        mine = session.execute(select(Reservation.status, Reservation.channel).where(
            Reservation.household_pk == family.household_pk)).all()
    assert [tuple(row) for row in mine] == [("booked", "web")]


@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_japanese_names_on_a_chinese_or_korean_page_are_marked_as_japanese(
        web: TestClient, database: Database, family: Family, lang: str) -> None:
    signed_in(web, database, family)
    page = web.get(f"/book?day={TUESDAY.isoformat()}&lang={lang}").text
    with database.unit_of_work() as session:
        facility = session.scalar(select(Facility.name).where(Facility.key == 1))
    with database.unit_of_work() as session:
        child = session.scalar(select(Child.name).where(Child.household_pk == family.household_pk))
    assert f'<span lang="ja">{facility}</span>' in page
    assert f'<span lang="ja">{child}</span>' in page


def test_a_japanese_page_does_not_mark_its_own_words(web: TestClient, database: Database, family: Family) -> None:
    signed_in(web, database, family)
    assert '<span lang="ja">' not in web.get(f"/book?day={TUESDAY.isoformat()}&lang=ja").text


@pytest.mark.parametrize("lang", ["ja", "en", "zh", "ko"])
def test_each_language_renders_every_public_page(web: TestClient, lang: str) -> None:
    for path in ("/", "/signin", "/help"):
        page = web.get(f"{path}?lang={lang}")
        assert page.status_code == 200 and f'<html lang="{lang}">' in page.text


def test_the_help_page_gives_the_lines_hours(web: TestClient) -> None:
    assert "08:30" in web.get("/help").text and "17:15" in web.get("/help").text


def test_a_reissued_web_password_ends_the_households_open_sessions(
        web: TestClient, database: Database, family: Family, clock: FixedClock) -> None:
    signed_in(web, database, family)
    clock.advance(minutes=1)
    with database.unit_of_work() as session:
        web_access.issue(session, household_pk=family.household_pk, now=clock.now())
        session.commit()
    assert web.get("/bookings", follow_redirects=False).headers["location"] == "/signin"


def test_turning_web_access_off_ends_the_households_open_sessions(
        web: TestClient, database: Database, family: Family, clock: FixedClock) -> None:
    signed_in(web, database, family)
    with database.unit_of_work() as session:
        web_access.set_enabled(session, household_pk=family.household_pk, enabled=False, now=clock.now())
        session.commit()
    assert web.get("/bookings", follow_redirects=False).headers["location"] == "/signin"


def test_serve_demo_on_another_port_prints_the_pages_where_that_server_answers(database: Database,
                                                                              clock: FixedClock) -> None:
    from azukari.runtime import build
    from azukari.server import load_demo_data, public_url
    from azukari.settings import Settings
    with build(Settings(database_url=database.url), database=database, clock=clock) as runtime:
        printed = "\n".join(load_demo_data(runtime, console_url="http://127.0.0.1:8765/staff/",
                                           public_url=public_url("0.0.0.0", 8765)))
    assert "parents' web pages: http://127.0.0.1:8765/ (sign in" in printed


def test_serve_demo_prints_a_web_sign_in_that_works_at_the_root(database: Database, clock: FixedClock) -> None:
    from azukari.registration.demo import DEMO_HOUSEHOLD_ID, DEMO_WEB_PASSWORD
    from azukari.runtime import build
    from azukari.server import load_demo_data
    from azukari.settings import Settings
    with build(Settings(database_url=database.url), database=database, clock=clock) as runtime:
        printed = "\n".join(load_demo_data(runtime, console_url="http://127.0.0.1:8000/staff/"))
    assert f"http://127.0.0.1:8000/ (sign in with household ID {DEMO_HOUSEHOLD_ID}, " \
           f"web password {DEMO_WEB_PASSWORD}" in printed
    web = client_for(database, clock)
    assert 'class="calendar"' in web.get("/").text
    assert sign_in(web, DEMO_HOUSEHOLD_ID, DEMO_WEB_PASSWORD).headers["location"] == "/book"


def test_the_public_calendar_reads_beside_a_booking_in_progress_on_sqlite(
        sqlite_database: Database, clock: FixedClock) -> None:
    import time
    seed(sqlite_database)
    web = client_for(sqlite_database, clock)
    with sqlite_database.unit_of_work() as writer:  # a webhook's transaction, holding SQLite's write lock
        writer.execute(update(BookingPolicy).values(horizon_days=30))
        started = time.monotonic()
        page = web.get("/")
        waited = time.monotonic() - started
    assert page.status_code == 200 and waited < 5  # a page that took the write lock would wait 30 s
