"""A NUL byte typed into the staff login or the household search is refused or finds nothing, never a 5xx."""
from __future__ import annotations

import re

import pytest
from staff_support import add_facilities, add_household, add_staff, client_for, clock, csrf_of, log_in

from azukari.db import Database

NUL_TEXTS = ["\x00", "s" * 5000, "sato\x00", "\x00sato", "タカ\x00ハシ", "1000\x000001", "\x00" * 200]


@pytest.mark.parametrize("username", NUL_TEXTS)
def test_a_nul_byte_in_the_login_username_is_refused_without_a_server_error(database: Database,
                                                                             username: str) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        session.commit()
    client = client_for(database, fixed)
    form = client.get("/staff/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert token is not None
    response = client.post("/staff/login", data={"username": username, "password": "correct horse battery",
                                                 "login_csrf": token.group(1)})
    assert 200 <= response.status_code < 500
    assert response.headers.get("location") != "/staff/login/code"  # no first factor passed


@pytest.mark.parametrize("query", NUL_TEXTS)
def test_a_nul_byte_in_the_household_search_finds_nothing_without_a_server_error(database: Database,
                                                                                 query: str) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_facilities(session)
        add_staff(session, username="sato", role="centre", now=fixed.now())
        add_household(session, now=fixed.now())
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "sato")
    response = client.post("/staff/households/find", data={"query": query, "csrf": csrf_of(client)})
    assert response.status_code == 200
    assert "髙橋 美咲" not in response.text
