"""The texts of outbound SMS (contract §6), within Japanese carriers' rules, in the conversation's language.

Carriers refuse phone numbers in the text, and a message may be at most 134 characters
(two UCS-2 segments of 67). Facility names are shortened to fit, never the booking number.
Each language names a facility in its own script, as its calls say it (`booking.facility_names`):
Japanese by its Japanese name, English in Latin letters (`name_en`, else its romanised reading) so
an English text carries no Japanese script, Chinese by its characters in simplified form (光丘),
Korean in Hangul by its reading (히카리가오카).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from azukari.clock import in_tokyo
from azukari.language import LANGUAGES, Language
from azukari.language.days import day_words
from azukari.language.facility_names import chinese_name, hangul, hepburn, korean_name, place_name
from azukari.language.hanzi import han_key

MAX_CHARS = 134
# Room left for the facility in the longest template (an English confirmation); the place name
# that parents know a facility by is far shorter than this.
FACILITY_MAX_CHARS = 20


@dataclass(frozen=True)
class BookingFacts:
    """What a message may say about one booking; built by the booking service."""

    booking_number: str
    day: dt.date
    starts: str  # "09:00"
    ends: str
    facility_name: str
    fee: int
    name_en: str = ""  # the facility in Latin letters (`facility_names.english_name`); "" when it has none
    reading: str = ""  # the facility's reading in kana, which a Korean text writes in Hangul
    # Until when a parent may cancel by phone or SMS (the ward's `cancel_until`, §7); None: no such rule.
    cancel_until: dt.datetime | None = None
    # The child as registered (family name first), named by the confirmation; not part of the booking's identity.
    child_name: str = field(default="", compare=False)
    child_kana: str = field(default="", compare=False)


_LANGUAGES: dict[str, Language] = {language: language for language in LANGUAGES}


def _lang(language: str) -> Language:
    return _LANGUAGES.get(language, "ja")


def short_facility_name(name: str) -> str:
    """'光が丘子ども家庭支援センター' → '光が丘': the place name is what parents know it by."""
    return _cut(place_name(name))


def _cut(name: str) -> str:
    return name if len(name) <= FACILITY_MAX_CHARS else name[: FACILITY_MAX_CHARS - 1] + "…"


def facility_label(facility_name: str, name_en: str, language: str, reading: str = "") -> str:
    """The facility as a text in `language` names it (see the module docstring)."""
    lang = _lang(language)
    if lang == "en":
        return _cut(name_en) if name_en else "the centre"
    if lang == "zh":
        return _cut(chinese_name(name=facility_name, latin=name_en or short_facility_name(facility_name)))
    if lang == "ko":
        return _cut(korean_name(name=facility_name, reading=reading, latin=name_en or "센터"))
    return short_facility_name(facility_name)


def _fit(text: str) -> str:
    if len(text) > MAX_CHARS:
        raise ValueError(f"message of {len(text)} characters exceeds {MAX_CHARS}")
    return text


_CONFIRMATION = {  # §6: each confirmation names the child by given name, so siblings' texts differ
    "ja": ("{child}一時預かりのご予約を承りました。予約番号 {n} {day} {time} {where} 料金{fee}円。"
           "{deadline}取消の際はこの番号をお知らせください。"),
    "en": "Childcare booked{child}: {day} {time}, {where}, fee {fee} yen. Booking number {n}. {deadline_en}",
    "zh": ("{child}临时托育预约成功。预约号 {n} {day} {time} {where} 费用{fee}日元。"
           "{deadline}取消时需要此号码，请妥善保存。"),
    "ko": ("{child}일시보육 예약이 완료되었습니다. 예약번호 {n} {day} {time} {where} 요금 {fee}엔. "
           "{deadline}취소하실 때 이 번호가 필요합니다."),
}
# How the child's given name sits in each language's confirmation: 陽翔さんの…, …for Haruto, 阳翔的…, 하루토…
_CHILD = {"ja": "{name}さんの", "en": " for {name}", "zh": "{name}的", "ko": "{name}의 "}
_REMINDER = {
    "ja": "明日{day} {time} {where}で一時預かりのご予約があります。予約番号 {n} 料金{fee}円。{deadline}",
    "en": "Reminder: tomorrow, {day} {time} at {where}. Booking number {n}, fee {fee} yen. {deadline}",
    "zh": "提醒：您明天{day} {time}在{where}有临时托育预约。预约号 {n} 费用{fee}日元。{deadline}",
    "ko": "알림: 내일 {day} {time} {where}에서 일시보육 예약이 있습니다. 예약번호 {n} 요금 {fee}엔. {deadline}",
}
# The ward's cancel deadline (§7), said in confirmations and reminders when the ward has one.
_DEADLINE = {"ja": "お取消は{when}まで。", "en": "Cancel by {when}.", "zh": "取消截止{when}。",
             "ko": "취소 마감 {when}. "}
_CANCELLATION = {
    "ja": "一時預かりのご予約を取り消しました。予約番号 {n} {day}。",
    "en": "Your childcare booking was cancelled. Booking number {n}: {day}.",
    "zh": "临时托育预约已取消。预约号 {n} {day}。",
    "ko": "일시보육 예약이 취소되었습니다. 예약번호 {n} {day}.",
}
_CANCEL_REFUSED = {  # §6: a number that is not the household's live booking gets only "nothing was changed"
    "ja": "お申し出の取り消しはできませんでした。ご予約は何も変更していません。",
    "en": "We could not cancel as asked. Nothing was changed in your bookings.",
    "zh": "未能按您的要求取消。您的预约没有任何变更。",
    "ko": "요청하신 취소는 처리되지 않았습니다. 예약은 변경되지 않았습니다.",
}
_NONE_UPCOMING = {"ja": "今後の一時預かりのご予約はありません。", "en": "You have no upcoming childcare bookings.",
                  "zh": "您目前没有待使用的临时托育预约。", "ko": "앞으로 예정된 일시보육 예약이 없습니다."}
_LISTING_HEADER = {"ja": "ご予約一覧:", "en": "Your bookings:", "zh": "您的预约：", "ko": "예약 목록:"}
# Contract §6: the label before a booking number in each language.
BOOKING_LABEL = {"ja": "予約番号", "en": "Booking number", "zh": "预约号", "ko": "예약번호"}


def _facts(facts: BookingFacts, language: str) -> dict[str, str]:
    deadline = _deadline(facts.cancel_until, _lang(language))
    return {"n": facts.booking_number, "day": day_words(facts.day, _lang(language), written=True),
            "time": f"{facts.starts}-{facts.ends}",
            "where": facility_label(facts.facility_name, facts.name_en, language, facts.reading),
            "fee": f"{facts.fee:,}", "deadline": deadline,
            "deadline_en": deadline or "Keep it to cancel."}


def _deadline(until: dt.datetime | None, lang: Language) -> str:
    """"Cancel by 12/2 17:00." in `lang` (Asia/Tokyo), or "" when the ward has no cancel deadline."""
    if until is None:
        return ""
    local = in_tokyo(until)
    when = {"en": f"{local.month}/{local.day} {local:%H:%M}", "ko": f"{local.month}월 {local.day}일 {local:%H:%M}"}
    return _DEADLINE[lang].format(when=when.get(lang, f"{local.month}月{local.day}日{local:%H:%M}"))


def confirmation(facts: BookingFacts, language: str) -> str:
    lang = _lang(language)
    name = given_name(facts.child_name, facts.child_kana, lang)
    template = _CONFIRMATION[lang]
    values = _facts(facts, language)
    bare = template.format(**values, child="").rstrip()
    if not name:
        return _fit(bare)
    room = MAX_CHARS - len(bare) - len(_CHILD[lang].format(name=""))
    if room < 2:
        return _fit(bare)
    name = name if len(name) <= room else name[: room - 1] + "…"
    return _fit(template.format(**values, child=_CHILD[lang].format(name=name)).rstrip())


def given_name(name: str, kana: str, language: str) -> str:
    """The child's given name as a text in `language` writes it: 陽翔 (ja), Haruto (en), 阳翔 (zh), 하루토 (ko).

    Registered names are family name first (`髙橋 陽翔`, `GARCIA MARIA`); a name in Latin letters stays so.
    English has no Japanese script, Chinese no kana, Korean none at all: the kana reading is romanised
    or written in Hangul where the characters cannot stand. "" when nothing fits.
    """
    written = name.split()[-1] if name.split() else ""
    read = kana.split()[-1] if kana.split() else ""
    if written.isascii():
        return written.capitalize()
    lang = _lang(language)
    if lang == "ja":
        return written
    if lang == "zh" and all("\u3400" <= c <= "\u9fff" or c == "々" for c in written):
        return han_key(written)
    if lang == "ko":
        return hangul(read) or hepburn(read)
    return hepburn(read)


def reminder(facts: BookingFacts, language: str) -> str:
    """The day-before reminder; it goes out the afternoon before, so the day is 'tomorrow'."""
    return _fit(_REMINDER[_lang(language)].format(**_facts(facts, language)).rstrip())


def cancellation(booking_number: str, day: dt.date, language: str) -> str:
    lang = _lang(language)
    return _fit(_CANCELLATION[lang].format(n=booking_number, day=day_words(day, lang, written=True)))


def cancellation_refused(language: str) -> str:
    """A cancellation by a number that is not one of the household's live bookings: only that nothing was
    changed (contract §6): never the number typed, never a guess at why."""
    return _fit(_CANCEL_REFUSED[_lang(language)])


def listing(bookings: list[BookingFacts], language: str) -> list[str]:
    """'Text my bookings': one message per few bookings, each under the limit."""
    lang = _lang(language)
    if not bookings:
        return [_fit(_NONE_UPCOMING[lang])]
    header = _LISTING_HEADER[lang]
    lines = [f"{BOOKING_LABEL[lang]} {b.booking_number} {day_words(b.day, lang, written=True)} {b.starts}-{b.ends} "
             f"{facility_label(b.facility_name, b.name_en, lang, b.reading)}" for b in bookings]
    messages: list[str] = []
    current = header
    for line in lines:
        if len(current) + 1 + len(line) > MAX_CHARS:
            messages.append(_fit(current))
            current = header
        current = f"{current}\n{line}"
    messages.append(_fit(current))
    return messages


# Why a booking was refused, in ordinary words, keyed by the booking core's refusal value. Only
# reasons about the child or the registration are here: they go to the number on file alone.
_REFUSAL_REASONS: dict[str, dict[str, str]] = {
    "overlapping": {"ja": "お子さまはその時間にすでにご予約があります。",
                    "en": "this child already has care booked at that time.",
                    "zh": "孩子在该时间已有预约。", "ko": "아이가 그 시간에 이미 예약되어 있습니다."},
    "monthly_limit": {"ja": "お子さまのその月のご利用が上限に達しています。",
                      "en": "this child has reached that month's limit of bookings.",
                      "zh": "孩子当月的使用次数已达上限。", "ko": "아이의 그달 이용 한도에 도달했습니다."},
    "expired_registration": {"ja": "その日には事前登録の有効期限が切れています。",
                             "en": "your registration will have expired by that day.",
                             "zh": "到该日期时您的登记已过期。",
                             "ko": "그날은 사전 등록 유효 기간이 지난 날짜입니다."},
    "outside_ages": {"ja": "その日のお子さまの年齢は、この施設でお預かりできる年齢の範囲外です。",
                     "en": "on that day this child is outside the ages the facility cares for.",
                     "zh": "该日孩子的年龄不在该中心可托育的年龄范围内。",
                     "ko": "그날 아이의 나이가 센터에서 맡을 수 있는 연령 범위를 벗어납니다."},
    "no_show_limit": {"ja": "連絡のない欠席が続いたため、新しいご予約をお受けできません。施設へご連絡ください。",
                      "en": "after repeated no-shows, new bookings are paused. Please contact the facility.",
                      "zh": "因多次未联系缺席，暂停新的预约。请联系该中心。",
                      "ko": "연락 없는 결석이 반복되어 새 예약을 받을 수 없습니다. 센터로 연락해 주세요."},
}


_REFUSED = {
    "ja": "{day} {time} {where}のご予約はできませんでした。理由: {why}",
    "en": "Not booked: {day} {time} at {where}. Reason: {why}",
    "zh": "{day} {time} {where}未能预约。原因：{why}",
    "ko": "{day} {time} {where} 예약이 되지 않았습니다. 이유: {why}",
}


def refused_booking(*, day: dt.date, starts: str, ends: str, facility_name: str, reason: str,
                    language: str, name_en: str = "", reading: str = "") -> str:
    """A booking refused for a reason the call never says: what was asked for, and why not."""
    lang = _lang(language)
    return _fit(_REFUSED[lang].format(day=day_words(day, lang, written=True), time=f"{starts}-{ends}",
                                      why=_REFUSAL_REASONS[reason][lang],
                                      where=facility_label(facility_name, name_en, lang, reading)))


_PAST_DEADLINE = {
    "ja": "予約番号 {n} のご予約は取消期限を過ぎたため取り消していません。施設へお電話ください。",
    "en": "Booking number {n} was not cancelled: the cancellation deadline has passed. Please call the facility.",
    "zh": "预约号 {n} 的预约已过取消期限，未能取消。请直接致电该中心。",
    "ko": "예약번호 {n} 예약은 취소 기한이 지나 취소되지 않았습니다. 센터로 전화해 주세요.",
}


_EXPIRY = {
    "ja": ("一時預かりの事前登録の有効期限は{day}までです。"
           "引き続きご利用の場合は、施設の窓口で更新の手続きをしてください。"),
    "en": "Your childcare registration ends on {day}. To keep booking, please renew it at any facility counter.",
    "zh": "您的临时托育登记有效期至{day}。如需继续使用，请到任意一家中心的窗口办理更新手续。",
    "ko": "일시보육 사전 등록 유효 기간은 {day}까지입니다. 계속 이용하시려면 센터 창구에서 갱신해 주세요.",
}


def expiry_notice(valid_until: dt.date, language: str) -> str:
    """30 and 7 days before a registration ends: renew at the counter (nothing can be renewed by phone)."""
    lang = _lang(language)
    return _fit(_EXPIRY[lang].format(day=day_words(valid_until, lang, written=True)))


def cancellation_past_deadline(booking_number: str, language: str) -> str:
    """A parent's cancel after the ward's deadline: nothing changed, the facility can still help."""
    return _fit(_PAST_DEADLINE[_lang(language)].format(n=booking_number))


@dataclass(frozen=True)
class SeatFacts:
    """A unit on a day, as a waiting-list text names it."""

    day: dt.date
    starts: str
    ends: str
    facility_name: str
    name_en: str = ""  # the facility in Latin letters, for English texts
    reading: str = ""  # its reading in kana, for Korean texts


_WAITING = {
    # No channel named: a number that cannot take SMS hears this text read out by a call (§6).
    "ja": "{day} {time} {where}のキャンセル待ちを承りました。空きが出ましたらお知らせします。",
    "en": "You are on the waiting list for childcare {day} {time} at {where}. If a seat frees up, we will let you "
          "know.",
    "zh": "已为您登记{day} {time} {where}的候补。出现空位时将通知您。",
    "ko": "{day} {time} {where} 대기 신청이 접수되었습니다. 자리가 나면 알려 드립니다.",
}
# Contract §6: the code is written `コード 1234`, `code 1234`, `代码 1234`, `코드 1234`. A seat offer is the seat
# and the hour it is held until, then how to take it: by calling the line and pressing 5 at the menu, then
# the code (no phone number in the text); with SMS_REPLIES=yes also by replying with the code.
_OFFER = {
    "ja": "キャンセル待ちの枠が空きました。{day} {time} {where}。{until_ja}までお取りしています。",
    "en": "Seat free: {day} {time}, {where}, held till {until}.",
    "zh": "您候补的时段有空位了：{day} {time} {where}，保留至{until_zh}。",
    "ko": "대기하신 자리가 났습니다. {day} {time} {where}. {until_ko}까지 보류합니다.",
}
# How to take it; each starts with OFFER_HOW_START, where a call's reading of the text stops (a call
# offers 1 and 2 instead: `spoken_messages`).
OFFER_HOW_START = {"ja": "ご予約は、", "en": " To book,", "zh": "如需预约，", "ko": " 예약하시려면"}
_OFFER_HOW = {
    "ja": "ご予約は、予約窓口にお電話のうえメニューで5、続けてコード {code} を押してください。",
    "en": " To book, call us, press 5 at the menu, then code {code}.",
    "zh": "如需预约，请致电预约专线，在菜单中按5，再输入代码 {code}。",
    "ko": " 예약하시려면 예약 전화의 메뉴에서 5번, 이어서 코드 {code}를 눌러 주세요.",
}
_OFFER_HOW_OR_REPLY = {
    "ja": "ご予約は、予約窓口にお電話のうえメニューで5、続けてコード {code} を押すか、このコードを返信してください。",
    "en": " To book, reply with code {code}, or call us and press 5, then the code.",
    "zh": "如需预约，请致电预约专线，在菜单中按5，再输入代码 {code}，或回复此代码。",
    "ko": " 예약하시려면 예약 전화의 메뉴에서 5번, 이어서 코드 {code}를 누르시거나 코드로 답장해 주세요.",
}


def _seat(seat: SeatFacts, language: str) -> dict[str, str]:
    return {"day": day_words(seat.day, _lang(language), written=True), "time": f"{seat.starts}-{seat.ends}",
            "where": facility_label(seat.facility_name, seat.name_en, language, seat.reading)}


def waiting(seat: SeatFacts, language: str) -> str:
    """On the waiting list: what is waited for, never the place in the queue."""
    return _fit(_WAITING[_lang(language)].format(**_seat(seat, language)))


def seat_offer(seat: SeatFacts, *, until: dt.datetime, code: str, language: str, replies: bool = False) -> str:
    """A freed seat held for this family until `until` (Asia/Tokyo): call, press 5, key the code to book it.

    With `replies` (SMS_REPLIES=yes) the text also says that replying with the code books it.
    """
    local = in_tokyo(until)
    lang = _lang(language)
    how = (_OFFER_HOW_OR_REPLY if replies else _OFFER_HOW)[lang].format(code=code)
    facts = _seat(seat, language)
    text = ""
    for room in (FACILITY_MAX_CHARS, 14, 10, 6):  # the facility's name gives way before anything else
        where = facts["where"]
        facts["where"] = where if len(where) <= room else where[: room - 1] + "…"
        text = _OFFER[lang].format(
            **facts, until=f"{local.month}/{local.day} {local:%H:%M}",
            until_ja=f"{local.month}月{local.day}日{local:%H:%M}",
            until_zh=f"{local.month}月{local.day}日{local:%H:%M}",
            until_ko=f"{local.month}월 {local.day}일 {local:%H:%M}") + how
        if len(text) <= MAX_CHARS:
            break
    return _fit(text)


def offer_heading(body: str) -> str:
    """A seat offer's text without how to take it: what an offer call reads before asking for 1 or 2."""
    for start in OFFER_HOW_START.values():
        if start in body:
            return body.split(start, 1)[0].strip()
    return body


