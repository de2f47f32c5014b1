"""Escalation cards in plain Japanese: what matched in words, kind and reason in words, and a way to act on each."""
from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from staff_support import add_facilities, add_household, add_staff, client_for, clock, csrf_of, log_in

from azukari.booking import service as booking
from azukari.booking.models import Facility, Unit
from azukari.db import Database
from azukari.identity.models import VerificationAttempt
from azukari.messaging.models import OutboxMessage
from azukari.oversight.escalations import open_escalation
from azukari.oversight.models import AuditEntry, Escalation

CALL = "CA18ec0f3b2a4d5e6f708192a3b4c5d6e7"
INTERNAL = re.compile(r"outcome=|channel_step|conversation|CA18ec|attempt_id|failures=|outbox_id|reservation_id|"
                      r"error_code|knowledge|verification_failed|household_locked|line_busy|anonymous")


def _signed_in(database: Database) -> TestClient:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "sato")
    return client


def _card(page: str, escalation_id: int) -> str:
    found = re.search(rf'<li id="e{escalation_id}".*?</li>', page, re.S)
    assert found is not None
    return found.group()


def _attempt(session: object, *, reason: str, fields: dict[str, str], calling_number: str = "anonymous",
             household_pk: int | None = None) -> None:
    session.add(VerificationAttempt(  # type: ignore[attr-defined]
        at=clock().now(), channel="voice", method="knowledge", outcome="refused", reason=reason, fields=fields,
        calling_number=calling_number, household_pk=household_pk, conversation_key=CALL))


def test_a_failed_verification_shows_each_attempt_in_words_and_no_internal_strings(database: Database) -> None:
    client = _signed_in(database)
    with database.unit_of_work() as session:
        _attempt(session, reason="address", fields={"child_name": "match", "birthdate": "match", "address": "fail",
                                                   "guardian_name": "near"})
        _attempt(session, reason="unknown_child", fields={"child_name": "fail"})
        case_id = open_escalation(session, kind="verification_failed", channel="voice", now=clock().now(),
                                  calling_number="anonymous",
                                  details={"outcome": "callback", "channel_step": "guardian_name",
                                           "conversation": CALL}).id
        session.commit()
    card = _card(client.get("/staff/escalations").text, case_id)
    assert "本人確認ができず職員へ" in card
    assert "1回目（名前・生年月日・住所で確認）" in card and "2回目" in card
    assert "子の名前 一致" in card and "生年月日 一致" in card and "住所 不一致" in card
    assert "保護者の名前 ほぼ一致" in card
    assert "住所が一致しませんでした" in card and "該当する子が見つかりませんでした" in card
    assert "「保護者の名前」の場面で職員につなぐことになりました" in card and "職員から折り返すと伝えました" in card
    assert INTERNAL.search(card) is None, INTERNAL.search(card)


def test_a_locked_household_says_how_many_failures_and_what_the_last_attempt_matched(database: Database) -> None:
    client = _signed_in(database)
    with database.unit_of_work() as session:
        home = add_household(session, now=clock().now())
        session.add(VerificationAttempt(at=clock().now(), channel="voice", method="id", outcome="refused",
                                        reason="pin", fields={"household_id": "match", "pin": "fail"},
                                        calling_number="+815012345678", household_pk=home.id))
        session.flush()
        attempt_id = session.scalar(select(VerificationAttempt.id))
        case_id = open_escalation(session, kind="household_locked", channel="voice", now=clock().now(),
                                  household_pk=home.id, calling_number="+815012345678",
                                  details={"attempt_id": attempt_id, "failures": 5}).id
        session.commit()
    card = _card(client.get("/staff/escalations").text, case_id)
    assert "本人確認の失敗は 5 回です" in card and "世帯IDと暗証番号で確認" in card
    assert "世帯ID 一致" in card and "暗証番号 不一致" in card and "暗証番号が違いました" in card
    assert "090-1234-5678" in card and "5012345678" not in card  # the number on file, never the caller's
    assert INTERNAL.search(card) is None, INTERNAL.search(card)


def test_a_busy_line_callback_offers_the_number_that_called_with_a_warning(database: Database) -> None:
    client = _signed_in(database)
    with database.unit_of_work() as session:
        case_id = open_escalation(session, kind="callback", channel="voice", now=clock().now(),
                                  calling_number="+819011112222", details={"reason": "line_busy"}).id
        session.commit()
    card = _card(client.get("/staff/escalations").text, case_id)
    assert "着信番号" in card and "090-1111-2222" in card and "まず本人確認" in card
    assert "回線が混み合っていたため、折り返しを希望されました" in card
    assert "連絡先が分からず完了" not in card
    assert INTERNAL.search(card) is None


def test_a_dv_attempt_never_offers_the_number_that_called(database: Database) -> None:
    client = _signed_in(database)
    with database.unit_of_work() as session:
        case_id = open_escalation(session, kind="dv_attempt", channel="voice", now=clock().now(), dv=True,
                                  calling_number="+819011112222",
                                  details={"method": "knowledge", "reason": "guardian_name",
                                           "fields": {"child_name": "match", "guardian_name": "fail"}}).id
        session.commit()
    card = _card(client.get("/staff/escalations").text, case_id)
    assert "1111-2222" not in card and "着信番号に折り返しません" in card
    assert "保護者の名前 不一致" in card


