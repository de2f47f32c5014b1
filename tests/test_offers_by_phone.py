"""Seat offers taken by phone, end to end over HTTP as Twilio posts (contract §5.1 menu 5 and `offer_code`,
§6 offers by call, §7): a verified caller keys the code; a landline takes its offer in the offer call; a code
is no oracle (issue 24.3); wrong codes are throttled and raised to staff (issue 28.10); the DV flag withdraws
open offers and stops every booking path (issue 28.1)."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ivr_support import ELSEWHERE, MONDAY, PUBLIC, TUESDAY, Family, Phone, client_for, escalations, outbox, seed
from sqlalchemy import event, select, update
from test_waitlist_channels import WAITING_WARD, _entries, _fill, _free

from azukari.booking import offers, service, waitlist
from azukari.booking.facilities_file import import_facilities
from azukari.booking.models import SeatOffer, Unit, WaitlistEntry
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.households.models import Child, Household
from azukari.messaging.models import OutboxMessage
from azukari.registration import service as registration

CODE = re.compile(r"コード ([0-9]{4})")
LANDLINE = "03-5984-1234"


@pytest.fixture
def family(database: Database, tmp_path: Path) -> Family:
    path = tmp_path / "facilities.toml"
    path.write_text(WAITING_WARD, encoding="utf-8")
    with database.unit_of_work() as session:
        import_facilities(session, path)
        session.commit()
    return seed(database, facilities=False)


@pytest.fixture
def client(database: Database, family: Family, clock: FixedClock) -> TestClient:
    return client_for(database, clock)


_SIDS = iter(range(1, 10_000))


def _verified_call(client: TestClient, family: Family) -> Phone:
    """A new call (its own CallSid), verified by the four facts."""
    phone = Phone(client, caller=ELSEWHERE, sid=f"CA{next(_SIDS):032d}")
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_knowledge(family)
    assert phone.step == "menu", phone.says
    return phone


def _wait_by_phone(client: TestClient, family: Family) -> None:
    phone = _verified_call(client, family)
    phone.answer("menu", digits="1")
    phone.answer("date", digits=TUESDAY.strftime("%Y%m%d"))
    phone.answer("facility", digits="8")
    phone.answer("waitlist", digits="11")
    phone.answer("waitlist_confirm", digits="1")


def _offered(client: TestClient, database: Database, family: Family) -> str:
    """The family waits for the one seat, the holder cancels: the code of the offer it was sent."""
    holder = _fill(database, 1)
    _wait_by_phone(client, family)
    _free(database, holder)
    (offer,) = [m for m in outbox(database) if m.kind == "offer"]
    found = CODE.search(offer.body)
    assert found is not None
    return found.group(1)


def _key_code(client: TestClient, family: Family, code: str) -> Phone:
    phone = _verified_call(client, family)
    phone.answer("menu", digits="5")
    assert phone.step == "offer_code", phone.says
    phone.answer("offer_code", digits=code)
    return phone


def _confirmations(database: Database, family: Family) -> int:
    return len([m for m in outbox(database) if m.kind == "confirmation" and m.household_pk == family.household_pk])


def _other(code: str) -> str:
    return f"{(int(code) + 1) % 10_000:04d}"


def test_the_offer_text_names_menu_5_and_the_code_and_asks_for_no_reply(client: TestClient, database: Database,
                                                                        family: Family) -> None:
    code = _offered(client, database, family)
    (body,) = [m.body for m in outbox(database) if m.kind == "offer"]
    assert "メニューで5" in body and f"コード {code}" in body
    assert "返信" not in body and not re.search(r"0\d{1,4}-?\d{2,4}-?\d{4}", body)  # no number to call either


def test_with_replies_on_the_offer_text_also_says_that_replying_with_the_code_books(database: Database,
                                                                                    family: Family,
                                                                                    clock: FixedClock) -> None:
    client = client_for(database, clock, sms_replies=True)
    holder = _fill(database, 1)
    _wait_by_phone(client, family)
    # The seat frees in a unit of work of the app's runtime (which knows SMS_REPLIES), as a console cancel does.
    _free_by(client, database, holder)
    (body,) = [m.body for m in outbox(database) if m.kind == "offer"]
    assert "メニューで5" in body and "返信" in body


def _free_by(client: TestClient, database: Database, holder: tuple[int, str]) -> None:
    """Cancel through a session of the app's own runtime (which knows the settings), as the console would."""
    runtime: Any = client.app.state.runtime  # type: ignore[attr-defined]
    with runtime.database.unit_of_work() as session:
        assert isinstance(service.cancel(session, household_pk=holder[0], booking_number=holder[1], channel="staff",
                                         language="ja", now=MONDAY), service.Cancelled)
        session.commit()


