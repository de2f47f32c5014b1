"""Steps after verification: the menu, booking (date, facility, unit, confirm) and cancelling."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from azukari.ivr.machine import waitlist_flow
from azukari.ivr.machine.dates import next_day_of_month, relative_day, spoken_day_of_month, spoken_month_day
from azukari.ivr.machine.handoff import trouble
from azukari.ivr.machine.parsing import parse_number, parse_sms_date, parse_yes_no
from azukari.ivr.machine.ports import Ports
from azukari.ivr.machine.questions import ask, finish
from azukari.ivr.machine.replies import Line, Reply
from azukari.ivr.machine.spoken import hours_words
from azukari.ivr.machine.state import State

Handler = Callable[[State, str, Ports], Reply]

# Refusals of a day that a caller may hear when choosing a date, and the words each is answered with:
# none depends on the child's bookings. A day outside the window is answered as a closed day is
# (contract §7). At `confirm` every refusal is the one sentence "this time cannot be booked", so an
# overlap or a ward rule sounds like a seat taken meanwhile (the reason goes by text, §6).
_DAY_REFUSALS = {"closed": "refusal.closed", "outside_window": "refusal.closed", "full": "refusal.full",
                 "expired_registration": "refusal.expired_registration"}


def _key(state: State, answer: str) -> str | None:
    """What was pressed, or the number that was texted."""
    if state.channel == "sms":
        return parse_number(answer)
    return answer.rstrip("#") or None


def _yes_no(state: State, answer: str) -> bool | None:
    if state.channel == "sms":
        return parse_yes_no(answer)
    return {"1": True, "2": False}.get(answer)


def told(state: State, key: str) -> Line:
    """A line that says how the household hears back: by SMS, or by call where its number takes no SMS."""
    return Line(f"{key}_call" if state.by_call else key)


def _menu_again(state: State, *lines: Line) -> Reply:
    """The menu after a cancel or a list: on a call it says that 9 ends the call (§5.1)."""
    state.menu_end = True
    return ask(state, "menu", *lines)


def _menu(state: State, answer: str, ports: Ports) -> Reply:
    assert state.household_pk is not None
    choice = _key(state, answer)
    if choice == "1":
        return ask(state, "date")
    if choice == "2":
        return ask(state, "cancel_ref")
    if choice == "3":
        ports.text_my_bookings(household_pk=state.household_pk, language=state.language)
        return _menu_again(state, told(state, "bookings_sent"))
    if choice == "9" and state.channel == "voice":
        return finish(state, Line("goodbye"))
    if choice == "4":
        # A brother or sister: the birthdate picks the child, the verification already done serves.
        return ask(state, "birthdate", Line("sibling_which"))
    if choice == "5" and state.channel == "voice":
        # A seat offer's code (not read out: the offer names it), asked whether or not one stands.
        return ask(state, "offer_code")
    return trouble(state, ports)


def _offer_code(state: State, answer: str, ports: Ports) -> Reply:
    assert state.household_pk is not None
    code = answer.rstrip("#")
    if code.isdigit() and len(code) == 4 and ports.take_offer(household_pk=state.household_pk, code=code):
        # Booked: the confirmation goes to the number on file, as after `confirm` (§5.1).
        return ask(state, "next", Line("booked"))
    # Not this household's open offer (wrong, another's, lapsed, used, throttled): the words of any
    # unusable answer, so the line never says which (contract §5.1).
    return trouble(state, ports)


def _day(state: State, answer: str, ports: Ports) -> dt.date | None:
    digits = answer.rstrip("#")
    if digits.isdigit():
        return ports.day_from_keypad(digits)
    relative = relative_day(answer, today=ports.today())
    if relative is not None:
        return relative
    parsed = parse_sms_date(answer) or spoken_month_day(answer)  # 12月3日, 12/3, 令和8年12月3日, December 3rd
    alone = spoken_day_of_month(answer) if parsed is None else None  # the 3rd, 3日, 3号, 3일
    if alone is not None:
        parsed = next_day_of_month(alone, today=ports.today())
    if isinstance(parsed, tuple):
        return ports.day_from_keypad(f"{parsed[0]:02d}{parsed[1]:02d}")
    return parsed


def _date(state: State, answer: str, ports: Ports) -> Reply:
    day = _day(state, answer, ports)
    if day is None:
        return trouble(state, ports, Line("invalid_date"))
    return offer(state, day, ports)


def offer(state: State, day: dt.date, ports: Ports) -> Reply:
    """The units with room for this child that day, or why there are none."""
    assert state.child_id is not None
    state.day, state.options, state.full, state.facility_key, state.unit_id = "", [], [], None, None
    found = ports.options(child_id=state.child_id, day=day)
    if found in ([], "full"):
        # No room at all: with the ward's waiting list, straight to it (§5.1); a text lists the 8 lines.
        state.full = ports.full_units(child_id=state.child_id, day=day)
        if state.full:
            state.day = day.isoformat()
            return ask(state, "waitlist" if state.channel == "voice" else "options", Line("refusal.full_wait"))
    if isinstance(found, str):
        if found in _DAY_REFUSALS:
            return ask(state, "date", Line(_DAY_REFUSALS[found]))
        return ask(state, "date", _cannot_book(state, ports))
    if not found:
        return ask(state, "date", Line("refusal.full"))
    state.day, state.options = day.isoformat(), found
    state.full = ports.full_units(child_id=state.child_id, day=day)
    return ask(state, "facility" if state.channel == "voice" else "options")


def _cannot_book(state: State, ports: Ports) -> Line:
    return Line("cannot_book", {"hours": hours_words(ports.staff_hours(), state.language)})


def _facility(state: State, answer: str, ports: Ports) -> Reply:
    waiting = waitlist_flow.to_waitlist(state, answer)
    if waiting is not None:
        return waiting
    key = _key(state, answer)
    if key is None or not any(str(o.facility_key) == key for o in state.options):
        return trouble(state, ports)
    state.facility_key = int(key)
    return ask(state, "unit")


def _unit(state: State, answer: str, ports: Ports) -> Reply:
    waiting = waitlist_flow.to_waitlist(state, answer)
    if waiting is not None:
        return waiting
    key = _key(state, answer)
    chosen = next((o for o in state.options if o.facility_key == state.facility_key and str(o.unit_key) == key), None)
    if chosen is None:
        return trouble(state, ports)
    state.unit_id = chosen.unit_id
    return ask(state, "confirm")


def _option(state: State, answer: str, ports: Ports) -> Reply:
    key = _key(state, answer)
    chosen = next((o for o in state.options if o.sms_number == key), None)
    if chosen is None:
        return waitlist_flow.chosen_by_text(state, answer) or trouble(state, ports)
    state.facility_key, state.unit_id = chosen.facility_key, chosen.unit_id
    return ask(state, "confirm")


def _confirm(state: State, answer: str, ports: Ports) -> Reply:
    yes = _yes_no(state, answer)
    option, day = state.chosen_option(), state.chosen_day()
    if yes is None or option is None or day is None:
        return trouble(state, ports)
    if not yes:
        return ask(state, "date", Line("choose_again"))
    assert state.child_id is not None
    refusal = ports.book(child_id=state.child_id, unit_id=option.unit_id, day=day, language=state.language)
    state.options, state.facility_key, state.unit_id, state.day = [], None, None, ""
    if refusal is not None:
        # One sentence whatever the reason (the reason goes by SMS to the number on file), with when
        # staff answer: 0 reaches them from the next question.
        return ask(state, "date", _cannot_book(state, ports))
    # Booked: the booking number goes only by SMS to the number on file, never into the call.
    # A text thread shows the menu again (its 1 is "book another"); a call asks `next` (§5.1).
    return ask(state, "next" if state.channel == "voice" else "menu", told(state, "booked"))


def _next(state: State, answer: str, ports: Ports) -> Reply:
    key = _key(state, answer)
    if key == "1" or (state.channel == "sms" and parse_yes_no(answer)):
        return ask(state, "date")
    if key == "9" or (state.channel == "sms" and parse_yes_no(answer) is False):
        return finish(state, Line("goodbye"))
    if key == "4":
        return ask(state, "birthdate", Line("sibling_which"))
    return trouble(state, ports)


def _cancel_ref(state: State, answer: str, ports: Ports) -> Reply:
    number = _key(state, answer)
    if number is None or not number.isdigit() or not 6 <= len(number) <= 8:
        return trouble(state, ports, Line("invalid_booking_number"))
    # Whether the number is found is not said here: every number gets the same next question.
    state.sealed["booking_number"] = ports.seal("booking_number", number)
    return ask(state, "cancel_confirm")


def _cancel_confirm(state: State, answer: str, ports: Ports) -> Reply:
    yes = _yes_no(state, answer)
    if yes is None:
        return trouble(state, ports)
    token = state.sealed.pop("booking_number", "")
    number = ports.unseal("booking_number", token) if token else None
    if not yes:
        return _menu_again(state, Line("cancel_kept"))
    assert state.household_pk is not None
    if number:
        ports.cancel(household_pk=state.household_pk, booking_number=number, language=state.language)
    # One answer whatever happened: the result (done, or why not) goes by SMS to the number on file.
    return _menu_again(state, told(state, "cancel_requested"))


HANDLERS: dict[str, Handler] = {
    **waitlist_flow.HANDLERS, "menu": _menu, "date": _date, "facility": _facility, "unit": _unit, "options": _option,
    "confirm": _confirm, "next": _next, "cancel_ref": _cancel_ref, "cancel_confirm": _cancel_confirm,
    "offer_code": _offer_code,
}
