"""Demo data for `azukari serve --demo`: five facilities and a few hundred made-up households.

One fixed household is there for a person to try the bot with:

    household ID  10000001          phone PIN  4821
    child         髙橋 陽翔 (タカハシ ハルト), born 2024-05-01 (keyed 20240501)
    guardian      髙橋 美咲 (タカハシ ミサキ)
    address       東京都練馬区光が丘二丁目3番1-204号
    phone         090-1234-5678

The other households are generated from a fixed seed (ages relative to `today`); their PINs are
drawn from DEMO_PINS. Every name, address and number is invented.
"""
from __future__ import annotations

import datetime as dt
import random
from importlib import resources
from typing import Literal

from sqlalchemy import Engine, exists, inspect, select, text
from sqlalchemy.orm import Session

from azukari.booking.facilities_file import import_facilities
from azukari.booking.models import Facility
from azukari.households.models import Child, DemoMark, Household, WebAccess
from azukari.households.phone import to_e164
from azukari.households.pins import hash_pin

DEMO_HOUSEHOLD_ID = "10000001"
DEMO_PIN = "4821"
# The demo household's first web password (contract §8), published like its PIN; the first sign-in changes it.
DEMO_WEB_PASSWORD = "hikari-demo-2026"
DEMO_PINS = ("2580", "3691", "4826", "5173", "6049", "7315", "8402", "9167")
GENERATED_HOUSEHOLDS = 300
_SEED = 20260401

_SURNAMES = (("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"), ("伊藤", "イトウ"),
             ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"),
             ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"), ("山口", "ヤマグチ"),
             ("松本", "マツモト"), ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"),
             ("清水", "シミズ"), ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"),
             ("阿部", "アベ"), ("石川", "イシカワ"), ("前田", "マエダ"), ("藤田", "フジタ"), ("小川", "オガワ"),
             ("岡田", "オカダ"), ("後藤", "ゴトウ"), ("長谷川", "ハセガワ"), ("村上", "ムラカミ"),
             ("近藤", "コンドウ"), ("石井", "イシイ"), ("坂本", "サカモト"), ("遠藤", "エンドウ"), ("青木", "アオキ"))
_BOYS = (("陽翔", "ハルト"), ("蓮", "レン"), ("湊", "ミナト"), ("蒼", "アオイ"), ("樹", "イツキ"), ("悠真", "ユウマ"),
         ("大翔", "ヒロト"), ("陽向", "ヒナタ"), ("律", "リツ"), ("朝陽", "アサヒ"), ("颯真", "ソウマ"),
         ("奏太", "カナタ"), ("悠人", "ユウト"), ("結翔", "ユイト"))
_GIRLS = (("陽葵", "ヒマリ"), ("凛", "リン"), ("詩", "ウタ"), ("結菜", "ユイナ"), ("芽依", "メイ"), ("紬", "ツムギ"),
          ("澪", "ミオ"), ("結衣", "ユイ"), ("杏", "アン"), ("咲良", "サクラ"), ("莉子", "リコ"), ("葵", "アオイ"),
          ("さくら", "サクラ"), ("心春", "コハル"))
_MOTHERS = (("美咲", "ミサキ"), ("彩", "アヤ"), ("愛", "アイ"), ("麻衣", "マイ"), ("恵", "メグミ"), ("沙織", "サオリ"),
            ("千尋", "チヒロ"), ("優子", "ユウコ"), ("香織", "カオリ"), ("奈々", "ナナ"), ("明日香", "アスカ"))
_FATHERS = (("翔太", "ショウタ"), ("大輔", "ダイスケ"), ("拓也", "タクヤ"), ("健太", "ケンタ"), ("直樹", "ナオキ"),
            ("和也", "カズヤ"), ("亮", "リョウ"), ("達也", "タツヤ"), ("誠", "マコト"))
# Town names of the ward with how many 丁目 each has.
_TOWNS = (("光が丘", 7), ("関町北", 5), ("関町南", 4), ("大泉町", 6), ("大泉学園町", 9), ("石神井町", 8),
          ("石神井台", 8), ("練馬", 4), ("豊玉北", 6), ("桜台", 6), ("貫井", 5), ("富士見台", 4), ("高野台", 5),
          ("南大泉", 6), ("西大泉", 6), ("北町", 8), ("平和台", 4), ("早宮", 4), ("春日町", 6), ("田柄", 5),
          ("谷原", 6), ("東大泉", 7), ("上石神井", 4), ("下石神井", 6))
_KANJI_DIGITS = "〇一二三四五六七八九"


def what_database(engine: Engine) -> Literal["new", "demo", "other"]:
    """Before anything touches it: a database with no tables, one made as a demo, or anything else.

    Read without migrating, so that a database the terminal refuses is left exactly as it was.
    """
    tables = set(inspect(engine).get_table_names())
    if not tables:
        return "new"
    if DemoMark.__tablename__ not in tables:
        return "other"
    with engine.connect() as connection:
        marked = connection.execute(text(f"SELECT 1 FROM {DemoMark.__tablename__} LIMIT 1")).first()
    return "demo" if marked else "other"


