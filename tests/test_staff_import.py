"""Import from the console (issue 27, item 7): households.csv uploaded, every problem shown at once as the
command prints them, then confirmed: the same all-or-nothing import, audited as the command's is."""
from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from staff_support import add_staff, client_for, clock, csrf_of, log_in
from test_registration_importer import DEMO, OTHER, counts, write

from azukari.clock import tokyo_date
from azukari.db import Database
from azukari.oversight.models import AuditEntry
from azukari.registration.households_csv import HouseholdImportError, parse_households
from azukari.staff.models import ImportUpload, StaffAccount


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
    assert done.status_code == 200 and "取り込みました" in done.text and "新規 2" in done.text
    assert counts(database) == (2, 2)
    with database.unit_of_work() as session:
        me = session.scalars(select(StaffAccount.id)).one()
        (actor, detail), = session.execute(select(AuditEntry.actor, AuditEntry.detail)
                                           .where(AuditEntry.action == "households.imported")).all()
        assert actor == f"staff:{me}"
        assert detail["digest"] == hashlib.sha256(data).hexdigest()
        assert (detail["households"], detail["created"]) == (2, 2)
        assert session.scalar(select(func.count()).select_from(ImportUpload)) == 0  # the file is not kept


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
    done = client.post(_confirm_path(page), data={"csrf": csrf_of(client, "/staff/import")})
    assert re.search(r'id="without-web-password">[^<]*: 2（', done.text), done.text[-800:]
