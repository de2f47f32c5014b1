"""The console off the public line: CONSOLE_ALLOW, TRUSTED_PROXIES and X-Forwarded-For (issue 17.1)."""
from __future__ import annotations

import ipaddress

from staff_support import add_staff, client_for, clock, log_in

from azukari.db import Database
from azukari.staff.signin.client_address import client_address

OFFICE = "10.20.0.0/16"
PROXY = "192.0.2.10"


def _no_console_here(database: Database, client: str, **settings: object) -> bool:
    app = client_for(database, clock(), client=client, **settings)
    unknown = app.get("/no-such-page")
    return all(app.get(path).status_code == 404 and app.get(path).content == unknown.content
               for path in ("/staff/login", "/staff/", "/staff/static/console.css"))


def test_by_default_only_loopback_reaches_the_console(database: Database) -> None:
    assert client_for(database, clock(), client="127.0.0.1").get("/staff/login").status_code == 200
    assert _no_console_here(database, "203.0.113.7")


def test_a_client_outside_console_allow_gets_the_404_of_an_app_without_a_console(database: Database) -> None:
    assert _no_console_here(database, "203.0.113.7", console_allow=OFFICE)
    assert client_for(database, clock(), client="10.20.3.4", console_allow=OFFICE).get(
        "/staff/login").status_code == 200


def test_a_logged_in_session_is_refused_from_outside_the_allow_list(database: Database) -> None:
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=clock().now())
        session.commit()
    inside = client_for(database, clock(), client="10.20.3.4", console_allow=OFFICE)
    log_in(inside, "sato")
    outside = client_for(database, clock(), client="203.0.113.7", console_allow=OFFICE)
    outside.cookies = inside.cookies
    assert inside.get("/staff/escalations").status_code == 200
    assert outside.get("/staff/escalations").status_code == 404


def test_a_forged_forwarded_for_from_an_untrusted_peer_is_not_believed(database: Database) -> None:
    app = client_for(database, clock(), client="203.0.113.7", console_allow=OFFICE, trusted_proxies=f"{PROXY}/32")
    assert app.get("/staff/login", headers={"X-Forwarded-For": "10.20.3.4"}).status_code == 404


def test_the_forwarded_for_from_a_trusted_proxy_names_the_client(database: Database) -> None:
    app = client_for(database, clock(), client=PROXY, console_allow=OFFICE, trusted_proxies=f"{PROXY}/32")
    assert app.get("/staff/login", headers={"X-Forwarded-For": "10.20.3.4"}).status_code == 200
    assert app.get("/staff/login", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 404


def test_a_trusted_proxy_without_a_forwarded_for_is_only_itself(database: Database) -> None:
    app = client_for(database, clock(), client=PROXY, console_allow=OFFICE, trusted_proxies=f"{PROXY}/32")
    assert app.get("/staff/login").status_code == 404


def test_webhooks_do_not_depend_on_the_console_allow_list(database: Database) -> None:
    app = client_for(database, clock(), client="203.0.113.7", console_allow=OFFICE)
    assert app.get("/healthz").status_code == 200


def test_hops_a_client_wrote_left_of_the_trusted_chain_prove_nothing() -> None:
    trusted = [ipaddress.ip_network("192.0.2.0/24")]
    # The client claims 10.20.3.4; the proxy appended the address it really saw.
    assert str(client_address(PROXY, ["10.20.3.4, 203.0.113.7"], trusted)) == "203.0.113.7"
    assert str(client_address(PROXY, ["10.20.3.4", "203.0.113.7, 192.0.2.11"], trusted)) == "203.0.113.7"
    assert client_address(PROXY, ["not-an-address"], trusted) is None
    assert str(client_address("::ffff:10.20.3.4", [], trusted)) == "10.20.3.4"
