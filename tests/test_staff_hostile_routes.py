"""Every console route, walked with each kind of hostile value: an id beyond any integer column, a NUL byte,
the first and last days a date can be, a non-ASCII CSRF token or number. Each is answered with a 4xx (or
the usual page), never a 5xx, on both databases (issue 28 item 7)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from staff_support import add_facilities, add_household, add_staff, client_for, clock, csrf_of, log_in

from azukari.db import Database
from azukari.oversight.escalations import open_escalation

HUGE_ID = str(2**63 + 1)
HOSTILE: dict[str, str] = {"huge_id": HUGE_ID, "past_int": "99999999999", "nul": "a\x00b", "first_day": "0001-01-01",
                           "last_day": "9999-12-31", "non_ascii": "é１２３", "negative": "-1"}
# Routes that end the session: walked last, so the others are walked signed in.
_LAST = ("/staff/logout",)


def _app_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """(full path, route) of every API route, through included routers (this FastAPI wraps each)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif (context := getattr(route, "include_context", None)) is not None:
            yield from _app_routes(route.original_router.routes, prefix + context.prefix)


def _console_routes(client: TestClient) -> Iterator[tuple[str, str, APIRoute]]:
    routes = [(path, r) for path, r in _app_routes(client.app.routes)  # type: ignore[attr-defined]
              if path.startswith("/staff")]
    assert len(routes) >= 40
    for path, route in sorted(routes, key=lambda pr: (pr[0] in _LAST, pr[0])):
        for method in sorted(route.methods):
            yield method, path, route


def _fields(route: APIRoute) -> list[str]:
    dependant = route.dependant
    names = {p.alias for p in dependant.query_params + dependant.body_params}
    for sub in dependant.dependencies:
        names |= {p.alias for p in sub.query_params + sub.body_params}
    return sorted(names)


@pytest.fixture
def admin(database: Database) -> TestClient:
    fixed = clock()
    with database.unit_of_work() as session:
        add_facilities(session)
        add_staff(session, username="admin", role="admin", now=fixed.now())
        add_staff(session, username="other", role="centre", now=fixed.now())  # id 2: the one acted on
        household = add_household(session, now=fixed.now())
        for kind in ("verification_failed", "household_locked"):
            open_escalation(session, kind=kind, channel="voice", now=fixed.now(), household_pk=household.id)
        session.commit()
    client = client_for(database, fixed)
    client._transport.raise_server_exceptions = False  # type: ignore[attr-defined]  # count 5xx, do not raise
    log_in(client, "admin")
    return client


def _fill(path: str, value: str | None) -> str:
    """Each path parameter as `value`, or (None) as a row that exists: the other staff member, else the first."""
    parts = [part if not part.startswith("{") else value if value is not None
             else "2" if part == "{staff_id}" else "1" for part in path.split("/")]
    return "/".join(parts)


def test_every_console_route_answers_hostile_values_without_a_server_error(admin: TestClient) -> None:
    csrf = csrf_of(admin)
    failures = []
    signed_out: list[tuple[str, str, str]] = []
    for method, path, route in _console_routes(admin):
        for kind, value in HOSTILE.items():
            fields = {name: value for name in _fields(route)}
            url = _fill(path, value if kind in ("huge_id", "past_int", "negative", "non_ascii") else None)
            for _ in range(2):
                if method == "GET":
                    response = admin.get(url, params=fields)
                else:
                    if kind != "non_ascii":
                        fields["csrf"] = csrf
                    response = admin.request(method, url, data=fields)
                home = admin.get("/staff/")
                if home.status_code < 400 and not home.headers.get("location", "").startswith("/staff/login"):
                    break
                signed_out.append((method, path, kind))
                admin.app.state.runtime.clock.advance(minutes=2)  # type: ignore[attr-defined]  # a fresh code
                log_in(admin, "admin")  # the route ended the session (a logout): sign in again, walk it again
                csrf = csrf_of(admin)
            if response.status_code >= 500:
                failures.append((method, path, kind, response.status_code))
    assert failures == []
    assert {path for _, path, _ in signed_out} == set(_LAST)  # every other route was walked signed in


@pytest.mark.parametrize("field", ["csrf", "login_csrf"])
def test_a_non_ascii_csrf_token_is_refused_with_the_usual_page(admin: TestClient, field: str) -> None:
    for path in ("/staff/login", "/staff/escalations/1/note", "/staff/audit"):
        assert admin.post(path, data={field: "トークン"}).status_code < 500
