"""GET /metrics: Prometheus text behind METRICS_TOKEN, moved by a whole call, with no personal data."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from ivr_support import ELSEWHERE, TUESDAY, Family, Phone, client_for, outbox, seed
from prometheus_client.parser import text_string_to_metric_families

from azukari import jobs
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.households.models import Household
from azukari.messaging.outbox import enqueue
from azukari.oversight.escalations import open_escalation
from azukari.runtime import build
from azukari.settings import Settings

TOKEN = "a-long-metrics-token-for-the-scraper"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _scrape(client: TestClient) -> str:
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    return response.text


def _value(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def _booked_by_phone(client: TestClient, family: Family) -> Phone:
    phone = Phone(client, caller=ELSEWHERE)
    phone.start()
    phone.answer("language", digits="1")
    phone.verify_by_knowledge(family)
    phone.choose(TUESDAY, 1, 2)
    phone.answer("confirm", digits="1")
    return phone


def test_metrics_are_not_found_while_no_token_is_set(database: Database, clock: FixedClock) -> None:
    client = client_for(database, clock)
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", TOKEN])
def test_metrics_refuse_a_request_without_the_token(database: Database, clock: FixedClock,
                                                     header: str | None) -> None:
    client = client_for(database, clock, metrics_token=TOKEN)
    response = client.get("/metrics", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert "azukari_" not in response.text


def test_a_whole_call_moves_the_webhook_histogram_and_the_counters(database: Database, clock: FixedClock) -> None:
    family = seed(database)
    client = client_for(database, clock, metrics_token=TOKEN)

    _booked_by_phone(client, family)
    text = _scrape(client)

    assert _value(text, "azukari_webhook_seconds_count", route="/twilio/voice/{step}", step="confirm") == 1
    assert _value(text, "azukari_webhook_seconds_count", route="/twilio/voice", step="") == 1
    assert _value(text, "azukari_bookings_total", channel="voice") == 1
    assert _value(text, "azukari_verifications_total", outcome="verified") == 1
    assert _value(text, "azukari_conversations_in_progress", channel="voice") == 1
    assert _value(text, "azukari_outbox_backlog") == 1  # the confirmation, not yet sent


def test_no_label_or_value_carries_a_phone_number_name_household_or_booking_number(
        database: Database, clock: FixedClock) -> None:
    family = seed(database)
    client = client_for(database, clock, metrics_token=TOKEN)
    _booked_by_phone(client, family)
    booking_number = re.search(r"\d{8}", outbox(database)[0].body)

    text = _scrape(client)

    assert booking_number is not None
    samples = [s for f in text_string_to_metric_families(text) for s in f.samples]
    label_values = {value for s in samples for value in s.labels.values()}
    national = "0" + family.phone.removeprefix("+81")
    for secret in (family.phone, national, ELSEWHERE, family.household_id, booking_number.group(0), family.pin,
                   family.child, family.guardian, family.address, "髙橋", "CA" + "0" * 31 + "1"):
        assert not any(secret in value for value in label_values)
    for words in (family.phone, ELSEWHERE, family.child, family.guardian, family.address, "髙橋", "光が丘"):
        assert words not in text  # nor anywhere else in the page (values are numbers)
    assert {key for s in samples for key in s.labels} <= {"route", "step", "channel", "outcome", "kind", "job",
                                                          "result", "le"}


def test_each_app_exports_only_what_happened_in_it(database: Database, clock: FixedClock) -> None:
    family = seed(database)
    booking_app = client_for(database, clock, metrics_token=TOKEN)
    other_app = client_for(database, clock, metrics_token=TOKEN)

    _booked_by_phone(booking_app, family)

    assert _value(_scrape(booking_app), "azukari_bookings_total", channel="voice") == 1
    assert _value(_scrape(other_app), "azukari_bookings_total", channel="voice") == 0
    assert _value(_scrape(other_app), "azukari_webhook_seconds_count", route="/twilio/voice", step="") == 0


def test_the_outbox_backlog_its_oldest_age_and_the_open_cases_are_read_from_the_database(
        database: Database, clock: FixedClock) -> None:
    family = seed(database)
    with database.unit_of_work() as session:
        household = session.get(Household, family.household_pk)
        assert household is not None
        enqueue(session, household=household, kind="notice", body="お知らせ",
                now=clock.now() - dt.timedelta(minutes=90))
        open_escalation(session, kind="callback", channel="voice", now=clock.now(), calling_number=ELSEWHERE,
                        details={}, dedupe_key="callback:voice:1")
        session.commit()

    text = _scrape(client_for(database, clock, metrics_token=TOKEN))

    assert _value(text, "azukari_outbox_backlog") == 1
    assert _value(text, "azukari_outbox_oldest_unsent_seconds") == 90 * 60
    assert _value(text, "azukari_escalations_open", kind="callback") == 1
    assert "azukari_seat_offers_open 0.0" in text


def test_a_job_run_is_counted_by_job_and_result(database: Database, clock: FixedClock) -> None:
    client = client_for(database, clock, metrics_token=TOKEN)
    runtime = client.app.state.runtime  # type: ignore[attr-defined]

    jobs.run_once(runtime)

    assert _value(_scrape(client), "azukari_job_runs_total", job="day-before reminders queued", result="ok") == 1


def test_the_seat_offers_gauge_counts_offers_holding_a_seat_until_taken_or_lapsed(
        database: Database, tmp_path: Path) -> None:
    from facilities_files import import_facilities_text
    from test_booking_service import NOW, add_child
    from test_booking_waitlist import ONE_SEAT, booked, cancel, code_of, wait

    from azukari.booking import offers, waitlist

    def offers_open() -> float:
        runtime = build(Settings(database_url=database.url), database=database, clock=FixedClock(NOW))
        return _value(runtime.metrics.exposition().decode(), "azukari_seat_offers_open")

    with database.unit_of_work() as session:
        import_facilities_text(session, tmp_path, ONE_SEAT)
        holder, first, second = (add_child(session) for _ in range(3))
        ticket = booked(session, holder)
        for child in (first, second):
            wait(session, child)
        session.commit()
        assert offers_open() == 0  # waiting is not an offer
        cancel(session, holder, ticket.booking_number)  # the freed seat is held for the first family
        session.commit()
        assert offers_open() == 1
        offers.pass_on_lapsed(session, now=NOW + dt.timedelta(hours=13))  # not taken: passed to the second
        session.commit()
        assert offers_open() == 1
        taken = waitlist.accept(session, sender=second.household.phone, code=code_of(session, second),
                                now=NOW + dt.timedelta(hours=14))
        session.commit()
        assert taken is not None and offers_open() == 0