def test_a_verified_caller_takes_the_offer_with_menu_5_and_its_code(client: TestClient, database: Database,
                                                                    family: Family) -> None:
    code = _offered(client, database, family)
    phone = _key_code(client, family, code)
    assert phone.step == "next" and any("予約しました" in s for s in phone.says)
    assert _confirmations(database, family) == 1
    assert "booked" in _entries(database)
    assert not any(re.search(r"\d{6,8}", s) for s in phone.transcript)  # the booking number is never spoken


def test_menu_5_is_not_read_out_but_asks_for_a_code_even_without_an_offer(client: TestClient,
                                                                         family: Family) -> None:
    phone = _verified_call(client, family)
    assert not any("5" in s for s in phone.says)
    phone.answer("menu", digits="5")
    assert phone.step == "offer_code"
    phone.answer("offer_code", digits="1234")
    assert phone.step == "offer_code" and any("お受けできません" in s for s in phone.says)


@contextmanager
def _statements(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def _plant_offer(database: Database, *, household_pk: int, child_id: int, code: str, status: str,
                 expires: dt.datetime) -> None:
    with database.unit_of_work() as session:
        unit_id = session.scalars(select(Unit.id).where(Unit.key == 2)).first()
        assert unit_id is not None
        entry = WaitlistEntry(household_pk=household_pk, child_id=child_id, unit_id=unit_id,
                              day=TUESDAY + dt.timedelta(days=7), status="lapsed", channel="voice", language="ja",
                              created_at=MONDAY)
        session.add(entry)
        session.flush()
        session.add(SeatOffer(entry_id=entry.id, household_pk=household_pk, child_id=child_id, unit_id=unit_id,
                              day=entry.day, infant=False, code=code, status=status, created_at=MONDAY,
                              expires_at=expires))
        session.commit()


def test_a_wrong_another_households_a_lapsed_and_a_used_code_sound_and_work_alike(
        client: TestClient, database: Database, family: Family) -> None:
    code = _offered(client, database, family)
    others = iter(c for c in (f"{n:04d}" for n in range(10_000)) if c != code)
    wrong, theirs, lapsed, used = next(others), next(others), next(others), next(others)
    with database.unit_of_work() as session:
        stranger = Household(household_id="20000009", pin_hash="x", guardian_name="他", guardian_kana="ホカ",
                             phone="+819033330000", address="練馬区", registered_on=MONDAY.date())
        child = Child(household=stranger, name="他の子", kana="ホカノコ", birthdate=dt.date(2023, 1, 1))
        session.add(child)
        session.commit()
        stranger_pk, stranger_child = stranger.id, child.id
        own_child = session.scalars(select(Child.id).where(Child.household_pk == family.household_pk)).one()
    later = MONDAY + dt.timedelta(hours=6)
    _plant_offer(database, household_pk=stranger_pk, child_id=stranger_child, code=theirs, status="open",
                 expires=later)
    _plant_offer(database, household_pk=family.household_pk, child_id=own_child, code=lapsed, status="expired",
                 expires=MONDAY - dt.timedelta(hours=1))
    _plant_offer(database, household_pk=family.household_pk, child_id=own_child, code=used, status="accepted",
                 expires=later)
    heard, work = [], []
    for typed in (wrong, theirs, lapsed, used):
        phone = _verified_call(client, family)
        phone.answer("menu", digits="5")
        with _statements(database) as seen:
            phone.answer("offer_code", digits=typed)
        heard.append(phone.says)
        work.append(seen)
    assert all(h == heard[0] for h in heard) and phone.step == "offer_code"
    assert all(w == work[0] for w in work) and work[0]
    assert _confirmations(database, family) == 0
    assert _key_code(client, family, code).step == "next"  # four misses are under the limit: the right code books


def test_wrong_codes_are_throttled_and_the_offer_is_raised_to_staff(client: TestClient, database: Database,
                                                                   family: Family) -> None:
    code = _offered(client, database, family)
    for _ in range(offers.WRONG_CODE_LIMIT):
        _key_code(client, family, _other(code))
    cases = [e for e in escalations(database) if e.kind == "offer_code_guessed"]
    assert len(cases) == 1 and cases[0].household_pk == family.household_pk
    phone = _key_code(client, family, code)  # the right code, after the limit: refused in the usual words
    assert phone.step == "offer_code" and any("お受けできません" in s for s in phone.says)
    assert _confirmations(database, family) == 0
    _key_code(client, family, _other(code))
    assert len([e for e in escalations(database) if e.kind == "offer_code_guessed"]) == 1  # raised once


def test_setting_the_dv_flag_withdraws_the_offer_and_its_code_no_longer_books(client: TestClient,
                                                                              database: Database,
                                                                              family: Family) -> None:
    code = _offered(client, database, family)
    phone = _verified_call(client, family)  # verified before the flag was set
    with database.unit_of_work() as session:
        registration.set_dv(session, household_pk=family.household_pk, flag=True, reason="support_measure",
                            now=MONDAY)
        session.commit()
        assert session.scalars(select(SeatOffer.status)).one() == "withdrawn"
        assert session.scalars(select(WaitlistEntry.status).where(
            WaitlistEntry.household_pk == family.household_pk)).one() == "waiting"  # its place kept, for staff
    phone.answer("menu", digits="5")
    phone.answer("offer_code", digits=code)
    assert phone.step == "offer_code" and _confirmations(database, family) == 0


def test_the_booking_itself_checks_the_dv_flag_for_an_offer_still_open(client: TestClient, database: Database,
                                                                       family: Family) -> None:
    code = _offered(client, database, family)
    phone = _verified_call(client, family)
    with database.unit_of_work() as session:  # the flag as it stands at the moment of booking, however it was set
        session.execute(update(Household).where(Household.id == family.household_pk).values(dv_flag=True))
        session.commit()
    phone.answer("menu", digits="5")
    phone.answer("offer_code", digits=code)
    assert phone.step == "offer_code" and _confirmations(database, family) == 0
    with database.unit_of_work() as session:
        assert session.scalars(select(SeatOffer.status)).one() == "accepted"
        assert session.scalars(select(WaitlistEntry.status)).one() == "lapsed"  # and the seat is free again


def test_a_caller_verified_before_the_flag_cannot_book_after_it(client: TestClient, database: Database,
                                                                family: Family) -> None:
    phone = _verified_call(client, family)
    phone.answer("menu", digits="1")
    phone.answer("date", digits=TUESDAY.strftime("%Y%m%d"))
    phone.answer("facility", digits="1")
    phone.answer("unit", digits="1")
    with database.unit_of_work() as session:
        registration.set_dv(session, household_pk=family.household_pk, flag=True, reason="support_measure",
                            now=MONDAY)
        session.commit()
    phone.answer("confirm", digits="1")
    assert phone.step == "date" and _confirmations(database, family) == 0
    assert not [m for m in outbox(database) if m.kind == "notice"]  # no reason texted to a flagged household


def test_a_flag_set_after_the_offer_passes_the_seat_to_the_next_family(client: TestClient, database: Database,
                                                                       family: Family) -> None:
    holder = _fill(database, 1)
    _wait_by_phone(client, family)
    with database.unit_of_work() as session:
        nxt = Household(household_id="20000010", pin_hash="x", guardian_name="次", guardian_kana="ツギ",
                        phone="+819044440000", address="練馬区", registered_on=MONDAY.date())
        child = Child(household=nxt, name="次の子", kana="ツギノコ", birthdate=dt.date(2023, 2, 2))
        session.add(child)
        session.commit()
        unit_id = session.scalars(select(Unit.id).where(Unit.key == 1)).one()
        waitlist.join(session, child_id=child.id, unit_id=unit_id, day=TUESDAY, channel="voice", language="ja",
                      now=MONDAY)
        session.commit()
        next_pk = nxt.id
    _free(database, holder)
    with database.unit_of_work() as session:
        registration.set_dv(session, household_pk=family.household_pk, flag=True, reason="support_measure", now=MONDAY)
        session.commit()
    assert [m.household_pk for m in outbox(database) if m.kind == "offer"] == [family.household_pk, next_pk]


def _landline_offer(database: Database, clock: FixedClock, tmp_path: Path) -> tuple[TestClient, Family, int]:
    """A landline family offered the seat, its offer message already sent by call: (client, family, outbox id)."""
    path = tmp_path / "facilities.toml"
    path.write_text(WAITING_WARD, encoding="utf-8")
    with database.unit_of_work() as session:
        import_facilities(session, path)
        session.commit()
    family = seed(database, facilities=False, phone=LANDLINE)
    client = client_for(database, clock)
    holder = _fill(database, 1)
    _wait_by_phone(client, family)
    _free(database, holder)
    with database.unit_of_work() as session:
        offer = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "offer")).one()
        # As the sender records the call it placed.
        offer.channel, offer.status, offer.message_sid, offer.sent_at = "call", "sent", "CA" + "7" * 32, clock.now()
        session.commit()
        return client, family, offer.id


