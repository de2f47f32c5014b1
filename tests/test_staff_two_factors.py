"""Two factors over HTTP: no session before both, single-use codes, resets, forced changes, and the audit of it all."""
from __future__ import annotations

import re
import threading

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select
from staff_support import (
    PASSWORD,
    TOTP_SECRET,
    add_staff,
    client_for,
    clock,
    csrf_of,
    log_in,
    log_in_password_only,
    totp_code,
)

from azukari.db import Database
from azukari.oversight.models import AuditEntry
from azukari.settings import DEMO_SECRET_KEY
from azukari.staff.models import StaffAccount
from azukari.staff.signin import second_factor
from azukari.staff.signin.routes_login import CODE_FAILURES_PER_LOGIN


def _staff(database: Database, username: str = "sato", role: str = "centre", *, enrolled: bool = True) -> int:
    with database.unit_of_work() as session:
        account = add_staff(session, username=username, role=role, now=clock().now(), enrolled=enrolled)
        session.commit()
        return account.id


def _actions(database: Database) -> list[str]:
    with database.unit_of_work() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _code(client: TestClient, code: str) -> int:
    return client.post("/staff/login/code", data={"code": code, "csrf": csrf_of(client, "/staff/login/code")}
                       ).status_code


def test_the_password_alone_opens_no_page_of_the_console(database: Database) -> None:
    _staff(database)
    client = client_for(database, clock())
    response = log_in_password_only(client, "sato")
    assert response.headers["location"] == "/staff/login/code"
    for path in ("/staff/escalations", "/staff/households", "/staff/roster", "/staff/password"):
        assert client.get(path).headers.get("location") == "/staff/login"


def test_the_code_after_the_password_makes_the_session(database: Database) -> None:
    _staff(database)
    client = client_for(database, clock())
    response = log_in(client, "sato")
    assert response.status_code == 303 and response.headers["location"] == "/staff/escalations"
    assert client.get("/staff/escalations").status_code == 200


def test_a_code_works_only_once(database: Database) -> None:
    _staff(database)
    first, second = client_for(database, clock()), client_for(database, clock())
    log_in_password_only(first, "sato")
    log_in_password_only(second, "sato")
    code = totp_code(first, "sato")
    assert _code(first, code) == 303
    assert _code(second, code) == 401


def test_five_wrong_codes_end_the_login_and_count_against_the_client(database: Database) -> None:
    _staff(database)
    client = client_for(database, clock())
    log_in_password_only(client, "sato")
    statuses = [_code(client, "000000") for _ in range(CODE_FAILURES_PER_LOGIN)]
    assert statuses == [401] * CODE_FAILURES_PER_LOGIN
    assert client.get("/staff/login/code").headers.get("location") == "/staff/login"
    assert _actions(database).count("staff.login_failed") == CODE_FAILURES_PER_LOGIN


def test_logins_failed_logins_and_logouts_are_audited_without_the_name_typed(database: Database) -> None:
    staff_id = _staff(database)
    client = client_for(database, clock())
    log_in(client, "nobody-here", "wrong password")
    log_in(client, "sato", "wrong password")
    log_in(client, "sato")
    client.post("/staff/logout", data={"csrf": csrf_of(client, "/staff/escalations")})
    with database.unit_of_work() as session:
        rows = session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.detail)
                               .where(AuditEntry.action.like("staff.%")).order_by(AuditEntry.id)).all()
    sato = f"staff:{staff_id}"
    assert [(actor, action) for actor, action, _ in rows] == [
        ("unknown", "staff.login_failed"), (sato, "staff.login_failed"), (sato, "staff.login"),
        (sato, "staff.logout")]
    assert "nobody-here" not in str(rows)


def test_a_first_login_enrols_by_qr_code_and_shows_ten_recovery_codes_once(database: Database) -> None:
    _staff(database, enrolled=False)
    client = client_for(database, clock())
    assert log_in_password_only(client, "sato").headers["location"] == "/staff/login/enrol"
    page = client.get("/staff/login/enrol").text
    secret = re.search(r'id="enrol-secret">([A-Z2-7 ]+)<', page)
    assert secret is not None and "<svg" in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None  # from this page: opening the page again would make a new secret
    code = pyotp.TOTP(secret.group(1).replace(" ", "")).at(clock().now())
    shown = client.post("/staff/login/enrol", data={"code": code, "csrf": csrf.group(1)})
    codes = re.findall(r"<li><code>([0-9a-f-]{24})</code></li>", shown.text)
    assert shown.status_code == 200 and len(codes) == 10
    assert client.get("/staff/escalations").status_code == 200
    assert client.get("/staff/login/enrol").headers.get("location") == "/staff/login"  # never shown again


def test_a_recovery_code_works_once(database: Database) -> None:
    staff_id = _staff(database)
    with database.unit_of_work() as session:
        account = session.get(StaffAccount, staff_id)
        assert account is not None
        codes = second_factor.enrol(session, account, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", secret_key=DEMO_SECRET_KEY,
                                    now=clock().now())
        session.commit()
    outcomes = []
    for _ in range(2):
        client = client_for(database, clock())
        log_in_password_only(client, "sato")
        outcomes.append(client.post("/staff/login/code", data={
            "recovery": codes[0].upper(), "csrf": csrf_of(client, "/staff/login/code")}).status_code)
    assert outcomes == [303, 401]


