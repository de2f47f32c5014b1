"""Each step's question: how it is gathered, and what is offered, rebuilt from the state alone."""
from __future__ import annotations

import dataclasses

from azukari.ivr.machine.replies import Ask, Choice, Line, Reply
from azukari.ivr.machine.spoken import common_suffix, day_words, facility_words, fee_words, time_words
from azukari.ivr.machine.state import State

# Recognition hints always given for an address: the words of one and the demo ward's towns (the
# registry's own towns are added per call, see hints.py).
ADDRESS_HINTS = ("東京都", "練馬区", "丁目", "番", "号", "旭丘", "旭町", "大泉学園町", "大泉町", "春日町",
                 "上石神井", "北町", "小竹町", "桜台", "石神井台", "石神井町", "下石神井", "関町北", "関町東",
                 "関町南", "高野台", "高松", "田柄", "立野町", "土支田", "豊玉上", "豊玉中", "豊玉南", "豊玉北",
                 "中村北", "中村南", "西大泉", "練馬", "貫井", "錦", "羽沢", "早宮", "光が丘", "氷川台",
                 "東大泉", "富士見台", "平和台", "南大泉", "南田中", "向山", "谷原")

# Keys with a meaning at every voice step (contract §5.1 and issue 10): 0 staff, * again, # slower.
STAFF_KEY, REPEAT_KEY, SLOWER_KEY = "0", "*", "#"

_ASKS: dict[str, Ask] = {
    "language": Ask("language", num_digits=1),
    "id_choice": Ask("id_choice", num_digits=1),
    "household_id": Ask("household_id", finish_on_key="#"),
    "pin": Ask("pin", finish_on_key="#"),
    "child_name": Ask("child_name", input="speech", num_digits=1),
    # Eight digits end the answer by themselves; spoken dates are understood too (parsing.py).
    "birthdate": Ask("birthdate", input="dtmf speech", num_digits=8),
    "address": Ask("address", input="speech", num_digits=1),  # hints from the registry: ports.speech_hints
    "guardian_name": Ask("guardian_name", input="speech", num_digits=1),
    "menu": Ask("menu", num_digits=1),
    # MMDD or YYYYMMDD with no #: eight digits end it at once, four end it at the short pause (voice.py).
    "date": Ask("date", input="dtmf speech", num_digits=8),
    "facility": Ask("facility", num_digits=1),
    "unit": Ask("unit", num_digits=1),
    "options": Ask("options"),
    "confirm": Ask("confirm", num_digits=1),
    "next": Ask("next", num_digits=1),
    "cancel_ref": Ask("cancel_ref", finish_on_key="#"),
    "cancel_confirm": Ask("cancel_confirm", num_digits=1),
    "waitlist": Ask("waitlist", num_digits=2),
    "waitlist_confirm": Ask("waitlist_confirm", num_digits=1),
    # Menu 5 (not read out: the offer names it): the 4-digit code of a seat offer (contract §5.1).
    "offer_code": Ask("offer_code", num_digits=4),
}
STEPS = frozenset(_ASKS)
POUND_ENDED = frozenset(step for step, spec in _ASKS.items() if spec.finish_on_key == "#")
SPEECH_ONLY = frozenset(step for step, spec in _ASKS.items() if spec.input == "speech")


def _facility_choices(state: State) -> tuple[Choice, ...]:
    seen: dict[int, Choice] = {}
    full = state.channel == "voice" and _suffix(state) is None
    for option in state.options:
        label = facility_words(option, state.language, state.channel,
                               full=full and option.facility_key not in state.named)
        seen.setdefault(option.facility_key,
                        Choice(str(option.facility_key), Line("choice.facility", {"label": label})))
    return tuple(seen.values())


def _suffix(state: State) -> str | None:
    """The reading every offered facility ends with (こどもかていしえんせんたー), said once before their short names.

    One sentence names each facility in full without repeating the common part five times.
    """
    if state.language != "ja" or not state.options:
        return None
    found = {common_suffix(o) for o in state.options}
    suffix = found.pop() if len(found) == 1 else None
    return suffix or None


def _unit_choices(state: State) -> tuple[Choice, ...]:
    return tuple(Choice(str(o.unit_key), Line("choice.unit", {
        "label": time_words(o.starts, o.ends, state.language, state.channel)}))
        for o in state.options if o.facility_key == state.facility_key)


def _option_choices(state: State) -> tuple[Choice, ...]:
    free = tuple(Choice(o.sms_number, Line("choice.option", {
        "facility": facility_words(o, state.language, state.channel), "starts": o.starts, "ends": o.ends}))
        for o in state.options)
    # Contract §5.2: the full units after the free ones, each line `8FU … キャンセル待ち`.
    return free + tuple(Choice(f"8{o.sms_number}", Line("choice.full_option", {
        "facility": facility_words(o, state.language, state.channel), "starts": o.starts, "ends": o.ends}))
        for o in state.full)


