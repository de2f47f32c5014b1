"""Generated data for bench/calls.py: one open facility and households whose four facts are unique."""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

FACILITY_KEY = 1
_SURNAMES = (("佐藤", "サトウ"), ("鈴木", "スズキ"), ("田中", "タナカ"), ("伊藤", "イトウ"), ("渡辺", "ワタナベ"),
             ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"))
_CHILDREN = (("陽翔", "ハルト"), ("凛", "リン"), ("湊", "ミナト"), ("紬", "ツムギ"), ("蓮", "レン"), ("澪", "ミオ"))
_GUARDIANS = (("美咲", "ミサキ"), ("健太", "ケンタ"), ("彩", "アヤ"), ("直樹", "ナオキ"))


@dataclass(frozen=True)
class HouseholdSpec:
    household_id: str
    guardian_name: str
    guardian_kana: str
    phone: str
    address: str
    child_name: str
    child_kana: str
    birthdate: dt.date


def facilities_toml(*, capacity: int) -> str:
    # Open every day, holidays included, with room for every call: the bench measures webhooks,
    # not refusals.
    return f"""[booking]
horizon_days = 30
closed_on_public_holidays = false

[fees]
under_1 = 2000
from_1 = 1500

[[facility]]
key = {FACILITY_KEY}
name = "光が丘子ども家庭支援センター"
reading = "ひかりがおかこどもかていしえんせんたー"
capacity = {capacity}
infant_capacity = {min(2, capacity)}
closed_weekdays = []
units = [ {{ key = 1, start = "09:00", end = "12:00" }},
          {{ key = 2, start = "13:00", end = "16:00" }} ]
"""


def households(count: int, today: dt.date) -> list[HouseholdSpec]:
    specs = []
    for i in range(count):
        surname, surname_kana = _SURNAMES[i % len(_SURNAMES)]
        child, child_kana = _CHILDREN[i // len(_SURNAMES) % len(_CHILDREN)]
        guardian, guardian_kana = _GUARDIANS[i % len(_GUARDIANS)]
        specs.append(HouseholdSpec(
            household_id=f"{60_000_000 + i}", guardian_name=f"{surname} {guardian}",
            guardian_kana=f"{surname_kana} {guardian_kana}", phone=f"090-7{i // 10000:03d}-{i % 10000:04d}",
            address=f"東京都練馬区光が丘{1 + i % 7}丁目{1 + i // 7}番{1 + i % 5}号",
            child_name=f"{surname} {child}", child_kana=f"{surname_kana} {child_kana}",
            birthdate=today - dt.timedelta(days=800 + i)))  # 2 years and older: no infant cap
    return specs


def write_csv(specs: list[HouseholdSpec], path: Path, today: dt.date) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["household_id", "phone_pin", "guardian_name", "guardian_kana", "phone", "address",
                         "child_name", "child_kana", "child_birthdate", "child_sex", "registered_on", "dv_flag"])
        for s in specs:
            writer.writerow([s.household_id, "2468", s.guardian_name, s.guardian_kana, s.phone, s.address,
                             s.child_name, s.child_kana, s.birthdate.isoformat(), "",
                             (today - dt.timedelta(days=30)).isoformat(), "0"])
