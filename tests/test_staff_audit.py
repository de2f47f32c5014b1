"""The audit page: filters, chain check against tampering, CSV export."""
from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient
from sqlalchemy import text
from staff_support import add_household, add_staff, client_for, clock, csrf_of, log_in

from azukari.db import Database
from azukari.oversight import audit


def _admin(database: Database) -> tuple[TestClient, str]:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="admin", role="admin", now=fixed.now())
        household = add_household(session, now=fixed.now())
        for action in ("household.viewed", "booking.created", "household.viewed"):
            audit.record(session, actor="bot", action=action, now=fixed.now(), household_pk=household.id)
        audit.record(session, actor="bot", action="verification.refused", now=fixed.now())
        session.commit()
        household_id = household.household_id
    client = client_for(database, fixed)
    log_in(client, "admin")
    return client, household_id


def test_an_untouched_chain_is_shown_as_intact(database: Database) -> None:
    client, _household_id = _admin(database)
    assert "記録の連鎖は完全です" in client.get("/staff/audit").text


def test_editing_an_audit_row_with_sql_shows_as_tampering(database: Database) -> None:
    client, _household_id = _admin(database)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET action = 'nothing.happened' WHERE id = "
                                "(SELECT MIN(id) + 1 FROM audit_log)"))
    page = client.get("/staff/audit").text
    assert "ハッシュが一致しません" in page and "記録の連鎖は完全です" not in page
    assert "鍵付きハッシュと一致しません（書き換えられています）" in page


def test_the_audit_log_filters_by_household(database: Database) -> None:
    client, household_id = _admin(database)
    page = client.post("/staff/audit", data={"csrf": csrf_of(client, "/staff/audit"), "household_id": household_id})
    assert page.text.count("<td>世帯の表示</td>") == 2 and "verification.refused" not in page.text


def test_an_admin_exports_the_filtered_audit_log_as_csv_with_its_hashes(database: Database) -> None:
    client, household_id = _admin(database)
    response = client.post("/staff/audit/export", data={"csrf": csrf_of(client, "/staff/audit"),
                                                        "household_id": household_id})
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))[:-1]
    assert response.headers["content-type"].startswith("text/csv")
    assert [r["操作コード"] for r in rows] == ["household.viewed", "booking.created", "household.viewed"]
    assert all(len(r["ハッシュ"]) == 64 for r in rows)


def test_the_export_ends_with_the_chain_head_so_a_later_truncation_shows(database: Database) -> None:
    client, _household_id = _admin(database)
    response = client.post("/staff/audit/export", data={"csrf": csrf_of(client, "/staff/audit")})
    last = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))[-1]
    with database.unit_of_work() as session:
        head = audit.head(session)
    assert last["操作コード"] == "chain_head"
    assert (last["前の記録のハッシュ"], last["ハッシュ"]) == (str(head.count), head.hash)
    assert response.headers["x-audit-head"] == str(head)


def test_the_audit_page_shows_deleted_newest_entries_against_a_head_copied_from_it(database: Database) -> None:
    client, _household_id = _admin(database)
    page = client.get("/staff/audit").text
    found = re.search(r'id="chain-head">[^<]*<code>([^<]+)</code>', page)
    assert found is not None
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)"))
    checked = client.post("/staff/audit/verify", data={"csrf": csrf_of(client, "/staff/audit"),
                                                      "anchor": found.group(1)}).text
    assert "新しい記録が削除されています" in checked and "記録の連鎖は完全です" not in checked


def test_a_csv_cell_that_starts_like_a_formula_is_kept_as_text(database: Database) -> None:
    client, _household_id = _admin(database)
    fixed = clock()
    with database.unit_of_work() as session:
        for n, name in enumerate(['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1",
                                  "\r=1", "plain"]):
            staff = add_staff(session, username=f"mallory{n}", role="centre", now=fixed.now())
            staff.display_name = name
            audit.record(session, actor=f"staff:{staff.id}", action="household.viewed", now=fixed.now())
        session.commit()
    response = client.post("/staff/audit/export", data={"csrf": csrf_of(client, "/staff/audit")})
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"), newline="")))[:-1]
    names = [r["操作した人"] for r in rows if "mallory" in r["操作した人"]]
    assert names == ['\'=HYPERLINK("http://evil.example","x")（mallory0）', "'+1+1（mallory1）", "'-2+3（mallory2）",
                     "'@SUM(A1)（mallory3）", "'\t=1（mallory4）", "'\r=1（mallory5）", "plain（mallory6）"]
