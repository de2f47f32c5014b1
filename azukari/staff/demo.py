"""The demo's staff account: a published password and a published TOTP secret, for demo databases only."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from azukari.staff import accounts, second_factor
from azukari.staff.models import StaffAccount

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "kodomo no heya 2026"  # printed on start: never use a demo database for real data
DEMO_TOTP_SECRET = "AZUKARIDEMOTOTPSECRETDONOTUSE234"  # base32


def add_demo_account(session: Session, *, secret_key: str, now: dt.datetime) -> str:
    """An admin account whose both factors the demo prints; "" if the database already has staff."""
    if session.scalar(select(exists().where(StaffAccount.id.isnot(None)))):
        return ""
    account = accounts.create_account(session, username=DEMO_USERNAME, display_name="デモ 管理者",
                                      password=DEMO_PASSWORD, role="admin", facility_id=None, now=now)
    second_factor.enrol(session, account, DEMO_TOTP_SECRET, secret_key=secret_key, now=now)
    uri = second_factor.provisioning_uri(account, DEMO_TOTP_SECRET)
    return (f"demo console: user {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}; second factor: add the TOTP "
            f"secret {DEMO_TOTP_SECRET} to an authenticator app ({uri}), or print a code with "
            f"python -c \"import pyotp; print(pyotp.TOTP('{DEMO_TOTP_SECRET}').now())\"")
