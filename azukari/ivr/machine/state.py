"""The conversation's state and inputs: plain values that round-trip through JSON in the database."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from azukari.ivr.machine.replies import LANGUAGE_KEYS, Channel
from azukari.language import Language


@dataclass(frozen=True)
class Option:
    """A unit with room for this child on the chosen day: public facts only, never a booking.

    Its own dataclass, not booking's: this is the schema of stored call state, and it changes only
    with a thought for the conversations stored under the old one.
    """

    unit_id: int
    facility_key: int
    facility_name: str
    facility_reading: str
    unit_key: int
    starts: str
    ends: str
    fee: int
    short_name: str = ""   # what prompts say after the first mention (contract §4); "" when none
    name_en: str = ""      # the name in Latin letters: `name_en`, else the romanised reading

    @property
    def sms_number(self) -> str:
        # Contract §5.2: facility key then unit key, `11 光が丘… 09:00-12:00`.
        return f"{self.facility_key}{self.unit_key}"


@dataclass(frozen=True)
class Verdict:
    """A verified caller: which household and child the conversation may act for."""

    household_pk: int
    child_id: int
    dv: bool
    children: int = 1      # the household's children: the siblings choice is said only where there are two or more
    by_call: bool = False  # the number on file cannot take SMS: what the household is sent goes by call


@dataclass(frozen=True)
class Refusal:
    """A refused verification, as staff are to see it: the caller hears what `0` gets, whichever it was.

    `kind` is the staff case (failed facts, throttled, a DV-flagged household's attempt); `household_pk`
    is set only for a DV-flagged household, whose case then carries the DV banner.
    """

    kind: str
    household_pk: int | None = None
    dv: bool = False
    household_locked: bool = False  # a DV-flagged household reached its failure limit with this attempt


@dataclass
class State:
    """Ids, grades and choices only. Anything a caller said stays sealed (see `sealing.py`) or is dropped."""

    channel: Channel
    language: Language = "ja"
    step: str = ""           # the question now open ("" before the first answer)
    turn: int = 0            # bumped on every answer; voice puts it in each Gather action
    silences: int = 0        # consecutive no-inputs at the open question
    wrong: int = 0           # consecutive unusable inputs at the open question
    failures: int = 0        # failed verifications in this conversation
    path: str = ""           # "id" | "knowledge"
    sealed: dict[str, str] = field(default_factory=dict)   # purpose -> AES-GCM token
    child_grades: dict[str, str] = field(default_factory=dict)   # child id -> match|near|fail
    address_grades: dict[str, str] = field(default_factory=dict)
    guardian_grades: dict[str, str] = field(default_factory=dict)
    household_pk: int | None = None
    child_id: int | None = None
    day: str = ""            # ISO date being booked
    options: list[Option] = field(default_factory=list)
    full: list[Option] = field(default_factory=list)  # units of that day to wait for (the waiting list)
    facility_key: int | None = None
    unit_id: int | None = None
    dv: bool = False         # a transferred DV household: its call-back case is marked DV too
    staff_accepted: bool = False  # staff pressed 1 at the whisper: the transfer was answered
    ended: bool = False
    slow: bool = False       # the caller pressed # ("slower, please"): slow speech, longer waits from now on
    named: list[int] = field(default_factory=list)  # facility keys already named in full in this call
    menu_shown: bool = False  # SMS: the menu is written out once, then only on メニュー
    children: int = 1        # the verified household's children (`Verdict.children`)
    by_call: bool = False    # the verified household's number takes no SMS: its messages go by call
    menu_end: bool = False   # voice: the menu says that 9 ends the call (after a cancel or a list)

    def to_json(self) -> dict[str, Any]:
        # `dataclasses.asdict` by hand: it deep-copies every value, a cost paid on every webhook.
        data = {name: getattr(self, name) for name in _FIELDS}
        for name in _MAPPINGS:
            data[name] = dict(data[name])
        data["named"] = list(self.named)
        data["options"] = [dict(vars(o)) for o in self.options]
        data["full"] = [dict(vars(o)) for o in self.full]
        return data

    def copy(self) -> State:
        """An independent copy, as `copy.deepcopy` would give: containers copied, options (frozen) shared."""
        return dataclasses.replace(self, sealed=dict(self.sealed), child_grades=dict(self.child_grades),
                                   address_grades=dict(self.address_grades),
                                   guardian_grades=dict(self.guardian_grades), options=list(self.options),
                                   full=list(self.full), named=list(self.named))

    @classmethod
    def from_json(cls, data: dict[str, Any], *, channel: Channel) -> State:
        """The stored state, or a fresh one if what is stored is not a state we understand."""
        try:
            values = {k: v for k, v in data.items() if k in _FIELDS}
            values["options"] = [Option(**o) for o in values.get("options", [])]
            values["full"] = [Option(**o) for o in values.get("full", [])]
            values["channel"] = channel
            state = cls(**values)
        except (TypeError, ValueError):
            return cls(channel=channel)
        return state if state._well_typed() else cls(channel=channel)

    def _well_typed(self) -> bool:
        counters = (self.turn, self.silences, self.wrong, self.failures)
        ids = (self.household_pk, self.child_id, self.facility_key, self.unit_id)
        return (all(type(n) is int for n in counters) and all(i is None or type(i) is int for i in ids)
                and type(self.slow) is bool and type(self.menu_shown) is bool and type(self.children) is int
                and type(self.by_call) is bool and type(self.menu_end) is bool
                and isinstance(self.named, list) and all(type(k) is int for k in self.named)
                and self.language in LANGUAGE_KEYS.values() and isinstance(self.step, str) and isinstance(self.day, str)
                and all(isinstance(d, dict) for d in (self.sealed, self.child_grades, self.address_grades,
                                                       self.guardian_grades)))

    @property
    def verified(self) -> bool:
        return self.household_pk is not None and self.child_id is not None

    def chosen_day(self) -> dt.date | None:
        return dt.date.fromisoformat(self.day) if self.day else None

    def chosen_option(self) -> Option | None:
        return next((o for o in self.options if o.unit_id == self.unit_id), None)

    def chosen_full(self) -> Option | None:
        """The full unit chosen to wait for (`waitlist_confirm`)."""
        return next((o for o in self.full if o.unit_id == self.unit_id), None)

    def forget_verification_inputs(self) -> None:
        """Once verification is decided nothing said on the way is kept, not even sealed."""
        self.sealed.pop("child_name", None)
        self.sealed.pop("household_id", None)
        self.sealed.pop("pin", None)
        self.child_grades, self.address_grades, self.guardian_grades = {}, {}, {}


_FIELDS = frozenset(f.name for f in dataclasses.fields(State))
_MAPPINGS = ("sealed", "child_grades", "address_grades", "guardian_grades")


@dataclass(frozen=True)
class Event:
    """One answer: keypad digits, recognised speech or an SMS body, or silence (voice only)."""

    step: str = ""           # the voice step the webhook answers; "" for SMS and for a new call
    digits: str | None = None
    speech: str | None = None
    text: str | None = None  # an SMS body
    silence: bool = False
