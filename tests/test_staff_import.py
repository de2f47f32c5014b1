"""Import from the console (issue 27, item 7): households.csv uploaded, every problem shown at once as the
command prints them, then confirmed: the same all-or-nothing import, audited as the command's is."""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update
from staff_support import add_staff, client_for, clock, csrf_of, log_in
from test_registration_importer import DEMO, OTHER, counts, write

from azukari.clock import FixedClock, tokyo_date
from azukari.db import Database
from azukari.oversight.models import AuditEntry
from azukari.registration.households_csv import HouseholdImportError, parse_households
from azukari.staff import import_runs
from azukari.staff.models import ImportUpload, StaffAccount, StaffSession


def _desk(database: Database, *names: tuple[str, str]) -> dict[str, TestClient]:
    fixed = clock()
    with database.unit_of_work() as session:
        for username, role in names:
            add_staff(session, username=username, role=role, now=fixed.now())
        session.commit()
    clients = {}
    for username, _role in names:
        clients[username] = client_for(database, fixed)
        log_in(clients[username], username)
    return clients


def _upload(client: TestClient, data: bytes) -> tuple[int, str]:
    response = client.post("/staff/import", data={"csrf": csrf_of(client, "/staff/import")},
                           files={"file": ("households.csv", data, "text/csv")})
    return response.status_code, response.text


def _confirm_path(page: str) -> str:
    found = re.search(r'action="(/staff/import/\d+/confirm)"', page)
    assert found is not None, page[:500]
    return found.group(1)


def _finished(client: TestClient, page: str) -> str:
    """Follow the progress page as the browser does (its meta refresh) until the import is done or failed."""
    deadline = time.monotonic() + 120
    while (found := re.search(r'http-equiv="refresh" content="2; url=([^"]+)"', page)) is not None:
        assert time.monotonic() < deadline, "the import never finished"
        time.sleep(0.1)
        response = client.get(found.group(1))
        assert response.status_code in (200, 422), response.text[:300]
        page = response.text
    return page


def _households(count: int) -> list[dict[str, str]]:
    first = dt.date(2023, 1, 1)
    return [{**OTHER, "household_id": f"{30000000 + i}",
             "child_birthdate": (first + dt.timedelta(days=i)).isoformat()} for i in range(count)]


def _imports(database: Database) -> int:
    with database.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "households.imported")) or 0


def test_every_problem_of_the_file_shows_at_once_as_the_command_prints_them(database: Database,
                                                                             tmp_path: Path) -> None:
    client = _desk(database, ("ito", "admin"))["ito"]
    broken = [{**DEMO, "phone": "12"}, {**OTHER, "child_birthdate": "2023-02-30"}, {**OTHER, "household_id": "x"}]
    data = write(tmp_path / "households.csv", broken).read_bytes()
    try:
        parse_households(data, today=tokyo_date(clock().now()))
    except HouseholdImportError as error:
        expected = error.errors
    assert len(expected) >= 3
    status, page = _upload(client, data)
    assert status == 422
    shown = [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", page.split('id="import-problems"')[1])]
    assert shown == expected
    assert "nothing imported" in page and "/confirm" not in page
    assert counts(database) == (0, 0)


def test_a_cp932_file_checked_then_confirmed_is_imported_and_audited_with_its_digest(database: Database,
                                                                                      tmp_path: Path) -> None:
    client = _desk(database, ("ito", "admin"))["ito"]
    data = write(tmp_path / "households.csv", [DEMO, OTHER], encoding="cp932").read_bytes()
    status, page = _upload(client, data)
    assert status == 200 and 'id="import-households">2<' in page
    assert counts(database) == (0, 0)  # checked, not imported yet
    done = client.post(_confirm_path(page), data={"csrf": csrf_of(client, "/staff/import")})
    assert done.status_code == 200
    shown = _finished(client, done.text)
    assert "取り込みました" in shown and "新規 2" in shown
    assert counts(database) == (2, 2)
    with database.unit_of_work() as session:
        me = session.scalars(select(StaffAccount.id)).one()
        (actor, detail), = session.execute(select(AuditEntry.actor, AuditEntry.detail)
                                           .where(AuditEntry.action == "households.imported")).all()
        assert actor == f"staff:{me}"
        assert detail["digest"] == hashlib.sha256(data).hexdigest()
        assert (detail["households"], detail["created"]) == (2, 2)
        kept = session.scalars(select(ImportUpload.data)).all()
        assert kept == [b""]  # the file is not kept, only how its import ended


def test_a_centre_clerk_can_neither_open_nor_upload(database: Database, tmp_path: Path) -> None:
    client = _desk(database, ("sato", "centre"))["sato"]
    assert client.get("/staff/import").status_code == 403
    data = write(tmp_path / "households.csv", [DEMO]).read_bytes()
    response = client.post("/staff/import", data={"csrf": csrf_of(client)},
                           files={"file": ("households.csv", data, "text/csv")})
    assert response.status_code == 403
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(ImportUpload)) == 0


