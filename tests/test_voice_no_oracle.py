"""No oracle on the line (issue 24): a DV household's right facts, a wrong address and `0` end alike.

Byte for byte (the call's own ids taken out), by voice and by SMS, within staff hours and outside them;
the same statements run before the answer; the staff card says which it was without the address said.
"""
from __future__ import annotations

import collections
import datetime as dt
import re
import urllib.parse

import pytest
from fastapi.testclient import TestClient
from ivr_support import (
    AUTH_TOKEN,
    BOT,
    MONDAY,
    PUBLIC,
    STAFF,
    Family,
    Phone,
    client_for,
    escalations,
    outbox,
    seed,
    sign,
)
from sqlalchemy import event
from staff_support import add_staff, log_in
from staff_support import client_for as staff_client_for

from azukari.clock import FixedClock
from azukari.db import Database
from azukari.identity.throttling import HOUSEHOLD_LIMIT

WITHIN = MONDAY.astimezone(dt.UTC)
OUTSIDE = dt.datetime(2026, 6, 7, 22, 0, tzinfo=MONDAY.tzinfo).astimezone(dt.UTC)  # a Sunday night
WRONG_ADDRESS = "東京都練馬区豊玉北六丁目12番1号"


def _families(database: Database) -> tuple[Family, Family]:
    dv = seed(database, dv=True)
    ordinary = seed(database, phone="090-2222-0002", birthdate=dt.date(2023, 7, 7), facilities=False)
    return dv, ordinary


def _last_answer(client: TestClient, n: int, family: Family, *, address: str | None = None,
                 zero: bool = False, caller: str | None = "+8150777700{n:02d}") -> str:
    """The TwiML answered to the last item of the knowledge path, with the call's own sid taken out."""
    sid = f"CA{n:032d}"
    phone = Phone(client, caller=caller.format(n=n) if caller else None, sid=sid)
    phone.start()
    phone.answer("language", digits="1")
    phone.answer("id_choice", digits="2")
    phone.answer("child_name", speech=family.child)
    phone.answer("birthdate", digits=family.birthdate.strftime("%Y%m%d"))
    phone.answer("address", speech=address or family.address)
    gather = phone.gather()
    assert gather is not None
    params = phone.params(**({"Digits": "0"} if zero else {"SpeechResult": family.guardian, "Confidence": "0.9"}))
    response = phone.post(urllib.parse.urlparse(gather.get("action", "")).path + "?"
                          + urllib.parse.urlparse(gather.get("action", "")).query, params)
    assert response.status_code == 200
    return response.text.replace(sid, "CA-SID")


def _endings(client: TestClient, dv: Family, ordinary: Family, first: int,
             caller: str | None = "+8150777700{n:02d}") -> dict[str, str]:
    return {
        "the DV household's right facts": _last_answer(client, first, dv, caller=caller),
        "the DV household with a wrong address": _last_answer(client, first + 1, dv, address=WRONG_ADDRESS,
                                                              caller=caller),
        "another household with a wrong address": _last_answer(client, first + 2, ordinary, address=WRONG_ADDRESS,
                                                               caller=caller),
        "0 at the same question": _last_answer(client, first + 3, ordinary, zero=True, caller=caller),
    }


@pytest.mark.parametrize("now", [WITHIN, OUTSIDE], ids=["within staff hours", "outside staff hours"])
def test_a_dv_household_right_or_wrong_address_and_0_answer_byte_for_byte_alike_by_voice(
        database: Database, now: dt.datetime) -> None:
    dv, ordinary = _families(database)
    endings = _endings(client_for(database, FixedClock(now)), dv, ordinary, first=1)
    assert len(set(endings.values())) == 1, endings
    ending = next(iter(endings.values()))
    assert (f">{STAFF}</Number>" in ending) == (now == WITHIN)
    assert [e.kind for e in escalations(database)] == ["dv_caller", "dv_attempt", "verification_failed",
                                                       "staff_requested" if now == WITHIN else "callback"]
    assert outbox(database) == []