def test_a_withheld_callers_case_can_be_linked_to_a_household_and_then_offers_its_number(database: Database) -> None:
    client = _signed_in(database)
    with database.unit_of_work() as session:
        home = add_household(session, now=clock().now(), dv=True)
        case_id = open_escalation(session, kind="caller_in_trouble", channel="voice", now=clock().now(),
                                  calling_number="anonymous",
                                  details={"outcome": "callback", "channel_step": "birthdate"}).id
        household_id, home_pk = home.household_id, home.id
        session.commit()
    card = _card(client.get("/staff/escalations").text, case_id)
    assert "番号非通知の連絡です。折り返し先がありません" in card
    assert "この世帯の案件にする" in card and "連絡先が分からず完了" in card
    csrf = csrf_of(client, "/staff/escalations")
    wrong = client.post(f"/staff/escalations/{case_id}/link", data={"csrf": csrf, "household_id": "99999999"})
    assert "その世帯IDは登録されていません" in client.get(wrong.headers["location"]).text
    client.post(f"/staff/escalations/{case_id}/link", data={"csrf": csrf, "household_id": household_id})
    page = client.get("/staff/escalations").text
    card = _card(page, case_id)
    assert "090-1234-5678" in card and 'class="case dv' in card and 'id="dv-banner"' in page
    with database.unit_of_work() as session:
        linked = session.get(Escalation, case_id)
        assert linked is not None and linked.household_pk == home_pk and linked.dv
        trail = session.scalars(select(AuditEntry.action).where(AuditEntry.household_pk == home_pk)).all()
    assert "escalation.linked" in trail


def test_a_case_nobody_can_call_back_is_closed_as_unreachable_and_says_so(database: Database) -> None:
    client = _signed_in(database)
    with database.unit_of_work() as session:
        case_id = open_escalation(session, kind="staff_requested", channel="voice", now=clock().now(),
                                  calling_number="anonymous").id
        session.commit()
    client.post(f"/staff/escalations/{case_id}/resolve",
                data={"csrf": csrf_of(client, "/staff/escalations"), "resolution": "unreachable"})
    with database.unit_of_work() as session:
        closed = session.get(Escalation, case_id)
        assert closed is not None and closed.status == "resolved" and "連絡先が分からず対応できない" in closed.note
        detail = session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "escalation.resolved"))
    assert detail == {"escalation_id": case_id, "resolution": "unreachable"}


def test_an_undelivered_message_names_the_booking_it_was_about(database: Database) -> None:
    client = _signed_in(database)
    now = clock().now()
    with database.unit_of_work() as session:
        add_facilities(session)
        home = add_household(session, now=now)
        unit = session.scalar(select(Unit).join(Facility).where(Facility.key == 1, Unit.key == 1))
        assert unit is not None
        booked = booking.book(session, child_id=home.children[0].id, unit_id=unit.id, day=dt.date(2026, 6, 2),
                              channel="voice", language="ja", now=now)
        case_id = open_escalation(session, kind="message_undelivered", channel="outbox", now=now,
                                  household_pk=home.id,
                                  details={"outbox_id": 7, "kind": "confirmation",
                                           "reservation_id": booked.reservation_id,  # type: ignore[union-attr]
                                           "error_code": "30005", "reason": "gave_up", "attempts": 3}).id
        session.commit()
    card = _card(client.get("/staff/escalations").text, case_id)
    assert "SMSが届かなかった" in card and "送れなかったメッセージ: 予約確認" in card
    assert "対象の予約: 06月02日 09:00–12:00 光が丘子ども家庭支援センター（髙橋 陽翔）" in card
    assert "送信を 3 回試みました" in card and "30005" in card and "何度か送りましたが届きませんでした" in card
    assert INTERNAL.search(card) is None, INTERNAL.search(card)


def test_a_message_no_one_could_send_to_a_landline_shows_staff_the_booking_number_to_read_out(
        database: Database) -> None:
    client = _signed_in(database)
    now = clock().now()
    with database.unit_of_work() as session:
        add_facilities(session)
        home = add_household(session, now=now)
        unit = session.scalar(select(Unit).join(Facility).where(Facility.key == 1, Unit.key == 1))
        assert unit is not None
        booked = booking.book(session, child_id=home.children[0].id, unit_id=unit.id, day=dt.date(2026, 6, 2),
                              channel="voice", language="ja", now=now)
        message = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "confirmation"))
        assert message is not None
        # As the sender opens it for a number that takes no SMS when TWILIO_VOICE_FROM is not set.
        case_id = open_escalation(session, kind="callback", channel="outbox", now=now, household_pk=home.id,
                                  details={"outbox_id": message.id, "kind": "confirmation",
                                           "reservation_id": booked.reservation_id,  # type: ignore[union-attr]
                                           "reason": "no_sms_no_voice_sender"}).id
        number = booked.booking_number  # type: ignore[union-attr]
        session.commit()
    card = _card(client.get("/staff/escalations").text, case_id)
    assert f"予約番号 {number} を保護者にお伝えください" in card
    assert "お伝えする内容: " in card and "光が丘" in card
