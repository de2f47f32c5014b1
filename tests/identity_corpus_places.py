"""Addresses as foreign callers say them: romaji in any order, Chinese forms, Hangul (test data by hand)."""
from __future__ import annotations

import random

import opencc
from identity_corpus import HouseholdRecord, spoken_address

# How English speakers spell the corpus's towns (the matcher reads Japan Post's kana instead).
TOWN_ROMAJI = {
    "光が丘": ["Hikarigaoka", "Hikari-ga-oka"], "関町北": ["Sekimachi-kita", "Sekimachikita"],
    "石神井町": ["Shakujii-machi", "Shakujiimachi", "Shakujii"],
    "大泉学園町": ["Oizumi-gakuen-cho", "Ōizumigakuenchō", "Ooizumi Gakuen Machi"],
    "貫井": ["Nukui"], "豊玉北": ["Toyotama-kita", "Toyotamakita"], "桜台": ["Sakuradai"], "氷川台": ["Hikawadai"],
    "平和台": ["Heiwadai"], "早宮": ["Hayamiya"], "春日町": ["Kasuga-cho", "Kasugacho", "Kasuga"],
    "高松": ["Takamatsu"], "田柄": ["Tagara"], "旭町": ["Asahi-cho", "Asahichou"], "土支田": ["Doshida"],
    "谷原": ["Yahara"], "高野台": ["Takanodai"], "南田中": ["Minami-tanaka", "Minamitanaka"],
    "富士見台": ["Fujimidai"], "中村北": ["Nakamura-kita"], "向山": ["Koyama", "Kōyama"], "小竹町": ["Kotake-cho"],
    "羽沢": ["Hazawa"], "栄町": ["Sakae-cho", "Sakaecho"], "旭丘": ["Asahigaoka"], "北町": ["Kitamachi"],
    "上石神井": ["Kami-shakujii", "Kamishakujii"], "下石神井": ["Shimo-shakujii"], "立野町": ["Tateno-cho"],
    "西大泉": ["Nishi-oizumi", "Nishiōizumi"], "東大泉": ["Higashi-oizumi", "Higashi Ooizumi"],
    "南大泉": ["Minami-oizumi", "Minamiōizumi"]}
# The same towns in Hangul, as Korean writes Japanese names.
TOWN_HANGUL = dict(zip(TOWN_ROMAJI, [
    "히카리가오카", "세키마치키타", "샤쿠지이마치", "오이즈미가쿠엔초", "누쿠이", "도요타마키타",
    "사쿠라다이", "히카와다이", "헤이와다이", "하야미야", "가스가초", "다카마쓰",
    "다가라", "아사히초", "도시다", "야하라", "다카노다이", "미나미타나카",
    "후지미다이", "나카무라키타", "고야마", "고타케초", "하자와", "사카에초",
    "아사히가오카", "기타마치", "가미샤쿠지이", "시모샤쿠지이", "다테노초", "니시오이즈미",
    "히가시오이즈미", "미나미오이즈미",
], strict=True))
_to_simplified = (opencc.OpenCC("jp2t"), opencc.OpenCC("t2s"))


def romaji_address(rng: random.Random, h: HouseholdRecord, *, numbers: tuple[int, int, int, int | None] | None = None,
                   drop_room: bool = False) -> str:
    """The address as an English speaker says it: any order of blocks, with or without ward and city."""
    chome, ban, go, room = numbers or h.numbers
    room = None if drop_room else room
    town = rng.choice(TOWN_ROMAJI[h.town])
    dashed = f"{ban}-{go}" + (f"-{room}" if room else "")
    tail = rng.choice(["", ", Nerima-ku", ", Nerima-ku, Tokyo", " Nerima City, Tokyo", ", Nerima, Tokyo 179-0072"])
    return rng.choice([f"{chome}-{dashed} {town}{tail}", f"{town} {chome}-chome {dashed}{tail}",
                       f"{dashed}, {chome}-chome {town}{tail}", f"{town} {chome}-{dashed}{tail}"])


def chinese_address(rng: random.Random, h: HouseholdRecord) -> str:
    """练马区光之丘2丁目3番1号204室: simplified forms, the kana between kanji translated (之) or dropped."""
    chome, ban, go, room = h.numbers
    town = h.town.replace("が", rng.choice(["之", ""]))
    text = rng.choice(["东京都练马区", "练马区", ""]) + _to_simplified[1].convert(_to_simplified[0].convert(town))
    return text + rng.choice([f"{chome}丁目{ban}番{go}号" + (f"{room}室" if room else ""),
                              f"{chome}-{ban}-{go}" + (f"-{room}" if room else "")])


def korean_address(rng: random.Random, h: HouseholdRecord) -> str:
    """도쿄도 네리마구 히카리가오카 2초메 3-1-204, ward and town perhaps run together."""
    chome, ban, go, room = h.numbers
    town = rng.choice(["도쿄도 네리마구 ", "네리마구 ", "네리마구", ""]) + TOWN_HANGUL[h.town]
    return town + rng.choice([f" {chome}초메 {ban}-{go}" + (f"-{room}" if room else ""),
                              f" {chome}-{ban}-{go}" + (f"-{room}" if room else "")])


def address_by(rng: random.Random, group: str, h: HouseholdRecord) -> str:
    """English callers mostly say the address in romaji, Chinese and Korean callers mostly in their script."""
    if group == "card" and rng.random() < 0.7:
        return romaji_address(rng, h)
    if group == "chinese" and rng.random() < 0.7:
        return chinese_address(rng, h)
    if group == "korean" and rng.random() < 0.7:
        return korean_address(rng, h)
    return spoken_address(rng, h)