def test_one_admins_checked_file_cannot_be_confirmed_by_another(database: Database, tmp_path: Path) -> None:
    clients = _desk(database, ("ito", "admin"), ("kato", "admin"))
    _status, page = _upload(clients["ito"], write(tmp_path / "households.csv", [DEMO]).read_bytes())
    other = clients["kato"]
    response = other.post(_confirm_path(page), data={"csrf": csrf_of(other, "/staff/import")})
    assert response.status_code == 404
    assert counts(database) == (0, 0)


def test_the_done_page_counts_the_households_still_without_a_web_password_letter(database: Database,
                                                                                 tmp_path: Path) -> None:
    client = _desk(database, ("ito", "admin"))["ito"]
    _status, page = _upload(client, write(tmp_path / "households.csv", [DEMO, OTHER]).read_bytes())
    running = client.post(_confirm_path(page), data={"csrf": csrf_of(client, "/staff/import")})
    done = _finished(client, running.text)
    assert re.search(r'id="without-web-password">[^<]*: 2（', done), done[-800:]


def test_a_confirmed_file_of_thirty_households_shows_its_progress_then_its_summary(database: Database,
                                                                                   tmp_path: Path) -> None:
    client = _desk(database, ("ito", "admin"))["ito"]
    _status, page = _upload(client, write(tmp_path / "households.csv", _households(30)).read_bytes())
    running = client.post(_confirm_path(page), data={"csrf": csrf_of(client, "/staff/import")})
    assert running.status_code == 200
    assert 'id="import-running"' in running.text and 'http-equiv="refresh"' in running.text
    assert "/ 30 世帯" in running.text
    done = _finished(client, running.text)
    assert 'id="import-done"' in done and "新規 30" in done and 'http-equiv="refresh"' not in done
    assert counts(database) == (30, 30)
    with database.unit_of_work() as session:
        (state, done_rows, total), = session.execute(
            select(ImportUpload.state, ImportUpload.done_rows, ImportUpload.total_rows)).all()
    assert (state, done_rows, total) == ("done", 30, 30)


def test_a_second_confirm_of_the_same_upload_starts_no_second_import(database: Database, tmp_path: Path) -> None:
    client = _desk(database, ("ito", "admin"))["ito"]
    _status, page = _upload(client, write(tmp_path / "households.csv", _households(30)).read_bytes())
    csrf = csrf_of(client, "/staff/import")
    first = client.post(_confirm_path(page), data={"csrf": csrf})
    again = client.post(_confirm_path(page), data={"csrf": csrf})
    assert first.status_code == again.status_code == 200
    _finished(client, first.text)
    assert "新規 30" in _finished(client, again.text)
    after = client.post(_confirm_path(page), data={"csrf": csrf})  # once it is done, too
    assert "新規 30" in after.text
    assert _imports(database) == 1
    assert counts(database) == (30, 30)


