"""Speech recognition hints from the ward's own data: the towns of registered addresses, the facilities' names."""
from __future__ import annotations

import datetime as dt
import threading
import weakref
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from azukari.booking.models import Facility
from azukari.households.models import Household
from azukari.identity.address import parse_address

# Twilio takes at most 500 hint phrases of up to 100 characters; keep well inside that.
MAX_HINTS = 400
REFRESH = dt.timedelta(minutes=10)  # towns change when households are imported, not call by call
_PREFIX = 30  # characters of an address that hold prefecture, ward and town: DISTINCT over these is small

@dataclass(frozen=True)
class _Cached:
    at: dt.datetime
    hints: tuple[str, ...]


_cache: weakref.WeakKeyDictionary[Engine, _Cached] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def address_hints(session: Session, *, now: dt.datetime, fixed: tuple[str, ...] = ()) -> tuple[str, ...]:
    """`fixed` first, then the registry's towns and wards and the facilities' names (refreshed every 10 min)."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    with _lock:
        cached = _cache.get(engine)
    if cached is None or now - cached.at > REFRESH or now < cached.at:
        cached = _Cached(now, _from_registry(session))
        with _lock:
            _cache[engine] = cached
    return tuple(dict.fromkeys((*fixed, *cached.hints)))[:MAX_HINTS]


def _from_registry(session: Session) -> tuple[str, ...]:
    prefixes = session.scalars(select(func.substr(Household.address, 1, _PREFIX)).distinct().limit(20_000))
    places: dict[str, None] = {}
    for prefix in prefixes:
        parsed = parse_address(prefix)
        for part in (parsed.ward or parsed.city, parsed.town):
            if part and len(part) <= 20:
                places[part] = None
    names = session.execute(select(Facility.short_name, Facility.name)).all()
    for short_name, name in names:
        places[short_name or name] = None
    return tuple(places)
