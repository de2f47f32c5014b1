"""A number on file that cannot take SMS hears its messages by a call: placed, held, retried, read twice.

Signed webhooks in; respx stands in only for Twilio's REST API (Calls and Messages) at TWILIO_API_BASE_URL.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import httpx
import pytest
import respx
from ivr_support import BOT, ELSEWHERE, MONDAY, PUBLIC, TUESDAY, Family, Phone, client_for, seed, settings_for
from outbox_support import Killed
from sqlalchemy import select

from azukari.clock import TOKYO, FixedClock
from azukari.db import Database
from azukari.households.models import Household
from azukari.households.phone import can_take_sms
from azukari.messaging.models import OutboxMessage
from azukari.messaging.sender import CALLBACK_WAIT, OutboxSender
from azukari.messaging.twilio_http import HttpxTwilioClient, make_twilio_client
from azukari.oversight.models import Escalation

API = "http://twilio.test"
VOICE_FROM = "+815011112222"
LANDLINE = "03-5984-1234"
CALLS = r"/2010-04-01/Accounts/AC\w+/Calls\.json"
MESSAGES = r"/2010-04-01/Accounts/AC\w+/Messages\.json"


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=API, assert_all_called=False) as router:
        router.post(url__regex=MESSAGES).mock(return_value=httpx.Response(201, json={"sid": "SM" + "0" * 32}))
        yield router


def _calls(api: respx.MockRouter) -> respx.Route:
    sids = iter(f"CA{n:032d}" for n in range(1, 100))
    return api.post(url__regex=CALLS).mock(side_effect=lambda request: httpx.Response(
        201, json={"sid": next(sids), "status": "queued"}))


def _sender(database: Database, clock: FixedClock, **overrides: str) -> OutboxSender:
    settings = settings_for(database, twilio_api_base_url=API, twilio_from=BOT,
                            **({"twilio_voice_from": VOICE_FROM} | overrides))
    return OutboxSender(database=database, settings=settings, clock=clock,
                        client=make_twilio_client(settings, HttpxTwilioClient(base_url=API)))


def _book(database: Database, clock: FixedClock, family: Family) -> Phone:
    phone = Phone(client_for(database, clock), caller=ELSEWHERE)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_knowledge(family)
    phone.choose(TUESDAY, 1, 1)
    phone.answer("confirm", digits="1")
    return phone


def _end_call(phone: Phone, sid: str | None = None, status: str = "completed") -> None:
    params = phone.params(CallStatus=status) | ({"CallSid": sid} if sid else {})
    assert phone.post(PUBLIC + "/twilio/voice/status", params).status_code == 200


def _booked_on_a_landline(database: Database, api: respx.MockRouter, *, at: dt.datetime = MONDAY,
                          call_ended: bool = True) -> tuple[Family, FixedClock, respx.Route, Phone]:
    """A landline household that has just booked by phone (its call ended unless told otherwise)."""
    family = seed(database, phone=LANDLINE)
    clock = FixedClock(at.astimezone(dt.UTC))
    calls = _calls(api)
    phone = _book(database, clock, family)
    if call_ended:
        _end_call(phone)
    return family, clock, calls, phone


def _form(route: respx.Route) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(route.calls.last.request.content.decode()).items()}


def test_fixed_lines_and_ip_phones_cannot_take_sms_but_mobiles_can() -> None:
    assert not can_take_sms("+81359841234") and not can_take_sms("+815012345678")
    assert can_take_sms("+819011110001") and can_take_sms("+818044440001")


def test_a_landline_hears_its_confirmation_by_call_once_the_parents_call_has_ended(
        database: Database, api: respx.MockRouter) -> None:
    family, clock, calls, phone = _booked_on_a_landline(database, api, call_ended=False)
    sender = _sender(database, clock)
    sender.send_due()
    assert calls.call_count == 0  # the parent is still on that line
    _end_call(phone)
    clock.advance(seconds=11)
    sender.send_due()
    assert calls.call_count == 1 and not api.routes[0].called  # never a text to a landline
    form = _form(calls)
    assert (form["To"], form["From"]) == (family.phone, VOICE_FROM)
    with database.unit_of_work() as session:
        outbox_id = session.scalars(select(OutboxMessage.id)).one()
    assert form["StatusCallback"] == f"{PUBLIC}/twilio/voice/status?m={outbox_id}"  # names its row
    digits = re.findall(r"予約番号は、([0-9、]+)、です。繰り返します。([0-9、]+)、です。", form["Twiml"])
    assert digits and digits[0][0] == digits[0][1] and len(digits[0][0].replace("、", "")) in (6, 7, 8)
    assert 'action="' + PUBLIC + "/twilio/voice/outbound?m=" in form["Twiml"]


def test_pressing_one_reads_the_message_again_from_a_signed_webhook(database: Database,
                                                                     api: respx.MockRouter) -> None:
    _family, clock, calls, phone = _booked_on_a_landline(database, api)
    _sender(database, clock).send_due()
    action = re.search(r'action="([^"]+)"', _form(calls)["Twiml"])
    assert action is not None
    url = action.group(1).replace("&amp;", "&")
    again = phone.post(url, phone.params(Digits="1", CallSid=calls.calls.last.response.json()["sid"]))
    assert again.status_code == 200 and again.text.count("繰り返します") == 1 and "予約番号は" in again.text
    assert phone.post(url, phone.params(Digits="1"), signature="forged").status_code == 403


def test_without_a_voice_number_a_landline_message_becomes_a_staff_callback_case(
        database: Database, api: respx.MockRouter) -> None:
    _family, clock, calls, _phone = _booked_on_a_landline(database, api)
    _sender(database, clock, twilio_voice_from="").send_due()
    assert calls.call_count == 0 and not api.routes[0].called
    with database.unit_of_work() as session:
        assert session.scalars(select(Escalation.kind)).all() == ["callback"]
        assert session.scalars(select(OutboxMessage.status)).all() == ["failed"]


def test_an_unanswered_call_is_tried_three_times_then_raised_to_staff(database: Database,
                                                                      api: respx.MockRouter) -> None:
    _family, clock, calls, phone = _booked_on_a_landline(database, api)
    sender = _sender(database, clock)
    for attempt in range(1, 4):
        assert sender.send_due() == 1 and calls.call_count == attempt
        sid = calls.calls.last.response.json()["sid"]
        _end_call(phone, sid, status="no-answer")
        assert sender.send_due() == 0  # not again at once
        clock.advance(minutes=51)
    assert sender.send_due() == 0 and calls.call_count == 3
    with database.unit_of_work() as session:
        assert session.scalars(select(OutboxMessage.status)).all() == ["failed"]
        assert "message_undelivered" in session.scalars(select(Escalation.kind)).all()


def test_an_answered_call_is_recorded_as_delivered(database: Database, api: respx.MockRouter) -> None:
    _family, clock, calls, phone = _booked_on_a_landline(database, api)
    _sender(database, clock).send_due()
    _end_call(phone, calls.calls.last.response.json()["sid"], status="completed")
    with database.unit_of_work() as session:
        assert session.scalars(select(OutboxMessage.channel)).all() == ["call"]
        assert session.scalars(select(OutboxMessage.status)).all() == ["delivered"]


def test_a_retry_that_falls_at_night_waits_until_eight_in_the_morning(database: Database,
                                                                      api: respx.MockRouter) -> None:
    _family, clock, calls, phone = _booked_on_a_landline(database, api,
                                                         at=dt.datetime(2026, 6, 1, 20, 30, tzinfo=TOKYO))
    sender = _sender(database, clock)
    sender.send_due()
    _end_call(phone, calls.calls.last.response.json()["sid"], status="busy")
    clock.advance(hours=2)  # 22:30
    assert sender.send_due() == 0 and calls.call_count == 1
    with database.unit_of_work() as session:
        due = session.scalars(select(OutboxMessage.next_attempt_at)).one()
    assert due.astimezone(TOKYO) == dt.datetime(2026, 6, 2, 8, 0, tzinfo=TOKYO)


def test_a_mobile_on_file_still_gets_a_text_during_the_call(database: Database, api: respx.MockRouter) -> None:
    family = seed(database)
    clock = FixedClock(MONDAY.astimezone(dt.UTC))
    calls = _calls(api)
    _book(database, clock, family)
    _sender(database, clock).send_due()
    assert api.routes[0].call_count == 1 and calls.call_count == 0


def _delivery_call(database: Database, api: respx.MockRouter) -> tuple[Family, FixedClock, Phone, str, str]:
    """A confirmation being read to a landline: the family, the clock, the phone, the action URL and the CallSid."""
    family, clock, calls, phone = _booked_on_a_landline(database, api)
    _sender(database, clock).send_due()
    action = re.search(r'action="([^"]+)"', _form(calls)["Twiml"])
    assert action is not None
    return family, clock, phone, action.group(1).replace("&amp;", "&"), calls.calls.last.response.json()["sid"]


def test_a_message_is_read_again_only_in_the_call_that_delivers_it(database: Database,
                                                                   api: respx.MockRouter) -> None:
    _family, _clock, phone, url, _sid = _delivery_call(database, api)
    other = phone.post(url, phone.params(Digits="1", CallSid="CA" + "9" * 32))
    assert other.status_code == 200 and "予約番号は" not in other.text and "<Hangup" in other.text


def test_a_message_is_not_read_to_its_own_call_sid_an_hour_later(database: Database, api: respx.MockRouter) -> None:
    _family, clock, phone, url, sid = _delivery_call(database, api)
    clock.advance(minutes=31)
    late = phone.post(url, phone.params(Digits="1", CallSid=sid))
    assert late.status_code == 200 and "予約番号は" not in late.text


def test_a_message_is_not_read_once_the_household_is_dv_flagged(database: Database, api: respx.MockRouter) -> None:
    family, _clock, phone, url, sid = _delivery_call(database, api)
    with database.unit_of_work() as session:
        household = session.get(Household, family.household_pk)
        assert household is not None
        household.dv_flag = True
        session.commit()
    held = phone.post(url, phone.params(Digits="1", CallSid=sid))
    assert held.status_code == 200 and "予約番号は" not in held.text


def test_an_outbound_id_beyond_the_integer_range_is_answered_politely(database: Database,
                                                                      api: respx.MockRouter) -> None:
    _family, _clock, phone, _url, sid = _delivery_call(database, api)
    for m in ("99999999999", "2147483648", "9" * 40, "-1", "1e9"):
        response = phone.post(PUBLIC + f"/twilio/voice/outbound?m={m}", phone.params(Digits="1", CallSid=sid))
        assert response.status_code == 200 and "<Hangup" in response.text, m


def _reminder_to_a_landline(database: Database, at: dt.datetime) -> FixedClock:
    family = seed(database, phone=LANDLINE)
    with database.unit_of_work() as session:
        session.add(OutboxMessage(kind="reminder", household_pk=family.household_pk, to_number=family.phone,
                                  body="明日は一時預かりのご予約の日です。", created_at=at.astimezone(dt.UTC),
                                  next_attempt_at=at.astimezone(dt.UTC)))
        session.commit()
    return FixedClock(at.astimezone(dt.UTC))


def test_a_reminder_waits_out_the_quiet_hours_a_ward_set(database: Database, api: respx.MockRouter) -> None:
    clock = _reminder_to_a_landline(database, dt.datetime(2026, 6, 1, 13, 0, tzinfo=TOKYO))
    calls = _calls(api)
    _sender(database, clock, quiet_hours="12:00-14:00").send_due()
    assert calls.call_count == 0
    with database.unit_of_work() as session:
        due = session.scalars(select(OutboxMessage.next_attempt_at)).one()
    assert due.astimezone(TOKYO) == dt.datetime(2026, 6, 1, 14, 0, tzinfo=TOKYO)


def test_outside_the_quiet_hours_a_ward_set_a_reminder_rings_at_night(database: Database,
                                                                     api: respx.MockRouter) -> None:
    clock = _reminder_to_a_landline(database, dt.datetime(2026, 6, 1, 22, 0, tzinfo=TOKYO))
    calls = _calls(api)
    _sender(database, clock, quiet_hours="23:00-06:00").send_due()
    assert calls.call_count == 1


def test_a_night_confirmation_call_that_met_a_twilio_error_is_retried_at_once_not_at_eight(
        database: Database, api: respx.MockRouter) -> None:
    _family, clock, _calls_route, _phone = _booked_on_a_landline(
        database, api, at=dt.datetime(2026, 6, 1, 22, 30, tzinfo=TOKYO))
    sids = iter(f"CA{n:032d}" for n in range(1, 100))
    calls = api.post(url__regex=CALLS).mock(side_effect=[
        httpx.Response(500, json={"code": 20500, "message": "Internal Server Error", "status": 500}),
        httpx.Response(201, json={"sid": next(sids), "status": "queued"})])
    sender = _sender(database, clock)
    sender.send_due()
    clock.advance(seconds=3)  # past the first retry's backoff, still deep in the night

    assert sender.send_due() == 1 and calls.call_count == 2, "the call that never rang waited for 08:00"
    with database.unit_of_work() as session:
        assert session.scalars(select(OutboxMessage.status)).all() == ["sent"]


def test_a_night_confirmation_call_whose_sender_died_holding_it_is_made_that_night_not_in_the_morning(
        database: Database, api: respx.MockRouter) -> None:
    _family, clock, calls, _phone = _booked_on_a_landline(
        database, api, at=dt.datetime(2026, 6, 1, 22, 30, tzinfo=TOKYO))
    with database.unit_of_work() as session:  # a sender claimed it, then died before calling
        message = session.scalars(select(OutboxMessage)).one()
        message.status, message.attempts, message.claimed_until = "sending", 1, clock.now()
        session.commit()

    assert _sender(database, clock).send_due() == 1 and calls.call_count == 0  # its call may be ringing
    clock.advance(seconds=CALLBACK_WAIT.total_seconds())  # no callback came: it never rang anyone
    assert _sender(database, clock).send_due() == 1 and calls.call_count == 1


@dataclass
class _KilledCalls:
    """Calls whose first request kills the sender: after Twilio placed the call (`placed`), or before."""

    placed: bool
    requests: list[dict[str, str]] = field(default_factory=list)  # each Calls request Twilio received
    sids: Iterator[str] = field(default_factory=lambda: iter(f"CA{n:032d}" for n in range(1, 100)))

    def answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append({k: v[0] for k, v in parse_qs(request.content.decode()).items()})
        if len(self.requests) == 1:
            if self.placed:
                next(self.sids)  # Twilio made CA…1 and will call back about it
            raise Killed()
        return httpx.Response(201, json={"sid": next(self.sids), "status": "queued"})


def _killed_mid_call(database: Database, api: respx.MockRouter, *, placed: bool
                     ) -> tuple[FixedClock, _KilledCalls, Phone, OutboxSender]:
    family = seed(database, phone=LANDLINE)
    clock = FixedClock(MONDAY.astimezone(dt.UTC))
    calls = _KilledCalls(placed)
    api.post(url__regex=CALLS).mock(side_effect=calls.answer)
    phone = _book(database, clock, family)
    _end_call(phone)
    sender = _sender(database, clock)
    sender.send_due()  # dies holding the row: nothing recorded
    with database.unit_of_work() as session:
        assert session.scalars(select(OutboxMessage.status)).all() == ["sending"]
    clock.advance(seconds=sender.lease(20).total_seconds())  # its lease runs out
    return clock, calls, phone, sender


def test_a_call_its_killed_sender_never_recorded_is_recorded_by_its_own_callback_and_not_placed_again(
        database: Database, api: respx.MockRouter) -> None:
    clock, calls, phone, sender = _killed_mid_call(database, api, placed=True)
    assert sender.send_due() == 1 and len(calls.requests) == 1  # taken up again, but it waits for the callback
    callback = calls.requests[0]["StatusCallback"]
    answered = phone.params(CallStatus="completed", CallSid=f"CA{1:032d}")
    assert phone.post(callback, answered).status_code == 200
    with database.unit_of_work() as session:
        assert tuple(session.execute(select(OutboxMessage.status, OutboxMessage.message_sid)).one()) == (
            "delivered", f"CA{1:032d}")
    clock.advance(hours=1)
    assert sender.send_due() == 0 and len(calls.requests) == 1, "the landline rang twice"


def test_a_call_no_callback_came_for_is_placed_again_after_the_wait(database: Database,
                                                                   api: respx.MockRouter) -> None:
    clock, calls, _phone, sender = _killed_mid_call(database, api, placed=False)
    sender.send_due()
    assert len(calls.requests) == 1  # not yet: the first call may be ringing
    clock.advance(seconds=CALLBACK_WAIT.total_seconds() - 1)
    assert sender.send_due() == 0 and len(calls.requests) == 1
    clock.advance(seconds=1)
    assert sender.send_due() == 1 and len(calls.requests) == 2
    with database.unit_of_work() as session:
        assert tuple(session.execute(select(OutboxMessage.status, OutboxMessage.message_sid)).one()) == (
            "sent", f"CA{1:032d}")


def test_a_late_callback_of_an_unanswered_call_does_not_pass_for_the_next_one(database: Database,
                                                                             api: respx.MockRouter) -> None:
    _family, clock, calls, phone = _booked_on_a_landline(database, api)
    _sender(database, clock).send_due()
    callback, sid = _form(calls)["StatusCallback"], calls.calls.last.response.json()["sid"]
    unanswered = phone.params(CallStatus="no-answer", CallSid=sid)
    assert phone.post(callback, unanswered).status_code == 200
    assert phone.post(callback, unanswered).status_code == 200  # Twilio delivers it again
    with database.unit_of_work() as session:
        assert tuple(session.execute(select(OutboxMessage.status, OutboxMessage.message_sid,
                                            OutboxMessage.unanswered)).one()) == ("retry", None, 1)
