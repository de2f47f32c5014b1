"""The composition root's own routes: health for the load balancer, and the way in for people."""
from __future__ import annotations

from fastapi.testclient import TestClient

from azukari.app import create_app
from azukari.db import Database
from azukari.settings import Settings


def test_health_is_ok_while_the_database_answers(database: Database) -> None:
    client = TestClient(create_app(Settings(database_url=database.url), database=database))
    response = client.get("/healthz")
    assert response.status_code == 200 and response.text == "ok"


def test_health_is_503_when_the_database_cannot_be_reached() -> None:
    unreachable = Database("postgresql+psycopg://postgres@127.0.0.1:9/nothing")  # port 9: nothing listens
    client = TestClient(create_app(Settings(database_url=unreachable.url), database=unreachable))
    assert client.get("/healthz").status_code == 503


def test_the_root_is_the_parents_availability_page_for_any_client(database: Database) -> None:
    client = TestClient(create_app(Settings(database_url=database.url), database=database),
                        client=("203.0.113.7", 50000))  # outside the default CONSOLE_ALLOW
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 200 and 'href="/signin"' in response.text
