"""Operator settings (contract §1), read from the environment once, in the composition root."""
from __future__ import annotations

import datetime as dt
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import phonenumbers
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from azukari.clock import in_tokyo

DEMO_ACCOUNT_SID = "AC" + "0" * 31 + "1"
DEMO_AUTH_TOKEN = "azukari-demo-auth-token-not-secret"
DEMO_FROM = "+15005550006"
DEMO_SECRET_KEY = "azukari-demo-secret-key-not-secret"

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)-(mon|tue|wed|thu|fri|sat|sun)\s+"
                    r"([0-2]\d):([0-5]\d)-([0-2]\d):([0-5]\d)$")


_CLOCK = re.compile(r"^([0-2]\d):([0-5]\d)-([0-2]\d):([0-5]\d)$")


@dataclass(frozen=True)
class QuietHours:
    """`QUIET_HOURS` (§6): `HH:MM-HH:MM` Tokyo time, wrapping midnight when the end is the earlier time."""

    starts: dt.time
    ends: dt.time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        match = _CLOCK.match(text.strip())
        if not match or int(match[1]) > 23 or int(match[3]) > 23:
            raise ValueError(f"QUIET_HOURS must look like '21:00-08:00', not {text!r}")
        starts, ends = dt.time(int(match[1]), int(match[2])), dt.time(int(match[3]), int(match[4]))
        if starts == ends:
            raise ValueError(f"QUIET_HOURS must not start and end at the same time: {text!r}")
        return cls(starts, ends)

    def covers(self, moment: dt.datetime) -> bool:
        local = in_tokyo(moment).time()
        if self.starts < self.ends:
            return self.starts <= local < self.ends
        return local >= self.starts or local < self.ends

    def began(self, moment: dt.datetime) -> dt.datetime:
        """When the quiet hours covering `moment` began (Tokyo time); `moment` must be in them."""
        local = in_tokyo(moment)
        day = local.date() if local.time() >= self.starts else local.date() - dt.timedelta(days=1)
        return dt.datetime.combine(day, self.starts, tzinfo=local.tzinfo)

    def __str__(self) -> str:
        return f"{self.starts:%H:%M}-{self.ends:%H:%M}"


# Twilio's <Gather speechModel> per language (docs/twilio.md cites the pages): Google's v2 telephony
# model lists ja-JP, en-US and ko-KR; no Google telephony row for Mandarin was found, and Deepgram's
# Nova-3 (which Twilio exposes as deepgram_nova-3) lists zh-CN.
DEFAULT_SPEECH_MODELS = {"ja": "googlev2_telephony", "en": "googlev2_telephony", "zh": "deepgram_nova-3",
                         "ko": "googlev2_telephony"}
