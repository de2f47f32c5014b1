"""Helpers for the staff console tests: facilities, households, accounts and a signed-in client."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx
import pyotp
from facilities_files import DEMO_FACILITIES
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from azukari.app import create_app
from azukari.booking.facilities_file import import_facilities
from azukari.clock import TOKYO, FixedClock
from azukari.db import Database
from azukari.households.models import Household
from azukari.registration.service import ChildEntry, register_household
from azukari.settings import DEMO_SECRET_KEY, Settings
from azukari.staff import accounts
from azukari.staff.models import StaffAccount
from azukari.staff.signin import second_factor

PASSWORD = "correct horse battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # every test account's authenticator
# A Monday morning in Tokyo; the next day (Tuesday) every demo facility is open.
MONDAY = dt.datetime(2026, 6, 1, 10, 0, tzinfo=TOKYO)


def clock() -> FixedClock:
    return FixedClock(MONDAY.astimezone(dt.UTC))


def add_facilities(session: Session) -> None:
    import_facilities(session, DEMO_FACILITIES)
    session.flush()


def add_household(session: Session, *, now: dt.datetime, dv: bool = False, registered_on: dt.date | None = None,
                  phone: str = "090-1234-5678", birthdate: dt.date = dt.date(2023, 5, 1)) -> Household:
    household, _pin = register_household(
        session, guardian_name="髙橋 美咲", guardian_kana="タカハシ ミサキ", phone=phone,
        address="東京都練馬区光が丘二丁目3番1-204号",
        children=[ChildEntry(name="髙橋 陽翔", kana="タカハシ ハルト", birthdate=birthdate, sex="M")],
        registered_on=registered_on or now.astimezone(TOKYO).date(), dv_flag=dv, now=now)
    return household


def add_staff(session: Session, *, username: str, role: str, now: dt.datetime,
              facility_id: int | None = None, enrolled: bool = True) -> StaffAccount:
    """An account with the test password and, unless told otherwise, TOTP_SECRET as its second factor."""
    account = accounts.create_account(session, username=username, display_name=f"{username} 職員",
                                      password=PASSWORD, role=role, facility_id=facility_id, now=now)
    if enrolled:
        second_factor.enrol(session, account, TOTP_SECRET, secret_key=DEMO_SECRET_KEY, now=now)
    return account


def client_for(database: Database, fixed: FixedClock, *, base_url: str = "http://127.0.0.1:8000",
               client: str = "127.0.0.1", **settings: Any) -> TestClient:
    """The app over HTTP, as seen from `client` (loopback, so inside the default CONSOLE_ALLOW)."""
    configured = Settings(database_url=database.url, public_base_url=base_url, **settings)
    return TestClient(create_app(configured, database=database, clock=fixed), base_url=base_url,
                      follow_redirects=False, client=(client, 50000))


def totp_code(client: TestClient, username: str) -> str:
    """The authenticator's code at the app's (fixed) time, one not used yet: each code works once."""
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    now = runtime.clock.now()
    with runtime.database.unit_of_work() as session:
        last = session.scalar(select(StaffAccount.totp_last_step).where(StaffAccount.username == username))
    totp = pyotp.TOTP(TOTP_SECRET)
    offset = next(o for o in (-1, 0, 1) if last is None or totp.timecode(now) + o > last)
    return totp.at(now, counter_offset=offset)


def log_in_password_only(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    form = client.get("/staff/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert token is not None
    return client.post("/staff/login", data={"username": username, "password": password,
                                             "login_csrf": token.group(1)})


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    """Both factors: the password, then the authenticator's code. Returns the last response."""
    response = log_in_password_only(client, username, password)
    if response.headers.get("location") != "/staff/login/code":
        return response
    return client.post("/staff/login/code", data={"code": totp_code(client, username),
                                                  "csrf": csrf_of(client, "/staff/login/code")})


def csrf_of(client: TestClient, path: str = "/staff/") -> str:
    page = client.get(path, follow_redirects=True)
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None, page.text[:300]
    return found.group(1)
