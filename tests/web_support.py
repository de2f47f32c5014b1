"""Helpers for the parents' web pages: a web password for a seeded family, signing in, forms' tokens."""
from __future__ import annotations

import datetime as dt
import re

import httpx
from fastapi.testclient import TestClient
from ivr_support import MONDAY, Family

from azukari.db import Database
from azukari.households import web_access

OWN_PASSWORD = "hikari no naka de asobu"


def letter_password(database: Database, family: Family) -> str:
    """A first web password for the family, as the registration letter prints it (committed)."""
    with database.unit_of_work() as session:
        password = web_access.issue(session, household_pk=family.household_pk, now=MONDAY.astimezone(dt.UTC))
        session.commit()
    return password


def csrf_of(client: TestClient, path: str) -> str:
    page = client.get(path, follow_redirects=True)
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None, page.text[:300]
    return found.group(1)


def sign_in(client: TestClient, household_id: str, password: str) -> httpx.Response:
    return client.post("/signin", data={"household_id": household_id, "password": password,
                                        "csrf": csrf_of(client, "/signin")}, follow_redirects=False)


def signed_in(client: TestClient, database: Database, family: Family) -> TestClient:
    """The family signed in with its letter's password and past the forced change to OWN_PASSWORD."""
    response = sign_in(client, family.household_id, letter_password(database, family))
    assert response.headers["location"] == "/book", response.text[:300]
    changed = client.post("/password", data={"new": OWN_PASSWORD, "again": OWN_PASSWORD,
                                              "csrf": csrf_of(client, "/password")}, follow_redirects=False)
    assert changed.headers["location"] == "/book", changed.text[:300]
    return client


def post(client: TestClient, path: str, data: dict[str, str], *, form_page: str = "/bookings") -> httpx.Response:
    return client.post(path, data={**data, "csrf": csrf_of(client, form_page)}, follow_redirects=False)
