"""Registered households in the database for identity tests: the conformance kit's 髙橋 family by default."""
from __future__ import annotations

import datetime as dt
from functools import cache

from sqlalchemy.orm import Session

from azukari.households.models import Child, Household

TAKAHASHI_CHILD = ("髙橋 陽翔", "タカハシ ハルト", dt.date(2024, 5, 1))


@cache
def demo_pin_hash() -> str:
    """One argon2 hash of PIN 4821, shared: hashing is deliberately slow."""
    from azukari.households.pins import hash_pin

    return hash_pin("4821")


def add_household(session: Session, *, household_id: str = "10000001", guardian_name: str = "髙橋 美咲",
                  guardian_kana: str = "タカハシ ミサキ", address: str = "東京都練馬区光が丘二丁目3番1-204号",
                  children: tuple[tuple[str, str, dt.date], ...] = (TAKAHASHI_CHILD,),
                  registered_on: dt.date = dt.date(2026, 4, 1), dv: bool = False) -> Household:
    """A registered household in the database, the conformance kit's 髙橋 family by default."""
    household = Household(household_id=household_id, pin_hash=demo_pin_hash(), guardian_name=guardian_name,
                          guardian_kana=guardian_kana, phone="+819011110001", address=address,
                          registered_on=registered_on, dv_flag=dv,
                          children=[Child(name=n, kana=k, birthdate=b) for n, k, b in children])
    session.add(household)
    session.flush()
    return household