def _offer_call(client: TestClient, outbox_id: int, digits: str | None) -> str:
    phone = Phone(client, caller=None, sid="CA" + "7" * 32)
    params = phone.params(**({"Digits": digits} if digits is not None else {}))
    response = phone.post(f"{PUBLIC}/twilio/voice/outbound?m={outbox_id}", params)
    assert response.status_code == 200
    return response.text


def test_a_landline_takes_its_offer_by_pressing_1_in_the_offer_call(database: Database, clock: FixedClock,
                                                                    tmp_path: Path) -> None:
    client, family, outbox_id = _landline_offer(database, clock, tmp_path)
    asked = _offer_call(client, outbox_id, None)
    assert "1を" in asked and "2を" in asked and "SMS" not in asked and "返信" not in asked
    assert "予約を承りました" in _offer_call(client, outbox_id, "1")
    assert "予約を承りました" in _offer_call(client, outbox_id, "1")  # a redelivery: the same, and one booking
    confirmations = [m for m in outbox(database) if m.kind == "confirmation" and m.household_pk == family.household_pk]
    assert len(confirmations) == 1 and confirmations[0].after_call == "CA" + "7" * 32  # once the offer call ends


def test_a_landline_declines_with_2_and_the_seat_passes_on_at_once(database: Database, clock: FixedClock,
                                                                   tmp_path: Path) -> None:
    client, _family, outbox_id = _landline_offer(database, clock, tmp_path)
    assert "1を" in _offer_call(client, outbox_id, "7")  # anything else: the offer again
    assert "次にお待ちのかた" in _offer_call(client, outbox_id, "2")
    with database.unit_of_work() as session:
        assert session.scalars(select(SeatOffer.status)).one() == "declined"
        assert session.scalars(select(WaitlistEntry.status)).one() == "declined"
