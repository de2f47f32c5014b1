"""Foreign residents in the corpus: residence-card names, Chinese and Korean families, Japanese families in romaji.

Households are added after the Japanese ones with their own seed, so the Japanese corpus stays as it was.
Kinds are named `<group>:<kind>`; genuine ones start with "genuine".
"""
from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator
from dataclasses import replace

import opencc
import pykakasi
from identity_corpus import (
    ADULT_NAMES,
    CHILD_NAMES,
    TOWNS,
    Attempt,
    ChildRecord,
    HouseholdRecord,
    registered_address,
)
from identity_corpus_places import TOWN_ROMAJI, address_by, chinese_address, korean_address, romaji_address

Word = tuple[str, str]  # card spelling, katakana
CARD_FAMILIES: list[list[Word]] = [
    [("NGUYEN", "グエン")], [("TRAN", "チャン")], [("PHAM", "ファム")], [("HOANG", "ホアン")],
    [("GARCIA", "ガルシア")], [("SANTOS", "サントス")], [("DELA", "デラ"), ("CRUZ", "クルス")], [("REYES", "レイエス")],
    [("GURUNG", "グルン")], [("SHRESTHA", "シュレスタ")], [("TAMANG", "タマン")], [("SMITH", "スミス")]]
CARD_ADULTS: list[list[Word]] = [
    [("THI", "ティ"), ("LAN", "ラン")], [("THI", "ティ"), ("HOA", "ホア")], [("VAN", "ヴァン"), ("NAM", "ナム")],
    [("VAN", "ヴァン"), ("HUNG", "フン")], [("MARIA", "マリア")], [("JOSE", "ホセ")], [("SITA", "シタ")],
    [("RAM", "ラム")], [("ANNA", "アンナ")], [("JOHN", "ジョン")], [("MARIA", "マリア"), ("CLARA", "クララ")]]
CARD_CHILDREN: list[list[Word]] = [
    [("MINH", "ミン"), ("ANH", "アイン")], [("MINH", "ミン"), ("KHOA", "コア")], [("BAO", "バオ"), ("NGOC", "ゴック")],
    [("GIA", "ザー"), ("HUY", "フイ")], [("SOFIA", "ソフィア")], [("LUCAS", "ルーカス")], [("ANISHA", "アニシャ")],
    [("BIKASH", "ビカス")], [("EMMA", "エマ")], [("NOAH", "ノア")], [("JUAN", "フアン"), ("MIGUEL", "ミゲル")],
    [("THI", "ティ"), ("MAI", "マイ")]]
# Chinese families: the name on file in Japanese forms, the reading as the family wrote it.
CHINESE_FAMILIES = [("王", "ワン"), ("李", "リ"), ("張", "チャン"), ("劉", "リュウ"), ("陳", "チン"), ("楊", "ヤン")]
CHINESE_ADULTS = [("偉", "ウェイ"), ("芳", "ファン"), ("秀英", "シュウエイ"), ("強", "チャン"), ("麗", "リー"),
                  ("軍", "ジュン")]
CHINESE_CHILDREN = [("浩然", "ハオラン"), ("欣怡", "シンイー"), ("沢宇", "ザーユー"), ("子涵", "ズーハン"),
                    ("暁明", "シャオミン"), ("雨桐", "ユートン"), ("宇軒", "ユーシュエン"), ("梓萱", "ズーシュエン")]
# What a Mandarin recogniser may write instead: the same sound in other, commoner characters.
CHINESE_HOMOPHONES = {"浩然": "昊然", "欣怡": "心怡", "沢宇": "泽雨", "子涵": "紫涵", "暁明": "小明", "雨桐": "语桐",
                      "宇軒": "雨轩", "梓萱": "子萱"}
# Korean families: hanja on file, the Korean sound in katakana as Japanese forms write it, and the Hangul.
KOREAN_FAMILIES = [("金", "キム", "김"), ("李", "イ", "이"), ("朴", "パク", "박"), ("崔", "チェ", "최"),
                   ("鄭", "チョン", "정"), ("姜", "カン", "강")]
KOREAN_ADULTS = [("敏浩", "ミンホ", "민호"), ("秀賢", "スヒョン", "수현"), ("英姫", "ヨンヒ", "영희"),
                 ("成勳", "ソンフン", "성훈"), ("智恩", "ジウン", "지은")]
KOREAN_CHILDREN = [("敏俊", "ミンジュン", "민준"), ("書妍", "ソヨン", "서연"), ("志勳", "ジフン", "지훈"),
                   ("瑞俊", "ソジュン", "서준"), ("河恩", "ハウン", "하은"), ("度允", "ドユン", "도윤"),
                   ("敏在", "ミンジェ", "민재"), ("智友", "ジウ", "지우")]


def _card(words: list[Word]) -> tuple[str, str]:
    return " ".join(w for w, _ in words), " ".join(k for _, k in words)