SPEECH_MODEL = re.compile(r"^(default|numbers_and_commands|phone_call|experimental_conversations|"
                          r"experimental_utterances|googlev2_[a-z_]+|deepgram_[a-z0-9.-]+)$")


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class StaffHours:
    """When a live transfer to staff is tried; days wrap (`fri-mon`), `24:00` ends a day."""

    first_day: int
    last_day: int
    opens: int   # minutes after midnight
    closes: int

    @classmethod
    def parse(cls, text: str) -> StaffHours:
        match = _HOURS.match(text.strip().lower())
        if not match:
            raise ValueError(f"STAFF_HOURS must look like 'mon-fri 08:30-17:15', not {text!r}")
        d1, d2, h1, m1, h2, m2 = match.groups()
        opens, closes = int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)
        if opens >= 24 * 60 or closes > 24 * 60 or opens >= closes:
            raise ValueError(f"STAFF_HOURS has an impossible time range: {text!r}")
        return cls(_WEEKDAYS.index(d1), _WEEKDAYS.index(d2), opens, closes)

    def covers(self, moment: dt.datetime) -> bool:
        local = in_tokyo(moment)
        day = local.weekday()
        in_days = (self.first_day <= day <= self.last_day if self.first_day <= self.last_day
                   else day >= self.first_day or day <= self.last_day)
        minute = local.hour * 60 + local.minute
        return in_days and self.opens <= minute < self.closes


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    database_url: str = Field(default_factory=lambda: f"sqlite:///{Path('var').resolve() / 'azukari.db'}")
    twilio_account_sid: str = DEMO_ACCOUNT_SID
    twilio_auth_token: str = DEMO_AUTH_TOKEN
    twilio_api_base_url: str = "https://api.twilio.com"
    twilio_from: str = DEMO_FROM
    public_base_url: str = "http://127.0.0.1:8000"
    staff_number: str = ""
    staff_hours: Annotated[StaffHours, NoDecode] = StaffHours.parse("mon-fri 08:30-17:15")
    # The service's own secret: seals call state, keys digests and the audit chain (never the Twilio token).
    azukari_secret_key: str = DEMO_SECRET_KEY
    metrics_token: str = ""
    log_format: Literal["text", "json"] = "text"
    twilio_voice_from: str = ""
    trusted_proxies: Annotated[tuple[IPNetwork, ...], NoDecode] = ()
    console_allow: Annotated[tuple[IPNetwork, ...], NoDecode] = (
        ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128"))
    # Not in the contract: how often the in-process outbox sender looks for work.
    outbox_poll_seconds: float = 0.5
    # Not in the contract: webhooks in flight per instance past which a new call hears "busy" (0: never).
    max_webhooks_in_flight: int = 60
    # Contract §1: parents can text TWILIO_FROM back (`yes`), or not (`no`: no text asks for a reply).
    sms_replies: bool = False
    # A second token whose webhook signatures are also accepted while the token is rotated (§5).
    twilio_auth_token_secondary: str = ""
    quiet_hours: Annotated[QuietHours, NoDecode] = QuietHours.parse("21:00-08:00")
    twilio_retention_days: int = Field(default=7, ge=0, le=3650)
    speech_model_ja: str = DEFAULT_SPEECH_MODELS["ja"]
    speech_model_en: str = DEFAULT_SPEECH_MODELS["en"]
    speech_model_zh: str = DEFAULT_SPEECH_MODELS["zh"]
    speech_model_ko: str = DEFAULT_SPEECH_MODELS["ko"]
    # Which SMS gateway the outbox sends through (docs/settings.md): `twilio` is the only one built.
    sms_provider: Literal["twilio"] = "twilio"

    @field_validator("quiet_hours", mode="before")
    @classmethod
    def _parse_quiet(cls, value: object) -> object:
        return QuietHours.parse(value) if isinstance(value, str) else value

    @field_validator("speech_model_ja", "speech_model_en", "speech_model_zh", "speech_model_ko")
    @classmethod
    def _speech_model(cls, value: str) -> str:
        if not SPEECH_MODEL.match(value):
            raise ValueError(f"not a Twilio <Gather speechModel> value: {value!r}")
        return value

    @property
    def speech_models(self) -> dict[str, str]:
        """The speech model each language is heard with, by language code."""
        return {"ja": self.speech_model_ja, "en": self.speech_model_en, "zh": self.speech_model_zh,
                "ko": self.speech_model_ko}

    @property
    def webhook_tokens(self) -> tuple[str, ...]:
        """The tokens a webhook may be signed with: the primary, then the secondary while one is set."""
        return (self.twilio_auth_token,) + ((self.twilio_auth_token_secondary,)
                                            if self.twilio_auth_token_secondary else ())

    @field_validator("trusted_proxies", "console_allow", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        try:
            return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip())
        except ValueError as error:
            raise ValueError(f"must be comma-separated CIDRs like 10.0.0.0/8: {error}") from None

    @field_validator("twilio_voice_from")
    @classmethod
    def _voice_from(cls, value: str) -> str:
        if value and not re.fullmatch(r"\+[1-9]\d{6,14}", value):
            raise ValueError("TWILIO_VOICE_FROM must be an E.164 number")
        return value

    @field_validator("staff_hours", mode="before")
    @classmethod
    def _parse_hours(cls, value: object) -> object:
        return StaffHours.parse(value) if isinstance(value, str) else value

    @field_validator("public_base_url", "twilio_api_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+$", value.rstrip("/")):
            raise ValueError(f"must be scheme://host[:port], not {value!r}")
        return value.rstrip("/")

    @field_validator("twilio_from")
    @classmethod
    def _sender(cls, value: str) -> str:
        if value.startswith("MG") or re.fullmatch(r"\+[1-9]\d{6,14}", value):
            return value
        raise ValueError("TWILIO_FROM must be an E.164 number or a Messaging Service SID (MG…)")

    @field_validator("staff_number")
    @classmethod
    def _staff_number(cls, value: str) -> str:
        if not value:
            return ""
        number = phonenumbers.parse(value, "JP")
        if not phonenumbers.is_possible_number(number):
            raise ValueError(f"STAFF_NUMBER is not a phone number: {value!r}")
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))

    @property
    def uses_messaging_service(self) -> bool:
        return self.twilio_from.startswith("MG")

    @property
    def is_demo_credentials(self) -> bool:
        return self.twilio_auth_token == DEMO_AUTH_TOKEN

    def demo_secrets(self) -> list[str]:
        """The variables still at the demo value written in this file (contract §1), by name."""
        pairs = (("TWILIO_AUTH_TOKEN", self.twilio_auth_token, DEMO_AUTH_TOKEN),
                 ("TWILIO_ACCOUNT_SID", self.twilio_account_sid, DEMO_ACCOUNT_SID),
                 ("AZUKARI_SECRET_KEY", self.azukari_secret_key, DEMO_SECRET_KEY))
        return [name for name, value, demo in pairs if value == demo]

    @property
    def public_url_is_loopback(self) -> bool:
        """PUBLIC_BASE_URL names this machine only: no one else can reach a service signed for it."""
        host = urlsplit(self.public_base_url).hostname or ""
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
