"""The second factor: TOTP (RFC 6238, pyotp), enrolment by a QR code shown once, ten single-use recovery codes.

The TOTP secret is sealed with a key derived from AZUKARI_SECRET_KEY, so a copy of the database
alone cannot make codes; recovery codes carry 80 random bits and only their SHA-256 is kept.
Nothing here commits: the login steps in routes_login do, once per request.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any, cast

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import CursorResult, delete, func, or_, select, update
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import set_committed_value

from azukari.staff.models import StaffAccount, StaffRecoveryCode, StaffSession

ISSUER = "azukari 一時預かり"
RECOVERY_CODES = 10
# One step either side: a phone whose clock is 30 seconds off still logs in.
_WINDOW = 1


def _sealer(secret_key: str) -> Fernet:
    derived = hmac.new(secret_key.encode(), b"azukari staff totp v1", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def pending_secret(account: StaffAccount, *, secret_key: str) -> str | None:
    """The secret being enrolled, to show its QR code again after a mistyped first code."""
    return None if enrolled(account) else _secret(account, secret_key)


def _secret(account: StaffAccount, secret_key: str) -> str | None:
    if not account.totp_secret:
        return None
    try:
        return _sealer(secret_key).decrypt(account.totp_secret.encode()).decode()
    except InvalidToken:
        return None  # sealed under another key: the account must be reset by an admin


def enrolled(account: StaffAccount) -> bool:
    return account.totp_enrolled_at is not None


def begin_enrolment(account: StaffAccount, *, secret_key: str) -> str:
    """A fresh secret for the authenticator app; each visit to the enrolment page makes a new one."""
    secret = pyotp.random_base32()
    account.totp_secret = _sealer(secret_key).encrypt(secret.encode()).decode()
    account.totp_enrolled_at = None
    account.totp_last_step = None
    return secret


def provisioning_uri(account: StaffAccount, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG (no script, no external image: fits the console's CSP)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, border=2))


def check_code(account: StaffAccount, code: str, *, secret_key: str, now: dt.datetime) -> bool:
    """A current six-digit code, not used before (a code seen once, e.g. over a shoulder, is spent)."""
    secret = _secret(account, secret_key)
    digits = "".join(code.split())
    if secret is None or len(digits) != 6 or not digits.isdigit():
        return False
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for offset in range(-_WINDOW, _WINDOW + 1):
        if hmac.compare_digest(totp.at(now, counter_offset=offset).encode(), digits.encode()):
            return _spend(account, step + offset)
    return False


def _spend(account: StaffAccount, step: int) -> bool:
    """Record `step` as used, in one guarded UPDATE: of two logins with one code at the same moment, the
    database lets one through (the other's UPDATE waits for the first and then finds the step spent)."""
    session = object_session(account)
    if session is None:  # an account not in the database (never the case at a login): the object decides
        if account.totp_last_step is not None and step <= account.totp_last_step:
            return False
        account.totp_last_step = step
        return True
    result = session.execute(
        update(StaffAccount).where(StaffAccount.id == account.id,
                                   or_(StaffAccount.totp_last_step.is_(None), StaffAccount.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    if cast(CursorResult[Any], result).rowcount != 1:
        return False
    set_committed_value(account, "totp_last_step", step)
    return True


def _code_hash(code: str) -> str:
    return hashlib.sha256("".join(code.lower().replace("-", "").split()).encode()).hexdigest()


def finish_enrolment(session: Session, account: StaffAccount, code: str, *, secret_key: str,
                     now: dt.datetime) -> list[str] | None:
    """With a right code from the new authenticator: enrolled, and ten recovery codes to show once."""
    if not check_code(account, code, secret_key=secret_key, now=now):
        return None
    account.totp_enrolled_at = now
    return _new_recovery_codes(session, account)


def enrol(session: Session, account: StaffAccount, secret: str, *, secret_key: str, now: dt.datetime) -> list[str]:
    """Enrol a secret chosen elsewhere, without a code: only for demo databases and tests, whose
    operator prints the secret; staff always enrol through the QR code."""
    account.totp_secret = _sealer(secret_key).encrypt(secret.encode()).decode()
    account.totp_enrolled_at = now
    account.totp_last_step = None
    session.flush()
    return _new_recovery_codes(session, account)


def _new_recovery_codes(session: Session, account: StaffAccount) -> list[str]:
    session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.staff_id == account.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(10)  # 80 bits: a hash of it cannot be guessed back offline
        codes.append("-".join(raw[i:i + 4] for i in range(0, 20, 4)))
        session.add(StaffRecoveryCode(staff_id=account.id, code_hash=_code_hash(raw)))
    session.flush()
    return codes


def use_recovery_code(session: Session, account: StaffAccount, code: str, *, now: dt.datetime) -> bool:
    found = session.scalar(select(StaffRecoveryCode).where(
        StaffRecoveryCode.staff_id == account.id, StaffRecoveryCode.code_hash == _code_hash(code),
        StaffRecoveryCode.used_at.is_(None)).with_for_update())
    if found is None:
        return False
    found.used_at = now
    session.flush()
    return True


def recovery_codes_left(session: Session, account: StaffAccount) -> int:
    return session.scalar(select(func.count()).select_from(StaffRecoveryCode).where(
        StaffRecoveryCode.staff_id == account.id, StaffRecoveryCode.used_at.is_(None))) or 0


def reset(session: Session, account: StaffAccount) -> None:
    """An admin's reset for a lost phone: the member enrols again at next login; open sessions end now."""
    account.totp_secret = None
    account.totp_enrolled_at = None
    account.totp_last_step = None
    session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.staff_id == account.id))
    session.execute(delete(StaffSession).where(StaffSession.staff_id == account.id))
    session.flush()