def test_an_import_the_database_refuses_shows_the_failure_and_writes_nothing(database: Database,
                                                                           tmp_path: Path) -> None:
    client = _desk(database, ("ito", "admin"))["ito"]
    _status, page = _upload(client, write(tmp_path / "households.csv", _households(30)).read_bytes())
    refuse = {"sqlite": ["CREATE TRIGGER refuse_children BEFORE INSERT ON children "
                         "BEGIN SELECT RAISE(ABORT, 'refused'); END"],
              "postgresql": ["CREATE FUNCTION refuse_children() RETURNS trigger AS $$ BEGIN "
                             "RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql",
                             "CREATE TRIGGER refuse_children BEFORE INSERT ON children "
                             "FOR EACH ROW EXECUTE FUNCTION refuse_children()"]}[database.dialect]
    with database.engine.begin() as connection:
        for statement in refuse:
            connection.execute(text(statement))
    try:
        running = client.post(_confirm_path(page), data={"csrf": csrf_of(client, "/staff/import")})
        failed = _finished(client, running.text)
    finally:
        with database.engine.begin() as connection:
            connection.execute(text("DROP TRIGGER refuse_children" + (
                " ON children" if database.dialect == "postgresql" else "")))
            if database.dialect == "postgresql":
                connection.execute(text("DROP FUNCTION refuse_children()"))
    assert 'id="import-problems"' in failed and "何も登録していません" in failed and "/confirm" not in failed
    assert "refused" not in failed  # the database's own words are not shown
    assert counts(database) == (0, 0)
    assert _imports(database) == 0
    with database.unit_of_work() as session:
        assert session.scalars(select(ImportUpload.state)).all() == ["failed"]


def test_two_confirms_at_the_same_moment_start_one_import(database: Database, tmp_path: Path) -> None:
    client = _desk(database, ("ito", "admin"))["ito"]
    _status, page = _upload(client, write(tmp_path / "households.csv", _households(30)).read_bytes())
    csrf, path = csrf_of(client, "/staff/import"), _confirm_path(page)
    together = threading.Barrier(2)
    pages: list[str] = []

    def confirm() -> None:
        together.wait()
        pages.append(client.post(path, data={"csrf": csrf}).text)

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(pages) == 2
    assert all("新規 30" in _finished(client, shown) for shown in pages)
    assert _imports(database) == 1
    assert counts(database) == (30, 30)


def _upload_id(page: str) -> int:
    return int(_confirm_path(page).split("/")[3])


def _app_clock(client: TestClient) -> FixedClock:
    fixed: FixedClock = client.app.state.runtime.clock  # type: ignore[attr-defined]
    return fixed


def test_the_progress_page_shows_the_rows_done_while_the_import_still_runs(database: Database,
                                                                           tmp_path: Path) -> None:
    # On SQLite the import holds the only write lock throughout: the page must neither wait for it nor show 0.
    client = _desk(database, ("ito", "admin"))["ito"]
    _status, page = _upload(client, write(tmp_path / "households.csv", _households(200)).read_bytes())
    running = client.post(_confirm_path(page), data={"csrf": csrf_of(client, "/staff/import")})
    seen: list[int] = []
    slowest = 0.0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        began = time.monotonic()
        shown = client.get(f"/staff/import/{_upload_id(page)}").text
        slowest = max(slowest, time.monotonic() - began)
        found = re.search(r'id="import-done-rows">(\d+)<', shown)
        if found is None:
            break
        seen.append(int(found.group(1)))
        time.sleep(0.02)
    assert "新規 200" in _finished(client, running.text)
    assert any(0 < done < 200 for done in seen), seen
    assert seen == sorted(seen)
    assert slowest < 5, slowest  # the writer-lock queue would hold a page for up to 30 s


