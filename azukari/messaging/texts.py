"""The texts of outbound SMS (contract §6), within Japanese carriers' rules.

Carriers refuse phone numbers in the text, and a message may be at most 134 characters
(two UCS-2 segments of 67). Facility names are shortened to fit, never the booking number.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from azukari.clock import in_tokyo

MAX_CHARS = 134
# Room left for the facility in the longest template (an English confirmation); the place name
# that parents know a facility by is far shorter than this.
FACILITY_MAX_CHARS = 20
_WEEKDAYS_JA = "月火水木金土日"
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class BookingFacts:
    """What a message may say about one booking; built by the booking service."""

    booking_number: str
    day: dt.date
    starts: str  # "09:00"
    ends: str
    facility_name: str
    fee: int


def _day(day: dt.date, language: str) -> str:
    if language == "en":
        return f"{_WEEKDAYS_EN[day.weekday()]} {day.month}/{day.day}"
    return f"{day.month}月{day.day}日({_WEEKDAYS_JA[day.weekday()]})"


def short_facility_name(name: str) -> str:
    """'光が丘子ども家庭支援センター' → '光が丘': the place name is what parents know it by."""
    name = name.strip()
    for suffix in ("子ども家庭支援センター", "子育て支援センター", "保育園", "センター"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return name if len(name) <= FACILITY_MAX_CHARS else name[: FACILITY_MAX_CHARS - 1] + "…"


def _fit(text: str) -> str:
    if len(text) > MAX_CHARS:
        raise ValueError(f"message of {len(text)} characters exceeds {MAX_CHARS}")
    return text


def confirmation(facts: BookingFacts, language: str) -> str:
    where = short_facility_name(facts.facility_name)
    if language == "en":
        return _fit(f"Childcare booked. Booking number {facts.booking_number}, {_day(facts.day, 'en')} "
                    f"{facts.starts}-{facts.ends}, {where}, fee {facts.fee:,} yen. "
                    "Keep this number to cancel.")
    return _fit(f"一時預かりのご予約を承りました。予約番号 {facts.booking_number} "
                f"{_day(facts.day, 'ja')} {facts.starts}-{facts.ends} {where} 料金{facts.fee:,}円。"
                "取消の際はこの番号をお知らせください。")


def reminder(facts: BookingFacts, language: str) -> str:
    """The day-before reminder; it goes out the afternoon before, so the day is 'tomorrow'."""
    where = short_facility_name(facts.facility_name)
    if language == "en":
        return _fit(f"Reminder: childcare booked for tomorrow, {_day(facts.day, 'en')} "
                    f"{facts.starts}-{facts.ends} at {where}. Booking number {facts.booking_number}, "
                    f"fee {facts.fee:,} yen.")
    return _fit(f"明日{_day(facts.day, 'ja')} {facts.starts}-{facts.ends} {where}で一時預かりのご予約があります。"
                f"予約番号 {facts.booking_number} 料金{facts.fee:,}円。")


def cancellation(booking_number: str, day: dt.date, language: str) -> str:
    if language == "en":
        return _fit(f"Your childcare booking was cancelled. Booking number {booking_number}: "
                    f"{_day(day, 'en')}.")
    return _fit(f"一時預かりのご予約を取り消しました。予約番号 {booking_number} {_day(day, 'ja')}。")


def cancellation_refused(typed_number: str, language: str) -> str:
    """A cancellation asked by phone or text that could not be done; the call only says 'see SMS'."""
    if language == "en":
        return _fit(f"Booking {typed_number} could not be cancelled: it has started, was already "
                    "cancelled, or the number is wrong. Nothing was changed.")
    return _fit(f"番号 {typed_number} のご予約は取り消しできませんでした。開始済み・取消済み、"
                "または番号違いの可能性があります。変更はしていません。")


def listing(bookings: list[BookingFacts], language: str) -> list[str]:
    """'Text my bookings': one message per few bookings, each under the limit."""
    if not bookings:
        return [_fit("You have no upcoming childcare bookings." if language == "en"
                     else "今後の一時預かりのご予約はありません。")]
    header = "Your bookings:" if language == "en" else "ご予約一覧:"
    lines = [(f"Booking number {b.booking_number} " if language == "en" else f"予約番号 {b.booking_number} ")
             + f"{_day(b.day, language)} {b.starts}-{b.ends} {short_facility_name(b.facility_name)}"
             for b in bookings]
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
                    "en": "this child already has care booked at that time."},
    "monthly_limit": {"ja": "お子さまのその月のご利用が上限に達しています。",
                      "en": "this child has reached that month's limit of bookings."},
    "expired_registration": {"ja": "その日には事前登録の有効期限が切れています。",
                             "en": "your registration will have expired by that day."},
}


def refused_booking(*, day: dt.date, starts: str, ends: str, facility_name: str, reason: str,
                    language: str) -> str:
    """A booking refused for a reason the call never says: what was asked for, and why not."""
    where = short_facility_name(facility_name)
    lang = "en" if language == "en" else "ja"
    why = _REFUSAL_REASONS[reason][lang]
    if lang == "en":
        return _fit(f"Not booked: {_day(day, 'en')} {starts}-{ends} at {where}. Reason: {why}")
    return _fit(f"{_day(day, 'ja')} {starts}-{ends} {where}のご予約はできませんでした。理由: {why}")


def cancellation_past_deadline(booking_number: str, language: str) -> str:
    """A parent's cancel after the ward's deadline: nothing changed, the facility can still help."""
    if language == "en":
        return _fit(f"Booking number {booking_number} was not cancelled: the cancellation deadline has passed. "
                    "Please call the facility.")
    return _fit(f"予約番号 {booking_number} のご予約は取消期限を過ぎたため取り消していません。施設へお電話ください。")


@dataclass(frozen=True)
class SeatFacts:
    """A unit on a day, as a waiting-list text names it."""

    day: dt.date
    starts: str
    ends: str
    facility_name: str


def waiting(seat: SeatFacts, language: str) -> str:
    """On the waiting list: what is waited for, never the place in the queue."""
    where = short_facility_name(seat.facility_name)
    if language == "en":
        return _fit(f"You are on the waiting list for childcare {_day(seat.day, 'en')} {seat.starts}-{seat.ends} "
                    f"at {where}. If a seat frees up, we will text you an offer.")
    return _fit(f"{_day(seat.day, 'ja')} {seat.starts}-{seat.ends} {where}のキャンセル待ちを承りました。"
                "空きが出ましたらSMSでお知らせします。")


def seat_offer(seat: SeatFacts, *, until: dt.datetime, code: str, language: str) -> str:
    """A freed seat held for this family: reply with the code before `until` (Asia/Tokyo) to book it."""
    where = short_facility_name(seat.facility_name)
    local = in_tokyo(until)
    if language == "en":
        return _fit(f"A seat is free: {_day(seat.day, 'en')} {seat.starts}-{seat.ends} at {where}. To book it, "
                    f"reply with code {code} by {local.month}/{local.day} {local:%H:%M}.")
    return _fit(f"キャンセル待ちの枠が空きました。{_day(seat.day, 'ja')} {seat.starts}-{seat.ends} {where}。"
                f"ご予約は{local.month}月{local.day}日{local:%H:%M}までに"
                f"「コード {code}」の4桁の数字を返信してください。")
