"""One staff page request: it commits when the handler ends and shows the DV banner from what it renders."""
from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from staff_support import add_facilities, add_household, add_staff, client_for, clock, csrf_of, log_in

from azukari.booking import service as booking
from azukari.booking.models import Facility, Unit
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.households.models import Household
from azukari.oversight.escalations import open_escalation
from azukari.oversight.models import AuditEntry

TUESDAY = "2026-06-02"


def _dv_household_with_a_booking(database: Database) -> tuple[TestClient, FixedClock, Household]:
    fixed = clock()
    with database.unit_of_work() as session:
        add_facilities(session)
        add_staff(session, username="admin", role="admin", now=fixed.now())
        household = add_household(session, now=fixed.now(), dv=True)
        child = household.children[0]
        unit = session.scalar(select(Unit).join(Facility).where(Facility.key == 1, Unit.key == 1))
        assert unit is not None
        booking.book(session, child_id=child.id, unit_id=unit.id, day=fixed.now().date().replace(day=2),
                     channel="staff", language="ja", now=fixed.now())
        open_escalation(session, kind="dv_caller", channel="voice", now=fixed.now(), household_pk=household.id,
                        dv=True)
        session.commit()
        session.expunge_all()
    client = client_for(database, fixed)
    log_in(client, "admin")
    return client, fixed, household


def _banner(html: str) -> str | None:
    found = re.search(r'id="dv-banner">(.*?)</div>', html, re.S)
    return found.group(1) if found else None


def test_every_page_that_shows_a_dv_household_shows_the_banner_with_its_id(database: Database) -> None:
    client, _clock, household = _dv_household_with_a_booking(database)
    csrf = csrf_of(client)
    with database.unit_of_work() as session:
        facility_id = session.scalar(select(Facility.id).where(Facility.key == 1))
    pages = {
        "household": client.get(f"/staff/households/{household.id}"),
        "search": client.post("/staff/households/find", data={"csrf": csrf, "query": household.household_id}),
        "roster": client.get(f"/staff/roster?facility={facility_id}&day={TUESDAY}"),
        "escalations": client.get("/staff/escalations"),
        "options": client.post(f"/staff/households/{household.id}/options",
                               data={"csrf": csrf, "child_id": household.children[0].id, "day": TUESDAY}),
        "pin": client.get(f"/staff/households/{household.id}/pin"),
        "refused edit": client.post(f"/staff/households/{household.id}/edit",
                                    data={"csrf": csrf, "guardian_name": "", "guardian_kana": "", "phone": "",
                                          "address": ""}),
    }
    missing = [name for name, response in pages.items()
               if household.household_id not in (_banner(response.text) or "")]
    assert missing == []


def test_a_page_without_a_dv_household_shows_no_banner(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="admin", role="admin", now=fixed.now())
        household_pk = add_household(session, now=fixed.now()).id
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "admin")
    assert _banner(client.get(f"/staff/households/{household_pk}").text) is None


def test_a_refused_form_still_commits_the_view_it_shows(database: Database) -> None:
    client, _clock, household = _dv_household_with_a_booking(database)
    response = client.post(f"/staff/households/{household.id}/edit", data={
        "csrf": csrf_of(client), "guardian_name": "", "guardian_kana": "タカハシ", "phone": "090-1234-5678",
        "address": "東京都"})
    with database.unit_of_work() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.household_pk == household.id)))
        name = session.scalar(select(Household.guardian_name).where(Household.id == household.id))
    assert response.status_code == 422 and "保護者氏名を入力してください" in response.text
    assert actions.count("household.viewed") == 1 and "household.edited" not in actions and name == "髙橋 美咲"


def test_the_household_page_lists_the_past_years_bookings_cancelled_ones_included(database: Database) -> None:
    client, fixed, household = _dv_household_with_a_booking(database)
    fixed.advance(days=3)
    log_in(client, "admin")  # the session of three days ago has long expired
    page = client.get(f"/staff/households/{household.id}").text
    history = page[page.index('id="history"'):]
    assert "2026-06-02" in history and "09:00–12:00" in history and "利用" in history
    assert "今後の予約はありません" in page