def _waitlist_choices(state: State) -> tuple[Choice, ...]:
    # The question itself says that 9 picks another day.
    return tuple(Choice(o.sms_number, Line("choice.full", {
        "facility": facility_words(o, state.language, state.channel),
        "time": time_words(o.starts, o.ends, state.language, state.channel)})) for o in state.full)


def _wait_choice(state: State) -> tuple[Choice, ...]:
    return (Choice("8", Line("choice.wait")),) if state.full else ()


def _content(state: State) -> tuple[tuple[Line, ...], tuple[Choice, ...]]:
    """The lines and choices that belong to the question itself (repeated by `*` and re-asks)."""
    day = state.chosen_day()
    heading = (Line("day_heading", {"date": day_words(day, state.language, state.channel)}),) if day else ()
    if state.step == "facility":
        choices = _facility_choices(state)
        suffix = _suffix(state) if state.channel == "voice" else None
        if suffix is not None and any(o.facility_key not in state.named for o in state.options):
            # One sentence: the day, the facilities' common kind, and the question (`ask.facility_grouped`).
            heading = (Line("facility_group", {"suffix": suffix, "date": day_words(day, state.language,
                                                                                     state.channel) if day else ""}),)
        state.named = sorted({*state.named, *(o.facility_key for o in state.options)})
        return heading, choices + _wait_choice(state)
    if state.step == "unit":
        chosen = next((o for o in state.options if o.facility_key == state.facility_key), None)
        where = facility_words(chosen, state.language, state.channel) if chosen else ""
        return (Line("unit_heading", {"facility": where}),), _unit_choices(state) + _wait_choice(state)
    if state.step == "options":
        return heading, _option_choices(state)
    if state.step == "waitlist":
        return (Line("waitlist_heading"),), _waitlist_choices(state)
    full = state.chosen_full()
    if state.step == "waitlist_confirm" and day is not None and full is not None:
        return (Line("waitlist_summary", {
            "date": day_words(day, state.language, state.channel),
            "time": time_words(full.starts, full.ends, state.language, state.channel),
            "facility": facility_words(full, state.language, state.channel)}),), ()
    option = state.chosen_option()
    if state.step == "confirm" and day is not None and option is not None:
        return (Line("confirm_summary", {
            "date": day_words(day, state.language, state.channel),
            "time": time_words(option.starts, option.ends, state.language, state.channel),
            "facility": facility_words(option, state.language, state.channel),
            "fee": fee_words(option.fee, state.language)}),), ()
    return (), ()


def _voice_variant(state: State, spec: Ask) -> Ask:
    """A call's menu and `next` name the siblings choice only for a household with two or more children, and
    the menu after a cancel or a list says that 9 ends the call; a household whose number takes no SMS hears
    where its booking number is without a word of SMS."""
    if state.step in ("menu", "next"):
        key = f"ask.{state.step}" + ("" if state.children > 1 else "_one") + \
            ("_end" if state.step == "menu" and state.menu_end else "")
        return dataclasses.replace(spec, prompt=key)
    if state.step == "cancel_ref" and state.by_call:
        return dataclasses.replace(spec, prompt="ask.cancel_ref_call")
    return spec


def _gather(state: State) -> Ask:
    spec = _ASKS[state.step]
    if state.channel == "voice":
        spec = _voice_variant(state, spec)
    if state.channel == "sms" and state.step == "menu":
        # The menu is written out once; after that a one-line question, and メニュー brings it back.
        # Its siblings line only for a household with two or more children, as a call's menu (§5.1).
        shown, state.menu_shown = state.menu_shown, True
        if shown:
            return dataclasses.replace(spec, prompt="menu_again")
        return spec if state.children > 1 else dataclasses.replace(spec, prompt="ask.menu_one")
    if spec.num_digits is None or state.step not in ("facility", "unit"):
        return spec
    # Keys are digits a caller presses; a facility numbered 10 or more needs more than one.
    keys = [c.number for c in (_facility_choices(state) if state.step == "facility" else _unit_choices(state))]
    width = max((len(k) for k in keys), default=1)
    return spec if width == 1 else Ask(spec.step, finish_on_key="#")


def ask(state: State, step: str, *preface: Line) -> Reply:
    """Open a new question: its counters start again."""
    state.step, state.silences, state.wrong = step, 0, 0
    return reask(state, *preface)


def reask(state: State, *preface: Line) -> Reply:
    """The open question again (after `*`, `#`, silence or an unusable answer)."""
    lines, choices = _content(state)
    question = _gather(state)
    if any(line.key == "facility_group" for line in lines):
        question = dataclasses.replace(question, prompt="ask.facility_grouped")  # the heading asks it
    return Reply(state.language, lines=(*preface, *lines), choices=choices, ask=question, slow=state.slow)


def finish(state: State, *lines: Line) -> Reply:
    """Say the lines and end the conversation."""
    state.ended = True
    state.step = ""
    return Reply(state.language, lines=lines, end=True, slow=state.slow)
