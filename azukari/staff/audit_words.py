"""The audit trail in words: one Japanese name per event code, who did it, and each detail as a phrase.

EVENT_NAMES is the one table of event names; tests/test_staff_audit_page.py fails when the app audits a
code that is not in it. The trail itself keeps codes (they are hashed into the chain): only the page and
the export say them in Japanese.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from azukari.booking.roster import ATTENDANCE
from azukari.oversight.escalations import RESOLUTIONS
from azukari.registration.service import DV_REASONS
from azukari.staff.accounts import ROLE_LABELS
from azukari.staff.households import CANCEL_REASONS
from azukari.staff.queue import FIELD_LABELS, MESSAGE_WORDS, METHOD_WORDS, OUTCOME_LABELS, REASON_WORDS

EVENT_NAMES = {
    "verification": "電話・SMSでの本人確認",
    "booking.created": "予約",
    "booking.cancelled": "予約の取消",
    "booking.created_by_staff": "職員による代理予約",  # no longer written (booking.created names the staff member)
    "booking.cancelled_by_staff": "職員による予約の取消",
    "booking.options_viewed": "空き状況の表示（代理予約）",
    "attendance.marked": "出欠の記録",
    "waitlist.joined": "キャンセル待ちの登録",
    "waitlist.offered": "キャンセル待ちへの空きの案内",
    "waitlist.removed": "キャンセル待ちから外す",
    "waitlist.viewed": "キャンセル待ち一覧の表示",
    "roster.viewed": "名簿の表示",
    "household.registered": "世帯の新規登録",
    "household.viewed": "世帯の表示",
    "household.searched": "世帯の検索",
    "household.shown_in_search": "検索結果に表示",
    "household.edited": "登録内容の変更",
    "household.renewed": "登録の更新",
    "household.child_added": "子の追加",
    "household.pin_reissued": "暗証番号の再発行",
    "household.dv_set": "DV設定",
    "household.dv_cleared": "DV設定の解除",
    "household.lock_lifted": "本人確認の制限の解除",
    "escalations.viewed": "対応案件一覧の表示",
    "escalation.claimed": "案件の担当",
    "escalation.noted": "案件へのメモ",
    "escalation.linked": "案件を世帯に紐付け",
    "escalation.resolved": "案件の完了",
    "audit.exported": "監査ログの書き出し",
    "retention.purged": "保存期間を過ぎた記録の消去",
    "retention.certificate_viewed": "削除証明の表示",
    "data.erased_all": "全データの消去（契約終了）",
    "staff.login": "ログイン",
    "staff.login_failed": "ログインの失敗",
    "staff.logout": "ログアウト",
    "staff.password_changed": "パスワードの変更",
    "staff.second_factor_enrolled": "認証アプリの登録",
    "staff.second_factor_reset": "認証アプリの再設定",
    "staff.created": "職員アカウントの作成",
    "staff.deactivated": "職員アカウントの無効化",
    "staff.moved": "職員の所属・権限の変更",
    "staff.end_date_set": "職員アカウントの最終日の設定",
    "staff.accounts_reviewed": "職員アカウント一覧の表示",
    "demo.messages_viewed": "デモで送ったメッセージの表示",
    "household.shown_in_demo_messages": "デモのメッセージ一覧に表示",
    "duplicates.viewed": "重複の疑いの一覧の表示",
    "duplicate.merged": "重複の統合（同じ子）",
    "duplicate.dismissed": "重複の疑いの解除（別の子）",
    "household.child_corrected": "子の登録内容の訂正",
    "household.child_removed": "子を登録から外す",
    "household.erased": "世帯の消去（本人からの申出）",
    "households.imported": "世帯の一括登録（CSV）",
    "facilities.imported": "施設・料金・ルールの読み込み",
    "data.exported": "全データの書き出し",
    "data.backed_up": "バックアップ",
    "household.web_password_reissued": "ウェブ用パスワードの発行",
    "household.web_access_off": "ウェブ予約の停止",
    "household.web_access_on": "ウェブ予約の再開",
    "no_shows.lifted": "無断欠席による予約制限の解除",
    "closure.made": "休所・定員の変更",
    "closure.undone": "休所・定員の変更の取り消し",
    "closure.previewed": "休所で取り消す予約の表示",
    "household.erasure_requested": "世帯の消去の申請（本人からの申出）",
    "household.erasure_approved": "世帯の消去の承認（2人目の管理者）",
    "household.erasure_withdrawn": "世帯の消去の申請の取り下げ",
    "waitlist.declined": "キャンセル待ちの案内の辞退",
    "waitlist.offers_withdrawn": "キャンセル待ちの案内の取り下げ（DV設定）",
}

ACTOR_WORDS = {"bot": "自動応答", "voice": "電話（自動応答）", "sms": "SMS（自動応答）", "web": "Web",
               "staff": "職員", "system": "システム（自動処理）", "cli": "管理コマンド", "unknown": "不明な利用者名"}

DETAIL_LABELS = {
    "attempt_id": "確認番号", "calling_number": "着信番号", "change": "変更", "channel": "経路", "child_id": "子",
    "children": "子の人数", "day": "日", "deletion_record_id": "削除記録", "deletion_records": "削除記録",
    "dv": "DV", "ends_at": "最終日", "entry_id": "キャンセル待ち番号", "escalation_id": "案件番号",
    "facility_id": "施設", "failures": "失敗回数", "fields": "照合", "forced": "初回の変更", "households": "世帯数",
    "household_id_filter": "世帯IDで絞り込み", "mark": "出欠", "method": "方法", "offer_id": "案内番号",
    "outcome": "結果", "page": "ページ", "reason": "理由", "recovery_codes_left": "回復コードの残り",
    "reservation_id": "予約", "resolution": "完了の区分", "results": "該当件数", "role": "権限",
    "second_factor": "第2要素", "staff_filter": "職員で絞り込み", "staff_id": "職員", "step": "段階",
    "unit_id": "枠", "valid_until": "有効期限", "event_filter": "操作で絞り込み", "since": "から", "until": "まで",
    "printed": "印刷用", "shown": "表示件数",
    "pair": "組み合わせ", "kept": "残した世帯", "dropped": "統合した世帯", "kept_child": "残した子",
    "dropped_child": "統合した子", "household_removed": "世帯をなくした", "phone_of": "電話番号を残した世帯",
    "reservations": "移した予約", "waiting_places": "移したキャンセル待ち", "seat_offers": "移した案内",
    "outbox_messages": "移したメッセージ", "escalations": "移した案件", "verification_attempts": "移した本人確認",
    "waitlist_entries": "移したキャンセル待ち", "pair_households": "世帯ID", "cancelled": "取り消した予約",
    "removed_children": "移した登録から外した子",
    "approved_by": "承認した管理者",
    "digest": "ファイルのSHA-256", "created": "新規", "updated": "更新", "unchanged": "変更なし",
    "duplicates": "重複の疑い", "corrections": "生年月日の訂正候補", "tables": "表の数", "rows": "行数",
    "file": "ファイル", "by": "実行者", "requested_by": "申請した管理者",
    "outbox_id": "メッセージ", "kind": "種類", "facility_filter": "登録施設で絞り込み",
    "interview_filter": "面談日で絞り込み",
    "web_letters": "ウェブ用パスワードのお知らせ", "without_web_password": "ウェブ用パスワード未発行",
    "changed": "変更した項目",
}

# The fields a correction changes (registration: a child's, or a household's contact), as the page names them.
CHANGE_LABELS = {"name": "名前", "kana": "フリガナ", "birthdate": "生年月日", "sex": "性別",
                 "guardian_name": "保護者の名前", "guardian_kana": "保護者のフリガナ", "phone": "電話番号",
                 "address": "住所"}
SEX_WORDS = {"M": "男", "F": "女", "": "（未記入）"}

VALUE_WORDS = {
    **REASON_WORDS, **DV_REASONS, **CANCEL_REASONS, **ATTENDANCE, **ROLE_LABELS,
    **METHOD_WORDS, **RESOLUTIONS,
    "voice": "電話", "sms": "SMS", "staff": "職員", "verified": "確認できた", "refused": "確認できない",
    "reset": "制限の解除", "totp": "認証アプリ", "recovery": "回復コード", "password": "パスワード",
    "second_factor": "第2要素", "wrong": "違う（パスワードまたはコード）", "throttled": "試行回数の制限",
    "name": "名前", "kana": "フリガナ", "birthdate": "生年月日", "sex": "性別",
    **MESSAGE_WORDS, "refusal": "予約できなかった理由",
}


@dataclass(frozen=True)
class Names:
    """What the internal ids in a page of details stand for, read in one batch (audit_view.names_for):
    a booking by its number, date, facility and time; a unit by facility and time; a message by its kind."""

    reservations: dict[int, str] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)
    messages: dict[int, str] = field(default_factory=dict)
    facilities: dict[int, str] = field(default_factory=dict)

    def of(self, key: str) -> dict[int, str] | None:
        return {"reservation_id": self.reservations, "unit_id": self.units, "outbox_id": self.messages,
                "facility_id": self.facilities}.get(key)


# The ids a Names resolves, as the page labels them (a raw id never shows: an erased one says so).
NAMED_LABELS = {"reservation_id": "予約", "unit_id": "時間帯", "outbox_id": "メッセージ", "facility_id": "施設"}
GONE = {"reservation_id": "（消去済みの予約）", "unit_id": "（削除済みの時間帯）",
        "outbox_id": "（消去済みのメッセージ）", "facility_id": "（削除済みの施設）"}


def event_name(action: str) -> str:
    return EVENT_NAMES.get(action, action)


def actor_name(actor: str, staff: dict[int, str]) -> str:
    kind, _, key = actor.partition(":")
    if kind == "staff" and key.isdigit():
        return staff.get(int(key), f"職員（削除済み #{key}）")
    return ACTOR_WORDS.get(actor, actor)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, dict):
        return "、".join(f"{FIELD_LABELS.get(str(k), str(k))} {OUTCOME_LABELS.get(str(v), str(v))}"
                        for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_value(item) for item in value)
    if value is None:
        return "なし"
    return VALUE_WORDS.get(str(value), str(value))


def change_words(field: str, before: str, after: str) -> str:
    """One change of a correction, before → after (names and addresses as the audit keeps them: masked)."""
    if field == "sex":
        before, after = SEX_WORDS.get(before, before), SEX_WORDS.get(after, after)
    return f"{CHANGE_LABELS.get(field, field)} {before} → {after}"


def describe(detail: dict[str, object], names: Names | None = None) -> str:
    """The detail of an entry as `label: value` phrases, in the order recorded; with `names`, the ids of
    bookings, units, messages and facilities said as a clerk knows them."""
    phrases = []
    for key, value in detail.items():
        known = names.of(key) if names is not None else None
        if known is not None and isinstance(value, int) and not isinstance(value, bool):
            phrases.append(f"{NAMED_LABELS[key]}: {known.get(value, GONE[key])}")
        elif key == "changed" and isinstance(value, list):  # a correction's fields, not a verification's
            phrases.append(f"{DETAIL_LABELS[key]}: {'、'.join(CHANGE_LABELS.get(str(f), str(f)) for f in value)}")
        else:
            phrases.append(f"{DETAIL_LABELS.get(key, key)}: {_value(value)}")
    return "／".join(phrases)


_PROBLEMS = (
    (re.compile(r"entry #(\d+) does not link to the entry before it"),
     "記録 #{0} が前の記録とつながっていません（記録が削除または挿入されています）"),
    (re.compile(r"entry #(\d+) does not match its keyed hash"),
     "記録 #{0} が鍵付きハッシュと一致しません（書き換えられています）"),
    (re.compile(r"the chain has (\d+) entries but the anchor counts (\d+)"),
     "記録は {0} 件ですが、控えは {1} 件です（新しい記録が削除されています）"),
    (re.compile(r"entry (\d+) of the chain is not the one the anchor names"),
     "{0} 件目の記録が控えと違います（記録が置き換えられています）"),
)


def problem_words(problem: str) -> str:
    """A finding of the chain check (oversight/audit.py, in English for `azukari check`) as the page says it."""
    for pattern, words in _PROBLEMS:
        found = pattern.match(problem)
        if found:
            return words.format(*found.groups())
    return problem