_WRITTEN_CODE = re.compile(r"(?:コード|code|代码|코드)\s*([0-9]{4})(?![0-9])", re.IGNORECASE)


def offer_code_of(body: str) -> str | None:
    """The code a seat offer's text carries (`コード 1234`), or None."""
    found = _WRITTEN_CODE.search(body)
    return found.group(1) if found else None


# Contract §6: a day (or unit) closed by staff cancels its bookings with a cancellation that says so.
_CLOSED_CANCELLATION = {
    "ja": "{where}の{day} {time}は休所となったため、予約番号 {n} のご予約を取り消しました。申し訳ありません。",
    "en": "{where} is closed on {day} {time}, so booking number {n} was cancelled. We are sorry.",
    "zh": "{where}于{day} {time}休馆，预约号 {n} 的预约已取消。非常抱歉。",
    "ko": "{where} {day} {time} 휴관으로 예약번호 {n} 예약이 취소되었습니다. 죄송합니다.",
}


def closed_cancellation(facts: BookingFacts, language: str) -> str:
    """A booking cancelled because staff closed its day or unit (or lowered the unit's capacity)."""
    return _fit(_CLOSED_CANCELLATION[_lang(language)].format(**_facts(facts, language)))


_CANCEL_STARTED = {
    "ja": "予約番号 {n} のご予約は開始済みのため取り消していません。",
    "en": "Booking number {n} was not cancelled: it has already started.",
    "zh": "预约号 {n} 的预约已开始，未能取消。",
    "ko": "예약번호 {n} 예약은 이미 시작되어 취소되지 않았습니다.",
}


def cancellation_started(booking_number: str, language: str) -> str:
    """A cancel of the household's own booking whose unit has started: its number and why (§6)."""
    return _fit(_CANCEL_STARTED[_lang(language)].format(n=booking_number))