def is_demo(session: Session) -> bool:
    return bool(session.scalar(select(exists().where(DemoMark.id.isnot(None)))))


def load_demo(session: Session, *, today: dt.date) -> str:
    """Demo facilities and households, only into a database with neither; "" when not empty.

    Loading marks the database as a demo (`DemoMark`): the terminal's in-process phone adds to no other.
    """
    if session.scalar(select(exists().where(Facility.id.isnot(None)))) or \
            session.scalar(select(exists().where(Household.id.isnot(None)))):
        return ""
    if not is_demo(session):
        session.add(DemoMark())
    with resources.as_file(resources.files("azukari.registration") / "demo" / "facilities.toml") as path:
        facilities = import_facilities(session, path)
    # One argon2 hash per distinct PIN: hashing 300 PINs one by one would take tens of seconds.
    hashes = {pin: hash_pin(pin) for pin in (DEMO_PIN, *DEMO_PINS)}
    households = [_fixed_household(today, hashes[DEMO_PIN])]
    rng = random.Random(_SEED)
    used_ids = {DEMO_HOUSEHOLD_ID}
    while len(households) < GENERATED_HOUSEHOLDS + 1:
        household_id = str(rng.randrange(10_000_002, 99_999_999))
        if household_id not in used_ids:
            used_ids.add(household_id)
            households.append(_generated(rng, household_id, today, hashes[rng.choice(DEMO_PINS)]))
    session.add_all(households)
    session.flush()
    session.add(WebAccess(household_pk=households[0].id, password_hash=hash_pin(DEMO_WEB_PASSWORD), must_change=True,
                          enabled=True))
    session.flush()
    children = sum(len(h.children) for h in households)
    return f"demo: {facilities}; {len(households)} households, {children} children (try household {DEMO_HOUSEHOLD_ID})"


def made_up_households(count: int, *, today: dt.date, seed: int = _SEED) -> list[Household]:
    """`count` invented households made as the demo's are, unsaved and without a PIN hash (benchmarks)."""
    rng = random.Random(seed)
    households: dict[str, Household] = {}
    while len(households) < count:
        household_id = str(rng.randrange(10_000_002, 99_999_999))
        if household_id not in households:
            households[household_id] = _generated(rng, household_id, today, "")
    return list(households.values())


def _fixed_household(today: dt.date, pin_hash: str) -> Household:
    return Household(household_id=DEMO_HOUSEHOLD_ID, pin_hash=pin_hash, guardian_name="髙橋 美咲",
                     guardian_kana="タカハシ ミサキ", phone=to_e164("090-1234-5678"),
                     address="東京都練馬区光が丘二丁目3番1-204号", registered_on=today - dt.timedelta(days=30),
                     dv_flag=False,
                     children=[Child(name="髙橋 陽翔", kana="タカハシ ハルト", birthdate=dt.date(2024, 5, 1), sex="M")])


def _generated(rng: random.Random, household_id: str, today: dt.date, pin_hash: str) -> Household:
    surname, surname_kana = rng.choice(_SURNAMES)
    given, given_kana = rng.choice(_MOTHERS if rng.random() < 0.8 else _FATHERS)
    children = [_child(rng, surname, surname_kana, today)]
    if rng.random() < 0.12:
        sibling = _child(rng, surname, surname_kana, today)
        if sibling.kana != children[0].kana:  # two children with one name would confuse verification
            children.append(sibling)
    youngest = max(child.birthdate for child in children)
    # Registered within the last year (so still valid), and not before the youngest child was born.
    registered_on = max(today - dt.timedelta(days=rng.randrange(0, 360)), youngest + dt.timedelta(days=7))
    return Household(household_id=household_id, pin_hash=pin_hash, guardian_name=f"{surname} {given}",
                     guardian_kana=f"{surname_kana} {given_kana}", phone=_mobile(rng), address=_address(rng),
                     registered_on=min(registered_on, today), dv_flag=rng.random() < 0.03, children=children)


def _child(rng: random.Random, surname: str, surname_kana: str, today: dt.date) -> Child:
    sex = rng.choice("MF")
    given, kana = rng.choice(_BOYS if sex == "M" else _GIRLS)
    # From two months to just under six years old.
    birthdate = today - dt.timedelta(days=rng.randrange(60, 6 * 365 - 5))
    return Child(name=f"{surname} {given}", kana=f"{surname_kana} {kana}", birthdate=birthdate, sex=sex)


def _mobile(rng: random.Random) -> str:
    # Mobile numbers need a non-zero digit after 080/090; the rest is random, never a run like 1234.
    return to_e164(f"0{rng.choice('89')}0{rng.randrange(1, 10)}{rng.randrange(10_000_000):07d}")


def _address(rng: random.Random) -> str:
    town, chome = rng.choice(_TOWNS)
    room = f"-{rng.randrange(1, 6)}0{rng.randrange(1, 9)}" if rng.random() < 0.4 else ""
    return (f"東京都練馬区{town}{_KANJI_DIGITS[rng.randrange(1, chome + 1)]}丁目"
            f"{rng.randrange(1, 30)}番{rng.randrange(1, 25)}{room}号")