def test_an_import_whose_server_was_killed_wrote_nothing_and_is_put_back_to_confirm_again(
        database: Database, tmp_path: Path) -> None:
    client = _desk(database, ("ito", "admin"))["ito"]
    _status, page = _upload(client, write(tmp_path / "households.csv", _households(400)).read_bytes())
    upload_id = _upload_id(page)
    # Another server process claims and runs the import, and is killed (SIGKILL) in the middle of it.
    server = subprocess.Popen([sys.executable, "-c", _ANOTHER_SERVER, database.url, str(upload_id)],
                              stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None and server.stdout.readline().strip() == "importing"
    time.sleep(1.5)
    assert server.poll() is None, "the import ended before the server could be killed"
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    with database.unit_of_work() as session:
        assert session.scalar(select(ImportUpload.state)) == "running"
    assert counts(database) == (0, 0)
    _app_clock(client).advance(seconds=31)  # PostgreSQL: its runner's last report is older than STALE
    shown = client.get(f"/staff/import/{upload_id}", follow_redirects=True)
    assert shown.status_code == 200
    assert 'id="import-interrupted"' in shown.text and "何も登録していません" in shown.text
    assert 'http-equiv="refresh"' not in shown.text and "400</strong> 世帯" in shown.text
    again = client.post(_confirm_path(shown.text), data={"csrf": csrf_of(client, "/staff/import")})
    assert "新規 400" in _finished(client, again.text)
    assert counts(database) == (400, 400)
    assert _imports(database) == 1


_ANOTHER_SERVER = """
import datetime as dt, sys
from azukari import runtime
from azukari.clock import TOKYO, FixedClock
from azukari.settings import Settings
from azukari.staff import import_runs
url, upload_id = sys.argv[1], int(sys.argv[2])
monday = dt.datetime(2026, 6, 1, 10, 0, tzinfo=TOKYO)
built = runtime.build(Settings(database_url=url), clock=FixedClock(monday.astimezone(dt.UTC)))
with built.database.unit_of_work() as session:
    assert import_runs.claim(session, database=built.database, upload_id=upload_id, now=built.clock.now())
    session.commit()
print("importing", flush=True)
import_runs.run_import(built, upload_id, actor="staff:1", today=monday.date())
"""


def test_on_postgresql_an_import_another_server_still_reports_on_is_left_running(pg_database: Database,
                                                                                  tmp_path: Path) -> None:
    client = _desk(pg_database, ("ito", "admin"))["ito"]
    _status, page = _upload(client, write(tmp_path / "households.csv", _households(30)).read_bytes())
    upload_id = _upload_id(page)
    now = _app_clock(client).now()
    with pg_database.unit_of_work() as session:
        session.execute(update(ImportUpload).values(state="running", runner="another-server", done_rows=12,
                                                    heartbeat_at=now - dt.timedelta(seconds=20)))
        session.commit()
    shown = client.get(f"/staff/import/{upload_id}")
    assert shown.status_code == 200 and 'id="import-done-rows">12<' in shown.text
    _app_clock(client).advance(seconds=11)  # 31 s since it last reported: stopped
    assert client.get(f"/staff/import/{upload_id}").status_code == 303
    with pg_database.unit_of_work() as session:
        assert session.scalar(select(ImportUpload.state)) == "checked"


def test_a_row_this_process_runs_with_no_thread_left_is_put_back(database: Database, tmp_path: Path) -> None:
    # The thread ended without telling the row (its last write failed too): no page may refresh forever.
    client = _desk(database, ("ito", "admin"))["ito"]
    _status, page = _upload(client, write(tmp_path / "households.csv", _households(3)).read_bytes())
    with database.unit_of_work() as session:
        session.execute(update(ImportUpload).values(state="running", runner=import_runs.RUNNER,
                                                    heartbeat_at=_app_clock(client).now()))
        session.commit()
    shown = client.get(f"/staff/import/{_upload_id(page)}", follow_redirects=True)
    assert 'id="import-interrupted"' in shown.text
    assert counts(database) == (0, 0)


def test_watching_the_progress_does_not_keep_an_idle_session_alive(database: Database, tmp_path: Path) -> None:
    client = _desk(database, ("ito", "admin"))["ito"]
    _status, page = _upload(client, write(tmp_path / "households.csv", _households(3)).read_bytes())
    with database.unit_of_work() as session:
        before = session.scalar(select(StaffSession.last_seen_at))
    _app_clock(client).advance(minutes=5)
    assert client.get(f"/staff/import/{_upload_id(page)}").status_code == 200
    with database.unit_of_work() as session:
        assert session.scalar(select(StaffSession.last_seen_at)) == before
