"""`azukari worker --metrics-port`: the worker's own metrics (sends, job runs, the outbox) behind METRICS_TOKEN."""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from staff_support import add_household

from azukari import jobs, migrate
from azukari.clock import SystemClock
from azukari.db import Database
from azukari.messaging.outbox import enqueue
from azukari.operations.metrics import Metrics
from azukari.operations.metrics_http import MetricsServer, answer
from azukari.runtime import build
from azukari.settings import Settings

TOKEN = "worker-scrape-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _value(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def _queue_one(database: Database, now: dt.datetime) -> None:
    with database.unit_of_work() as session:
        household = add_household(session, now=now)
        enqueue(session, household=household, kind="notice", body="お知らせ", now=now)
        session.commit()


@pytest.mark.parametrize("header, status", [
    (None, 401), ("Bearer wrong", 401), (f"Basic {TOKEN}", 401), (f"Bearer {TOKEN}x", 401), (TOKEN, 401),
    (f"Bearer {TOKEN}", 200)])
def test_the_metrics_rule_wants_exactly_the_bearer_token(header: str | None, status: int) -> None:
    assert answer(Metrics(), token=TOKEN, authorization=header or "").status == status


def test_the_metrics_rule_finds_nothing_while_no_token_is_set() -> None:
    assert answer(Metrics(), token="", authorization="Bearer ").status == 404
    assert answer(Metrics(), token="", authorization=f"Bearer {TOKEN}").status == 404


def test_the_worker_metrics_listener_answers_by_the_same_rule_and_only_at_metrics() -> None:
    server = MetricsServer(Metrics(), token=TOKEN, host="127.0.0.1", port=0).start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        assert httpx.get(f"{base}/metrics").status_code == 401
        assert httpx.get(f"{base}/metrics").headers["WWW-Authenticate"] == "Bearer"
        scraped = httpx.get(f"{base}/metrics", headers=AUTH)
        assert scraped.status_code == 200 and scraped.headers["Content-Type"].startswith("text/plain; version=")
        assert httpx.get(f"{base}/", headers=AUTH).status_code == 404
        assert httpx.get(f"{base}/metrics/../healthz", headers=AUTH).status_code == 404
        assert httpx.post(f"{base}/metrics", headers=AUTH).status_code == 501
    finally:
        server.stop()
    untokened = MetricsServer(Metrics(), token="", host="127.0.0.1", port=0).start()
    try:
        assert httpx.get(f"http://127.0.0.1:{untokened.port}/metrics", headers=AUTH).status_code == 404
    finally:
        untokened.stop()


def test_each_send_is_counted_by_result_in_the_process_that_tried_it(database: Database) -> None:
    now = SystemClock().now()
    _queue_one(database, now)
    runtime = build(Settings(database_url=database.url), database=database, demo_sink=True)
    assert runtime.outbox_sender().send_due() == 1
    text = runtime.metrics.exposition().decode()
    assert _value(text, "azukari_outbox_sends_total", result="sent") == 1
    assert _value(text, "azukari_outbox_sends_total", result="retry") == 0


def test_a_worker_started_with_a_metrics_port_exports_its_sends_job_runs_and_the_outbox(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    database = Database(url)
    migrate.upgrade(database.engine)
    _queue_one(database, SystemClock().now())
    database.dispose()
    port = _free_port()
    environment = dict(os.environ, DATABASE_URL=url, METRICS_TOKEN=TOKEN, PUBLIC_BASE_URL="http://127.0.0.1:8000",
                       TWILIO_API_BASE_URL="http://127.0.0.1:9")  # a closed port: every send fails, to retry
    worker = subprocess.Popen([sys.executable, "-m", "azukari.cli", "worker", "--metrics-port", str(port)],
                              env=environment, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        text, deadline = "", time.monotonic() + 60
        while _value(text, "azukari_outbox_sends_total", result="retry") < 1:
            assert worker.poll() is None, (worker.stderr.read() if worker.stderr else b"").decode()[-2000:]
            assert time.monotonic() < deadline, text
            with contextlib.suppress(httpx.TransportError):  # not listening yet
                text = httpx.get(f"http://127.0.0.1:{port}/metrics", headers=AUTH, timeout=2).text
            time.sleep(0.2)
        assert _value(text, "azukari_outbox_retrying") == 1
        assert _value(text, "azukari_outbox_failed") == 0
        assert "# TYPE azukari_job_runs_total counter" in text
        assert "# TYPE azukari_outbox_oldest_unsent_seconds gauge" in text
        assert httpx.get(f"http://127.0.0.1:{port}/metrics").status_code == 401
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/metrics", headers=AUTH, timeout=2)


def test_job_runs_are_counted_in_the_worker_runtime_as_in_serve(database: Database) -> None:
    runtime = build(Settings(database_url=database.url), database=database)
    jobs.run_once(runtime)
    text = runtime.metrics.exposition().decode()
    assert _value(text, "azukari_job_runs_total", job="day-before reminders queued", result="ok") == 1


def test_every_send_result_is_exported_at_zero_before_the_first_send_so_alerts_can_compare_it() -> None:
    text = Metrics().exposition().decode()
    for result in ("sent", "retry", "failed"):
        assert f'azukari_outbox_sends_total{{result="{result}"}} 0.0' in text
