"""The console over HTTP: login, cookies, CSRF, roles, revocation and security headers."""
from __future__ import annotations

import re

from sqlalchemy import select
from staff_support import add_facilities, add_staff, client_for, clock, csrf_of, log_in

from azukari.booking.models import Facility
from azukari.db import Database
from azukari.oversight.escalations import open_escalation
from azukari.oversight.models import Escalation
from azukari.staff.models import StaffAccount
from azukari.staff.signin import password_step


def _staff(database: Database, username: str, role: str, facility_key: int | None = None) -> int:
    fixed = clock()
    with database.unit_of_work() as session:
        add_facilities(session)
        facility_id = session.scalar(select(Facility.id).where(Facility.key == facility_key)) if facility_key else None
        account = add_staff(session, username=username, role=role, now=fixed.now(), facility_id=facility_id)
        session.commit()
        return account.id


def test_a_page_without_a_session_sends_the_browser_to_log_in(database: Database) -> None:
    response = client_for(database, clock()).get("/staff/escalations")
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"


def test_logging_in_sets_an_httponly_samesite_strict_cookie_without_secure_on_http(database: Database) -> None:
    _staff(database, "sato", "centre")
    response = log_in(client_for(database, clock()), "sato")
    cookie = response.headers["set-cookie"]
    assert "azukari_staff=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie.split("azukari_login_csrf")[0]


def test_the_session_cookie_is_secure_when_the_public_url_is_https(database: Database) -> None:
    _staff(database, "sato", "centre")
    client = client_for(database, clock(), base_url="https://staff.example.jp")
    response = log_in(client, "sato")
    assert "Secure" in response.headers["set-cookie"].split(",")[0]


def test_a_wrong_password_gets_the_same_answer_as_an_unknown_user(database: Database) -> None:
    _staff(database, "sato", "centre")
    client = client_for(database, clock())
    wrong = log_in(client, "sato", "not the password")
    unknown = log_in(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "ユーザー名またはパスワードが違います" in wrong.text


def test_the_login_form_is_throttled_after_repeated_failures(database: Database) -> None:
    _staff(database, "sato", "centre")
    client = client_for(database, clock())
    for _ in range(password_step.NAME_FAILURES_PER_WINDOW):
        log_in(client, "sato", "wrong password")
    response = log_in(client, "sato")
    assert response.status_code == 401 and "しばらくログインできません" in response.text


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(database: Database) -> None:
    _staff(database, "sato", "centre")
    fixed = clock()
    with database.unit_of_work() as session:
        escalation_id = open_escalation(session, kind="callback", channel="voice", now=fixed.now()).id
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "sato")
    refused = client.post(f"/staff/escalations/{escalation_id}/resolve", data={"csrf": "forged"})
    with database.unit_of_work() as session:
        status = session.scalar(select(Escalation.status))
    assert refused.status_code == 403 and status == "open"


def test_the_csrf_token_of_one_session_does_not_work_in_another(database: Database) -> None:
    _staff(database, "sato", "centre")
    first, second = client_for(database, clock()), client_for(database, clock())
    log_in(first, "sato")
    log_in(second, "sato")
    response = second.post("/staff/logout", data={"csrf": csrf_of(first)})
    assert response.status_code == 403


def test_facility_staff_cannot_open_the_escalation_queue(database: Database) -> None:
    _staff(database, "hoiku", "facility", facility_key=1)
    client = client_for(database, clock())
    log_in(client, "hoiku")
    assert client.get("/staff/escalations").status_code == 403


def test_facility_staff_see_their_own_roster_but_not_another_facilitys(database: Database) -> None:
    _staff(database, "hoiku", "facility", facility_key=1)
    with database.unit_of_work() as session:
        other = session.scalar(select(Facility.id).where(Facility.key == 2))
    client = client_for(database, clock())
    log_in(client, "hoiku")
    own = client.get("/staff/roster")
    assert own.status_code == 200 and "光が丘" in own.text and "関町" not in own.text
    assert client.get(f"/staff/roster?facility={other}").status_code == 403


def test_centre_staff_cannot_open_the_audit_log_or_the_accounts(database: Database) -> None:
    _staff(database, "sato", "centre")
    client = client_for(database, clock())
    log_in(client, "sato")
    assert client.get("/staff/audit").status_code == 403
    assert client.get("/staff/accounts").status_code == 403


def test_a_deactivated_accounts_open_session_ends_on_its_next_request(database: Database) -> None:
    _staff(database, "admin", "admin")
    _staff(database, "sato", "centre")
    admin, staff = client_for(database, clock()), client_for(database, clock())
    log_in(admin, "admin")
    log_in(staff, "sato")
    assert staff.get("/staff/escalations").status_code == 200
    with database.unit_of_work() as session:
        sato = session.scalar(select(StaffAccount.id).where(StaffAccount.username == "sato"))
    admin.post(f"/staff/accounts/{sato}/deactivate", data={"csrf": csrf_of(admin, "/staff/accounts")})
    after = staff.get("/staff/escalations")
    assert after.status_code == 303 and after.headers["location"] == "/staff/login"


def test_console_pages_carry_security_headers_and_are_never_cached(database: Database) -> None:
    _staff(database, "sato", "centre")
    client = client_for(database, clock())
    log_in(client, "sato")
    headers = client.get("/staff/escalations").headers
    assert headers["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"


def test_no_page_link_carries_a_household_id_or_phone_in_its_url(database: Database) -> None:
    from staff_support import add_household
    _staff(database, "sato", "centre")
    fixed = clock()
    with database.unit_of_work() as session:
        household = add_household(session, now=fixed.now())
        open_escalation(session, kind="callback", channel="voice", now=fixed.now(), household_pk=household.id)
        session.commit()
        household_id, phone = household.household_id, household.phone
    client = client_for(database, fixed)
    log_in(client, "sato")
    urls = re.findall(r'(?:href|action)="([^"]+)"', client.get("/staff/escalations").text)
    assert urls and not any(household_id in url or phone in url for url in urls)
