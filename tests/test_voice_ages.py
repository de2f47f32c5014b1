"""Siblings in one call each get their own age check (issue 26 item 2): the words are any refusal's."""
from __future__ import annotations

import datetime as dt

from ivr_support import MONDAY, TUESDAY, outbox, seed
from sqlalchemy import select
from test_voice_siblings import _verified_phone

from azukari.booking.models import Reservation
from azukari.db import Database
from azukari.registration.service import ChildEntry, add_child

BABY_BORN = TUESDAY - dt.timedelta(days=30)  # the demo ward cares from 57 days


def test_a_baby_sibling_too_young_is_refused_in_the_common_words_after_the_elder_is_booked(
        database: Database) -> None:
    family = seed(database)
    with database.unit_of_work() as session:
        baby = add_child(session, household_pk=family.household_pk, now=MONDAY,
                         entry=ChildEntry(name="髙橋 結衣", kana="タカハシ ユイ", birthdate=BABY_BORN, sex="F"))
        session.commit()
        baby_id = baby.id
    phone = _verified_phone(database, family)
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="1")
    phone.answer("next", digits="4")
    phone.answer("birthdate", digits=BABY_BORN.strftime("%Y%m%d"))
    assert phone.step == "menu"
    phone.choose(TUESDAY, 1, 2)
    assert phone.step == "confirm"
    phone.answer("confirm", digits="1")
    refused = phone.says
    # The elder, asking again for the morning it already has, hears an overlap's refusal: the same words.
    again = _verified_phone(database, family, call=2)
    again.choose(TUESDAY, 1, 1)
    again.answer("confirm", digits="1")
    assert refused == again.says
    with database.unit_of_work() as session:
        assert baby_id not in set(session.scalars(select(Reservation.child_id)))
        assert len(session.scalars(select(Reservation.id)).all()) == 1
    notices = [m.body for m in outbox(database) if m.kind == "notice"]
    assert any("年齢" in body for body in notices)
