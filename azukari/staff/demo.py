"""The demo's staff account: a published password and a published TOTP secret, for demo databases only."""
from __future__ import annotations

import datetime as dt
import shlex
import sys

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from azukari.staff import accounts
from azukari.staff.models import StaffAccount
from azukari.staff.signin import second_factor

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "kodomo no heya 2026"  # printed on start: never use a demo database for real data
DEMO_TOTP_SECRET = "AZUKARIDEMOTOTPSECRETDONOTUSE234"  # base32


def add_demo_account(session: Session, *, secret_key: str, now: dt.datetime) -> str:
    """An admin account whose both factors the demo prints; "" if the database already has staff.

    Called only by `serve --demo` on a database it has just filled with demo data: no other
    database ever gets an account with a published password.
    """
    if session.scalar(select(exists().where(StaffAccount.id.isnot(None)))):
        return ""
    account = accounts.create_account(session, username=DEMO_USERNAME, display_name="デモ 管理者",
                                      password=DEMO_PASSWORD, role="admin", facility_id=None, now=now)
    second_factor.enrol(session, account, DEMO_TOTP_SECRET, secret_key=secret_key, now=now)
    return DEMO_USERNAME


def demo_login(session: Session, *, console_url: str) -> list[str]:
    """How to log in to the console as the demo account, while it has its published password; else []."""
    account = session.scalar(select(StaffAccount).where(StaffAccount.username == DEMO_USERNAME))
    if account is None or not accounts.password_matches(account, DEMO_PASSWORD):
        return []
    uri = second_factor.provisioning_uri(account, DEMO_TOTP_SECRET)
    return [f"staff console: {console_url}",
            f"  user {DEMO_USERNAME}, password {DEMO_PASSWORD}",
            f"  second factor: add the secret {DEMO_TOTP_SECRET} to an authenticator app ({uri}),",
            # The interpreter azukari runs in (the project's .venv), which has pyotp; a bare python3 may not.
            f"  or print the current code: {shlex.quote(sys.executable)} -c "
            f"\"import pyotp; print(pyotp.TOTP('{DEMO_TOTP_SECRET}').now())\""]
