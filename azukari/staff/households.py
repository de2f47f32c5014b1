"""Household forms in staff words: what the counter typed, read into entries; refusals told in Japanese."""
from __future__ import annotations

import datetime as dt

from azukari.registration.service import ChildEntry, DuplicateChild, InvalidChild, InvalidContact

CHILD_PROBLEMS = {
    "child_name": "子の氏名を入力してください",
    "child_kana": "子のフリガナはカタカナかひらがなで入力してください",
    "child_birthdate": "子の生年月日は YYYY-MM-DD で、今日までの日付を入力してください",
    "child_sex": "子の性別は 男・女・未記入 から選んでください",
}
DUPLICATE = "この子はすでに登録されています（氏名またはフリガナと生年月日が同じです）"
CONTACT_PROBLEMS = {
    "guardian_name": "保護者氏名を入力してください",
    "guardian_kana": "保護者のフリガナを入力してください",
    "address": "住所を入力してください",
    "phone": "電話番号を確認してください",
}
# Why staff cancelled, chosen on the household page's cancel form (and audited): a fixed list, so the audit
# log never holds free text about a family.
CANCEL_REASONS = {"parent_called": "保護者からの連絡", "illness": "体調不良", "facility": "施設の都合",
                  "after_deadline": "取消期限後の申し出", "other": "その他"}
NO_CHILD = "子を一人以上入力してください"
DV_REASON_MISSING = "DV設定の理由を選んでください"


class FormError(ValueError):
    """A form value staff must correct; the message is shown as is (Japanese)."""


def child_entries(names: list[str], kanas: list[str], births: list[str], sexes: list[str]) -> list[ChildEntry]:
    """The filled-in child rows of the registration form; the registration service checks them as the importer does."""
    children = []
    for name, kana, birth, sex in zip(names, kanas, births, sexes, strict=False):
        if not (name.strip() or kana.strip() or birth.strip()):
            continue
        try:
            birthdate = dt.date.fromisoformat(birth.strip())
        except ValueError as error:
            raise FormError(CHILD_PROBLEMS["child_birthdate"]) from error
        children.append(ChildEntry(name=name, kana=kana, birthdate=birthdate, sex=sex))
    if not children:
        raise FormError(NO_CHILD)
    return children


def message_for(error: ValueError) -> str:
    """A refusal of the registration service, as the sentence staff read above the form."""
    if isinstance(error, FormError):
        return str(error)
    if isinstance(error, DuplicateChild):
        return DUPLICATE
    if isinstance(error, InvalidChild):
        return "。".join(CHILD_PROBLEMS[column] for column in error.problems)
    if isinstance(error, InvalidContact):
        return "。".join(CONTACT_PROBLEMS[column] for column in error.columns)
    return "入力内容を確認してください（電話番号・日付）"