def test_a_withheld_caller_hears_one_ending_too_and_no_call_back_is_promised(database: Database) -> None:
    dv, ordinary = _families(database)
    endings = _endings(client_for(database, FixedClock(OUTSIDE)), dv, ordinary, first=1, caller=None)
    assert len(set(endings.values())) == 1, endings
    assert "ご連絡いたします" not in next(iter(endings.values()))
    assert "職員の受付は" in next(iter(endings.values()))
    assert {e.details["outcome"] for e in escalations(database)} == {"hours"}


def _text(client: TestClient, sender: str, body: str, n: int) -> str:
    sid = f"SM{sender[-6:]}{n:026d}"
    params = {"MessageSid": sid, "SmsSid": sid, "AccountSid": "AC" + "1" * 32, "From": sender, "To": BOT,
              "Body": body, "NumMedia": "0"}
    url = PUBLIC + "/twilio/sms"
    response = client.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params, AUTH_TOKEN)})
    assert response.status_code == 200
    return response.text


def _sms_ending(client: TestClient, sender: str, family: Family, *, address: str | None = None,
                staff: bool = False) -> str:
    answers = ["予約", family.child, family.birthdate.strftime("%Y/%m/%d"), address or family.address,
               "職員" if staff else family.guardian]
    return [_text(client, sender, body, n) for n, body in enumerate(answers, 1)][-1]


@pytest.mark.parametrize("now", [WITHIN, OUTSIDE], ids=["within staff hours", "outside staff hours"])
def test_a_dv_household_right_or_wrong_address_and_staff_answer_byte_for_byte_alike_by_sms(
        database: Database, now: dt.datetime) -> None:
    dv, ordinary = _families(database)
    client = client_for(database, FixedClock(now))
    endings = {
        "right": _sms_ending(client, "+815088880001", dv),
        "wrong address": _sms_ending(client, "+815088880002", dv, address=WRONG_ADDRESS),
        "another household": _sms_ending(client, "+815088880003", ordinary, address=WRONG_ADDRESS),
        "職員": _sms_ending(client, "+815088880004", ordinary, staff=True),
    }
    assert len(set(endings.values())) == 1, endings
    assert "職員から、あらためてご連絡" in endings["right"]
    assert [e.kind for e in escalations(database)] == ["dv_caller", "dv_attempt", "verification_failed", "callback"]


def test_the_right_and_a_wrong_address_of_a_dv_household_run_the_same_statements(database: Database) -> None:
    dv, ordinary = _families(database)
    client = client_for(database, FixedClock(WITHIN))
    _last_answer(client, 90, dv)  # warm: the analyser, the caches, the prepared statements
    counts = _last_answers_statements(database, client, ((dv, None), (dv, WRONG_ADDRESS),
                                                         (ordinary, WRONG_ADDRESS), (dv, None)), first=1)
    assert counts[0] == counts[1] == counts[2] == counts[3], counts


def _last_answers_statements(database: Database, client: TestClient, calls: tuple[tuple[Family, str | None], ...],
                             *, first: int) -> list[collections.Counter[str]]:
    """For each (family, address) call, the statements its last answer ran, by their first three words.

    Only the last answer is counted: the one whose statements could tell a right address from a wrong one."""
    counts: list[collections.Counter[str]] = []
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *rest: object) -> None:
        statements.append(" ".join(statement.split()[:3]))

    for n, (family, address) in enumerate(calls, start=first):
        answers = _Recorder(client, n, family, address)
        event.listen(database.engine, "before_cursor_execute", count)
        try:
            statements.clear()
            answers.last()
            counts.append(collections.Counter(statements))
        finally:
            event.remove(database.engine, "before_cursor_execute", count)
    return counts


