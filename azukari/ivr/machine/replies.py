"""What the conversation answers, channel-neutral: `voice.py` renders it as TwiML, `sms.py` as text."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from azukari.language import Language

# Contract §5.1: the key a caller presses for each language at the `language` step, in menu order.
LANGUAGE_KEYS: dict[str, Language] = {"1": "ja", "2": "en", "3": "zh", "4": "ko"}
Channel = Literal["voice", "sms"]


@dataclass(frozen=True)
class Line:
    """One catalogue message (see `ivr/prompts/`) with its parameters."""

    key: str
    params: dict[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    """One option offered: voice reads it as 'press N'; SMS writes one line starting with N."""

    number: str
    line: Line


@dataclass(frozen=True)
class Ask:
    """The next question. `step` is a contract §5.1 voice step name (also used for SMS state)."""

    step: str
    # "speech": words, or one key (0, * or #); "dtmf speech": digits or words (a date, a birthdate).
    input: Literal["dtmf", "speech", "dtmf speech"] = "dtmf"
    num_digits: int | None = None
    finish_on_key: str | None = None
    hints: tuple[str, ...] = ()
    prompt: str = ""   # the catalogue key of the question, when it is not `ask.<step>`

    @property
    def question_key(self) -> str:
        return self.prompt or f"ask.{self.step}"


@dataclass(frozen=True)
class Reply:
    """Say/write `lines`, list `choices`, then ask `ask` — or transfer to staff, or end."""

    language: Language
    lines: tuple[Line, ...] = ()
    choices: tuple[Choice, ...] = ()
    ask: Ask | None = None
    transfer: bool = False  # to staff: voice dials STAFF_NUMBER within STAFF_HOURS, else says goodbye
    end: bool = False
    slow: bool = False      # said slowly, with longer waits (the caller pressed #)