def foreign_registry(first_id: int, first_child: int, households: int = 240, seed: int = 11) -> list[HouseholdRecord]:
    """A quarter each: card names, Chinese, Korean; the Korean ones filed under the Korean sound."""
    rng = random.Random(seed)
    out: list[HouseholdRecord] = []
    child_id = first_child
    for n in range(households):
        group = ("card", "chinese", "korean")[n % 3]
        if group == "card":
            family = rng.choice(CARD_FAMILIES)
            guardian = _card(family + rng.choice(CARD_ADULTS))
            kids = [_card(family + g) for g in rng.sample(CARD_CHILDREN, rng.choice([1, 2, 2]))]
        elif group == "chinese":
            (f, fk), (g, gk) = rng.choice(CHINESE_FAMILIES), rng.choice(CHINESE_ADULTS)
            guardian = (f"{f} {g}", f"{fk} {gk}")
            kids = [(f"{f} {c}", f"{fk} {ck}") for c, ck in rng.sample(CHINESE_CHILDREN, rng.choice([1, 2, 2]))]
        else:
            (f, fk, _), (g, gk, _) = rng.choice(KOREAN_FAMILIES), rng.choice(KOREAN_ADULTS)
            guardian = (f"{f} {g}", f"{fk} {gk}")
            kids = [(f"{f} {c}", f"{fk} {ck}") for c, ck, _ in rng.sample(KOREAN_CHILDREN, rng.choice([1, 2, 2]))]
        town = rng.choice(TOWNS)
        numbers = (rng.randint(1, 9), rng.randint(1, 30), rng.randint(1, 20), rng.choice([None, rng.randint(101, 905)]))
        household = HouseholdRecord(first_id + n, *guardian, registered_address(town, numbers), numbers, town)
        for name, kana in kids:
            child_id += 1
            household.children.append(ChildRecord(child_id, name, kana,
                                                  dt.date(2021, 4, 1) + dt.timedelta(days=rng.randrange(3 * 365))))
        out.append(household)
    return out


def group_of(h: HouseholdRecord) -> str:
    if h.guardian_name.isascii():
        return "card"
    family = h.guardian_name.split()[0]
    return "korean" if any(f == family and k == h.guardian_kana.split()[0] for f, k, _ in KOREAN_FAMILIES) \
        else "chinese"


_to_simplified = (opencc.OpenCC("jp2t"), opencc.OpenCC("t2s"))
_to_traditional = opencc.OpenCC("jp2t")
_HANGUL = {f"{f} {g}": f"{hf}{hg}" for f, _, hf in KOREAN_FAMILIES
           for g, _, hg in KOREAN_ADULTS + KOREAN_CHILDREN}


def said_by(rng: random.Random, group: str, name: str) -> str:
    """The name as a caller of that group says it and the recogniser of their language writes it."""
    if group == "card":
        words = name.split()
        family = next(w for w in (_card(f)[0].split() for f in CARD_FAMILIES) if words[:len(w)] == w)
        given = [w for w in words[len(family):] if w not in ("THI", "VAN") or rng.random() < 0.5]
        middle = given[:-1]
        if middle and rng.random() < 0.2:
            given.remove(rng.choice(middle))  # a middle name left out: near
        said = " ".join(given + family if rng.random() < 0.7 else words)
        said = said.replace("NGUYEN", rng.choice(["NGUYEN", "Nguyễn"])).replace("TRAN", rng.choice(["TRAN", "Trần"]))
        return rng.choice([said, said.title(), said.lower()])
    if group == "chinese":
        family, given = name.split()
        if given in CHINESE_HOMOPHONES and rng.random() < 0.15:
            return family + CHINESE_HOMOPHONES[given]  # the recogniser's characters: refused, never mistaken
        simplified = _to_simplified[1].convert(_to_simplified[0].convert(name))
        return rng.choice([simplified.replace(" ", ""), _to_traditional.convert(name).replace(" ", ""), simplified])
    hangul = _HANGUL[name]
    return rng.choice([hangul, f"{hangul[0]} {hangul[1:]}"])


def _language(group: str) -> str:
    return {"card": "en", "chinese": "zh", "korean": "ko"}[group]


