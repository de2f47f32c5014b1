"""The escalation queue as staff read it: each case in plain Japanese, and its ordering.

A case's details are ids, codes and which fields matched; its lifecycle (open, claim, link, note,
resolve) is oversight/escalations.py. Here the details become sentences a ward clerk
reads. Anything without words of its own (a conversation key, a row id) is not shown.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from azukari.booking import listings
from azukari.households.models import Household
from azukari.identity import attempts
from azukari.identity.models import VerificationAttempt
from azukari.messaging.models import OutboxMessage
from azukari.oversight.escalations import KINDS
from azukari.oversight.models import Escalation
from azukari.staff.models import StaffAccount

FIELD_LABELS = {"household_id": "世帯ID", "pin": "暗証番号", "child_name": "子の名前", "birthdate": "生年月日",
                "address": "住所", "guardian_name": "保護者の名前"}
OUTCOME_LABELS = {"match": "一致", "near": "ほぼ一致", "fail": "不一致", "missing": "未入力"}
CHANNEL_LABELS = {"voice": "電話", "sms": "SMS", "outbox": "SMS送信", "staff": "職員", "twilio": "Twilio"}
STATUS_LABELS = {"open": "未対応", "claimed": "対応中", "resolved": "完了"}
METHOD_WORDS = {"knowledge": "名前・生年月日・住所で確認", "id": "世帯IDと暗証番号で確認"}
REASON_WORDS = {
    "child_name": "子の名前が一致しませんでした", "birthdate": "生年月日が一致しませんでした",
    "address": "住所が一致しませんでした", "guardian_name": "保護者の名前が一致しませんでした",
    "pin": "暗証番号が違いました", "unknown_id": "その世帯IDは登録されていません",
    "unknown_child": "該当する子が見つかりませんでした", "ambiguous": "候補が複数あり、一人に決められませんでした",
    "too_many_near": "近い答えが多く、一致とは言えませんでした", "expired": "登録の有効期限が切れています",
    "locked_household": "この世帯への本人確認は失敗が続いたため止めています",
    "locked_number": "この番号からの本人確認は失敗が続いたため止めています",
    "locked_withheld": "非通知の電話からの本人確認は失敗が続いたため止めています",
    "line_busy": "回線が混み合っていたため、折り返しを希望されました",
    "no_sms_no_voice_sender": "登録番号がSMSを受けられず、電話でお知らせする発信番号も設定されていません",
    "refused": "携帯会社に受け付けられませんでした", "gave_up": "何度か送りましたが届きませんでした",
}
OUTCOME_WORDS = {"transfer": "職員の電話に転送しました", "callback": "職員から折り返すと伝えました",
                 "hours": "番号が通知されていないため折り返しは約束せず、職員の受付時間を伝えました"}
STEP_WORDS = {"language": "言語の選択", "id_choice": "世帯IDの有無", "household_id": "世帯IDの入力",
              "pin": "暗証番号の入力", "child_name": "子の名前", "birthdate": "生年月日", "address": "住所",
              "guardian_name": "保護者の名前", "menu": "メニュー", "date": "利用日", "facility": "施設の選択",
              "unit": "時間帯の選択", "confirm": "予約の確認", "next": "予約の後", "cancel_ref": "予約番号の入力",
              "cancel_confirm": "取消の確認", "waitlist": "キャンセル待ちの選択",
              "waitlist_confirm": "キャンセル待ちの確認"}
MESSAGE_WORDS = {"confirmation": "予約確認", "cancellation": "取消確認", "listing": "予約一覧", "notice": "お知らせ",
                 "reminder": "前日のお知らせ",
                 "offer": "キャンセル待ちの空きのご案内", "waiting": "キャンセル待ちの受付",
                 "expiry_notice": "登録期限のお知らせ", "closure": "休所による予約の取消"}
RESOURCE_WORDS = {"message": "SMS", "call": "通話"}
@dataclass(frozen=True)
class AttemptLine:
    """One refused verification of the case: how it was tried, what matched, why it failed (never what was said)."""

    label: str
    fields: list[tuple[str, str, str]]  # (field in words, outcome code, outcome in words)
    reason: str


@dataclass(frozen=True)
class CallBack:
    """Whom staff can call: the number on file, the number that called (not proof of anyone), or nobody."""

    how: str  # "on_file" | "calling" | "withheld" (no number came) | "protected" (not offered) | "expired"
    number: str = ""


@dataclass(frozen=True)
class QueueItem:
    escalation: Escalation
    label: str
    household: Household | None
    fields: list[tuple[str, str, str]]  # (label, outcome code, outcome label): which matched, never values
    attempts: list[AttemptLine]
    facts: list[str]  # the rest of the case, in sentences
    call_back: CallBack


def _fields(raw: object) -> list[tuple[str, str, str]]:
    if not isinstance(raw, dict):
        return []
    return [(FIELD_LABELS.get(str(k), "その他の項目"), str(v), OUTCOME_LABELS.get(str(v), "不明"))
            for k, v in raw.items()]


def _attempt_line(number: int, attempt: VerificationAttempt) -> AttemptLine:
    return AttemptLine(f"{number}回目（{METHOD_WORDS.get(attempt.method, '本人確認')}）", _fields(attempt.fields),
                       REASON_WORDS.get(attempt.reason, ""))


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _facts(session: Session, escalation: Escalation, details: dict[str, object]) -> list[str]:
    facts = []
    step = details.get("channel_step")
    if isinstance(step, str) and step:
        facts.append(f"「{STEP_WORDS.get(step, '会話の途中')}」の場面で職員につなぐことになりました。")
    outcome = OUTCOME_WORDS.get(str(details.get("outcome", "")))
    if outcome:
        facts.append(f"{outcome}。")
    said = details.get("said")
    if isinstance(said, str) and said:
        facts.append(f"電話・SMSで伝えた言葉: 「{said[:300]}」")
    reason = REASON_WORDS.get(str(details.get("reason", "")))
    if reason and "fields" not in details:
        facts.append(f"{reason}。")
    if (failures := _count(details.get("failures"))) is not None:
        facts.append(f"本人確認の失敗は {failures} 回です。")
    if details.get("household_locked") is True:
        facts.append("この失敗で本人確認の失敗が上限に達し、この世帯の自動受付を停止しました（解除は世帯の画面から）。")
    message = details.get("kind")
    if escalation.channel == "outbox" and isinstance(message, str):
        facts.append(f"送れなかったメッセージ: {MESSAGE_WORDS.get(message, 'お知らせ')}。")
    reservation_id = _count(details.get("reservation_id"))
    booking = listings.booking_of(session, reservation_id=reservation_id) if reservation_id is not None else None
    if booking is not None:
        facts.append(f"対象の予約: {booking.day:%m月%d日} {booking.starts}–{booking.ends} {booking.facility_name}"
                     f"（{booking.child_name}）。")
    if details.get("reason") == "no_sms_no_voice_sender":
        # Nothing can reach this family but staff (a landline, no TWILIO_VOICE_FROM): staff read it out, the
        # booking number included, which the parent cannot get any other way.
        if booking is not None:
            facts.append(f"予約番号 {booking.booking_number} を保護者にお伝えください。")
        outbox_id = _count(details.get("outbox_id"))
        undelivered = session.get(OutboxMessage, outbox_id) if outbox_id is not None else None
        if undelivered is not None:
            facts.append(f"お伝えする内容: {undelivered.body}")
    if escalation.channel == "outbox" and (tries := _count(details.get("attempts"))) is not None:
        facts.append(f"送信を {tries} 回試みました。")
    if isinstance(details.get("error_code"), str | int) and details.get("error_code"):
        facts.append(f"携帯会社・Twilioからのエラー番号: {details['error_code']}。")
    if isinstance(details.get("resource"), str):
        facts.append(f"Twilioに残る{RESOURCE_WORDS.get(str(details['resource']), '記録')}を削除できませんでした"
                     "（保存期間の画面の削除記録に表示されます）。")
    return facts


def _call_back(escalation: Escalation, household: Household | None) -> CallBack:
    if household is not None:
        return CallBack("on_file", household.phone)
    number = escalation.calling_number or ""
    if escalation.dv or escalation.security_alert:
        # A DV or security case never offers the calling number: it may be the person the family hides from.
        return CallBack("protected")
    if number.startswith("+"):
        return CallBack("calling", number)
    # "anonymous" (withheld, 184) or nothing at all; "h:…" is a number pseudonymised after 90 days.
    return CallBack("expired" if number.startswith("h:") else "withheld")


def _item(session: Session, escalation: Escalation) -> QueueItem:
    household = session.get(Household, escalation.household_pk) if escalation.household_pk else None
    details = escalation.details or {}
    conversation = details.get("conversation")
    attempt_id = _count(details.get("attempt_id"))
    tried = attempts.of_case(session, conversation_key=conversation if isinstance(conversation, str) else "",
                             attempt_id=attempt_id)
    lines = [_attempt_line(n, a) for n, a in enumerate(tried, start=1)]
    fields = _fields(details.get("fields")) if not lines else []
    return QueueItem(escalation, KINDS.get(escalation.kind, "その他の案件"), household, fields, lines,
                     _facts(session, escalation, details), _call_back(escalation, household))


def open_items(session: Session) -> list[QueueItem]:
    """Open and claimed cases: DV first, then security alerts, then oldest first."""
    rows = session.scalars(select(Escalation).where(Escalation.status != "resolved").order_by(
        case((Escalation.dv, 0), else_=1), case((Escalation.security_alert, 0), else_=1),
        Escalation.created_at, Escalation.id).limit(500))
    return [_item(session, e) for e in rows]


def recently_resolved(session: Session, *, limit: int = 20) -> list[QueueItem]:
    rows = session.scalars(select(Escalation).where(Escalation.status == "resolved")
                           .order_by(Escalation.resolved_at.desc(), Escalation.id.desc()).limit(limit))
    return [_item(session, e) for e in rows]


def staff_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(StaffAccount.id, StaffAccount.display_name)).all())