class _Recorder:
    """A call up to its last answer, that last answer posted on demand."""

    def __init__(self, client: TestClient, n: int, family: Family, address: str | None) -> None:
        self.sid = f"CA{n + 40:032d}"
        self.phone = Phone(client, caller=f"+81507777{n + 40:04d}", sid=self.sid)
        self.phone.start()
        self.phone.answer("language", digits="1")
        self.phone.answer("id_choice", digits="2")
        self.phone.answer("child_name", speech=family.child)
        self.phone.answer("birthdate", digits=family.birthdate.strftime("%Y%m%d"))
        self.phone.answer("address", speech=address or family.address)
        self.guardian = family.guardian

    def last(self) -> None:
        self.phone.answer("guardian_name", speech=self.guardian)


def test_the_card_of_a_dv_attempt_shows_an_address_was_tried_and_failed_but_never_the_address(
        database: Database) -> None:
    dv, _ordinary = _families(database)
    client = client_for(database, FixedClock(WITHIN))
    _last_answer(client, 1, dv, address=WRONG_ADDRESS)
    _last_answer(client, 2, dv, address="東京都練馬区光が丘二丁目3番2-204号")  # one digit off the right one
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=WITHIN)
        session.commit()
    staff = staff_client_for(database, FixedClock(WITHIN))
    log_in(staff, "sato")
    page = staff.get("/staff/escalations").text
    cards = re.findall(r'<li id="e\d+" class="case[^"]*">.*?</li>', page, re.S)
    assert len(cards) == 2
    for card in cards:
        assert "DV登録世帯を名乗る本人確認の失敗" in card and "住所 不一致" in card
        for said in ("豊玉北", "六丁目", "12番", "光が丘", "3番2", "2-204", "204"):
            assert said not in card, said
        assert "職員におつなぎします" in card  # what the caller was told, word for word


def _one_failure_short_of_the_lock(client: TestClient, family: Family, first: int) -> None:
    for n in range(first, first + HOUSEHOLD_LIMIT - 1):  # each from its own number: no number's limit is reached
        _last_answer(client, n, family, address=WRONG_ADDRESS)


def test_the_answer_that_locks_a_dv_household_runs_the_statements_of_its_right_answer(database: Database) -> None:
    # Two DV households one failure short of the lock: one gives its right facts, the other a wrong address
    # that locks it. The lock is told on the one case the refusal opens, not by a case of its own.
    right = seed(database, dv=True)
    locking = seed(database, dv=True, phone="090-2222-0003", birthdate=dt.date(2023, 8, 8), facilities=False)
    client = client_for(database, FixedClock(WITHIN))
    _last_answer(client, 90, right, caller="+8150666600{n:02d}")  # warm
    _one_failure_short_of_the_lock(client, right, 10)
    _one_failure_short_of_the_lock(client, locking, 20)
    counts = _last_answers_statements(database, client, ((right, None), (locking, WRONG_ADDRESS)), first=30)
    assert counts[0] == counts[1], counts
    kinds = [case.kind for case in escalations(database)]
    assert "household_locked" not in kinds


def test_the_card_of_the_attempt_that_locked_a_dv_household_says_so(database: Database) -> None:
    dv, _ordinary = _families(database)
    client = client_for(database, FixedClock(WITHIN))
    _one_failure_short_of_the_lock(client, dv, 1)
    _last_answer(client, 9, dv, address=WRONG_ADDRESS)
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=WITHIN)
        session.commit()
    staff = staff_client_for(database, FixedClock(WITHIN))
    log_in(staff, "sato")
    cards = re.findall(r'<li id="e\d+" class="case[^"]*">.*?</li>', staff.get("/staff/escalations").text, re.S)
    locked = [card for card in cards if "自動受付を停止しました" in card]
    assert len(cards) == HOUSEHOLD_LIMIT and len(locked) == 1
    assert "DV登録世帯を名乗る本人確認の失敗" in locked[0]