def foreign_attempts(rng: random.Random, registry: list[HouseholdRecord], count: int) -> Iterator[Attempt]:
    """Per group: genuine callers, and the impostors of issue 11 (same family name other given name, a
    sibling's name for this child's birthdate, the other parent's name)."""
    for _ in range(count):
        h = rng.choice(registry)
        group, c = group_of(h), rng.choice(h.children)
        lang = _language(group)
        yield Attempt(f"{group}:genuine", c.id, said_by(rng, group, c.name), c.birthdate, address_by(rng, group, h),
                      said_by(rng, group, h.guardian_name), lang)
        if group != "card":
            other_town = replace(h, town=rng.choice([t for t in TOWN_ROMAJI if t != h.town]))
            wrong = chinese_address(rng, other_town) if group == "chinese" else korean_address(rng, other_town)
            yield Attempt(f"{group}:other_town", None, said_by(rng, group, c.name), c.birthdate, wrong,
                          said_by(rng, group, h.guardian_name), lang)
        others = [n for n in _given_pool(group, c.name) if n not in {x.name for x in h.children}]
        yield Attempt(f"{group}:other_given_name", None, said_by(rng, group, rng.choice(others)), c.birthdate,
                      address_by(rng, group, h), said_by(rng, group, h.guardian_name), lang)
        if len(h.children) > 1 and h.children[0].birthdate != h.children[1].birthdate:
            a, b = rng.sample(h.children, 2)
            yield Attempt(f"{group}:sibling_swapped", None, said_by(rng, group, a.name), b.birthdate,
                          address_by(rng, group, h), said_by(rng, group, h.guardian_name), lang)
        parents = [n for n in _adult_pool(group, h.guardian_name) if n != h.guardian_name]
        yield Attempt(f"{group}:other_parent", None, said_by(rng, group, c.name), c.birthdate,
                      address_by(rng, group, h), said_by(rng, group, rng.choice(parents)), lang)


def _given_pool(group: str, name: str) -> list[str]:
    family = name.split()[0] if group != "card" else " ".join(name.split()[:-len(_given_words(name))])
    if group == "card":
        return [f"{family} {_card(g)[0]}" for g in CARD_CHILDREN]
    pool = CHINESE_CHILDREN if group == "chinese" else [(g, k) for g, k, _ in KOREAN_CHILDREN]
    return [f"{family} {g}" for g, _ in pool]


def _given_words(name: str) -> list[str]:
    return next(_card(g)[0].split() for g in CARD_CHILDREN + CARD_ADULTS if name.endswith(" " + _card(g)[0]))


def _adult_pool(group: str, name: str) -> list[str]:
    if group == "card":
        family = " ".join(name.split()[:-len(_given_words(name))])
        return [f"{family} {_card(g)[0]}" for g in CARD_ADULTS]
    pool = CHINESE_ADULTS if group == "chinese" else [(g, k) for g, k, _ in KOREAN_ADULTS]
    return [f"{name.split()[0]} {g}" for g, _ in pool]


_kakasi = pykakasi.kakasi()
def romaji_attempts(rng: random.Random, registry: list[HouseholdRecord], count: int) -> Iterator[Attempt]:
    """Japanese families called in English: names in Hepburn, kunrei or passport spelling, Ohno-style or
    with macrons, in either order; impostors say another given name or the other parent in romaji."""
    for _ in range(count):
        h = rng.choice(registry)
        c = rng.choice(h.children)
        family_kana, given_kana = c.kana.split()
        guardian_given = h.guardian_kana.split()[1]
        yield Attempt("romaji:genuine", c.id, romaji(rng, family_kana, given_kana), c.birthdate,
                      romaji_address(rng, h), romaji(rng, family_kana, guardian_given), "en")
        taken = {x.kana.split()[1] for x in h.children}
        other = rng.choice([k for _, k in CHILD_NAMES if k not in taken])
        yield Attempt("romaji:other_given_name", None, romaji(rng, family_kana, other), c.birthdate,
                      romaji_address(rng, h), romaji(rng, family_kana, guardian_given), "en")
        parent = rng.choice([k for _, k in ADULT_NAMES if k != guardian_given])
        yield Attempt("romaji:other_parent", None, romaji(rng, family_kana, given_kana), c.birthdate,
                      romaji_address(rng, h), romaji(rng, family_kana, parent), "en")
        chome, ban, go, room = h.numbers
        moved = (chome, ban, go + rng.choice([-1, 1]) if go > 1 else go + 1, room)
        yield Attempt("romaji:neighbouring_house_number", None, romaji(rng, family_kana, given_kana), c.birthdate,
                      romaji_address(rng, h, numbers=moved), romaji(rng, family_kana, guardian_given), "en")
        other_town = rng.choice([t for t in TOWN_ROMAJI if t != h.town])
        yield Attempt("romaji:other_town", None, romaji(rng, family_kana, given_kana), c.birthdate,
                      romaji_address(rng, replace(h, town=other_town)), romaji(rng, family_kana, guardian_given), "en")


def romaji(rng: random.Random, family: str, given: str) -> str:
    system = rng.choice(["hepburn", "kunrei", "passport"])
    spelt = ["".join(str(p[system]) for p in _kakasi.convert(part)) for part in (family, given)]
    if rng.random() < 0.3:  # long vowels with macrons or Ohno-style
        spelt = [re.sub("o[ou](?![aiueo])", rng.choice(["ō", "oh", "o"]), w).replace("uu", rng.choice(["ū", "u"]))
                 for w in spelt]
    words = [w.replace("'", rng.choice(["'", "", "-"])) for w in spelt]
    said = " ".join(words[::-1] if rng.random() < 0.7 else words)
    return rng.choice([said, said.title(), said.upper()])