def test_an_admin_resets_a_members_second_factor_which_ends_their_sessions_and_is_audited(database: Database) -> None:
    _staff(database, "admin", "admin")
    member_id = _staff(database)
    admin, member = client_for(database, clock()), client_for(database, clock())
    log_in(admin, "admin")
    log_in(member, "sato")
    admin.post(f"/staff/accounts/{member_id}/reset-second-factor", data={"csrf": csrf_of(admin, "/staff/accounts")})
    assert member.get("/staff/escalations").headers.get("location") == "/staff/login"
    assert log_in_password_only(member, "sato").headers["location"] == "/staff/login/enrol"
    assert "staff.second_factor_reset" in _actions(database)


def test_an_account_an_admin_made_must_change_its_password_before_any_page(database: Database) -> None:
    _staff(database, "admin", "admin")
    admin = client_for(database, clock())
    log_in(admin, "admin")
    admin.post("/staff/accounts", data={"csrf": csrf_of(admin, "/staff/accounts"), "username": "kato",
                                        "display_name": "加藤", "password": PASSWORD, "role": "centre"})
    with database.unit_of_work() as session:
        kato = session.scalar(select(StaffAccount).where(StaffAccount.username == "kato"))
        assert kato is not None and kato.must_change_password
        second_factor.enrol(session, kato, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", secret_key=DEMO_SECRET_KEY,
                            now=clock().now())
        session.commit()
    member = client_for(database, clock())
    assert log_in(member, "kato").headers["location"] == "/staff/login/password"
    assert member.get("/staff/escalations").headers.get("location") == "/staff/login"
    changed = member.post("/staff/login/password", data={
        "new_password": "a passphrase of my own choosing", "confirm": "a passphrase of my own choosing",
        "csrf": csrf_of(member, "/staff/login/password")})
    assert changed.headers["location"] == "/staff/escalations"
    assert member.get("/staff/escalations").status_code == 200


def test_changing_ones_own_password_needs_the_current_one_and_ends_other_sessions(database: Database) -> None:
    _staff(database)
    here, there = client_for(database, clock()), client_for(database, clock())
    log_in(here, "sato")
    log_in(there, "sato")
    form = {"new_password": "a new and long passphrase", "confirm": "a new and long passphrase"}
    wrong = here.post("/staff/password", data={**form, "current": "guess", "csrf": csrf_of(here, "/staff/password")})
    right = here.post("/staff/password", data={**form, "current": PASSWORD, "csrf": csrf_of(here, "/staff/password")})
    assert wrong.status_code == 422 and "現在のパスワードが違います" in wrong.text
    assert right.status_code == 200 and "パスワードを変更しました" in right.text
    assert here.get("/staff/escalations").status_code == 200
    assert there.get("/staff/escalations").headers.get("location") == "/staff/login"


def test_moving_an_account_to_another_role_is_audited_and_ends_its_sessions(database: Database) -> None:
    _staff(database, "admin", "admin")
    member_id = _staff(database)
    admin, member = client_for(database, clock()), client_for(database, clock())
    log_in(admin, "admin")
    log_in(member, "sato")
    admin.post(f"/staff/accounts/{member_id}/move", data={"csrf": csrf_of(admin, "/staff/accounts"),
                                                          "role": "admin", "facility_id": ""})
    with database.unit_of_work() as session:
        role = session.scalar(select(StaffAccount.role).where(StaffAccount.id == member_id))
        detail = session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "staff.moved"))
    assert role == "admin"
    assert detail == {"staff_id": member_id, "change": {"role_from": "centre", "role_to": "admin"}}
    assert member.get("/staff/escalations").headers.get("location") == "/staff/login"


def test_the_review_page_lists_role_facility_last_login_and_last_day(database: Database) -> None:
    admin_id = _staff(database, "admin", "admin")
    member_id = _staff(database)
    admin = client_for(database, clock())
    log_in(admin, "admin")
    admin.post(f"/staff/accounts/{member_id}/end", data={"csrf": csrf_of(admin, "/staff/accounts"),
                                                         "last_day": "2026-09-30"})
    review = admin.get("/staff/accounts/review").text
    row = re.search(r'<tr data-username="sato">(.*?)</tr>', review, re.S)
    assert row is not None and "センター職員" in row.group(1) and "2026-09-30" in row.group(1)
    assert "ログインなし" in row.group(1) and "2026-06-01 10:00" in review  # the admin's own login
    assert admin_id != member_id


def test_two_logins_with_one_code_at_the_same_moment_let_one_through(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        session.commit()
    code = pyotp.TOTP(TOTP_SECRET).at(fixed.now())
    barrier = threading.Barrier(2, timeout=30)
    # PostgreSQL: both logins read the account before either writes. SQLite's transactions begin
    # IMMEDIATE, so a read already holds the write lock: there both start together and queue.
    read_first = database.dialect == "postgresql"
    results: list[bool] = []

    def log_in_with(code: str) -> None:
        if not read_first:
            barrier.wait()
        with database.unit_of_work() as session:
            account = session.scalars(select(StaffAccount).where(StaffAccount.username == "sato")).one()
            if read_first:
                assert account.totp_last_step is None  # both read the code as unused
                barrier.wait()
            ok = second_factor.check_code(account, code, secret_key=DEMO_SECRET_KEY, now=fixed.now())
            session.commit()
            results.append(ok)

    threads = [threading.Thread(target=log_in_with, args=(code,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
