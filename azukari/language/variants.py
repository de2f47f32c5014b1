"""Kanji variants in names (髙→高, 﨑→崎, 邊→辺 …), folded from the reviewed table beside this file."""
from __future__ import annotations

from functools import cache
from importlib import resources

TABLE = "name_variants.txt"


@cache
def variant_table() -> dict[int, str]:
    """The table as a `str.translate` map; read once, on first use."""
    text = resources.files("azukari.language").joinpath(TABLE).read_text(encoding="utf-8")
    table: dict[int, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        variant, standard, _origin = line.split("\t")
        if len(variant) != 1 or len(standard) != 1 or variant == standard:
            raise ValueError(f"{TABLE} line {number}: one character each side, and two different ones")
        table[ord(variant)] = standard
    return table


def fold_variants(text: str) -> str:
    return text.translate(variant_table())
