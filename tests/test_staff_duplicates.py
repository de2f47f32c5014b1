"""The console's page of suspected duplicates (issue 27): listed, merged or dismissed by centre staff, audited."""
from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from staff_support import add_facilities, add_household, add_staff, client_for, clock, csrf_of, log_in

from azukari.booking.models import Facility
from azukari.db import Database
from azukari.households.models import Child, Household
from azukari.households.pairs import SuspectedDuplicate
from azukari.oversight.models import AuditEntry


def _setup(database: Database, *, role: str = "centre") -> tuple[TestClient, list[int], list[int]]:
    """One child registered twice at the counter, by two numbers."""
    fixed = clock()
    with database.unit_of_work() as session:
        add_facilities(session)
        facility_id = session.scalar(select(Facility.id).order_by(Facility.id).limit(1)) if role == "facility" else None
        add_staff(session, username="sato", role=role, now=fixed.now(), facility_id=facility_id)
        homes = [add_household(session, now=fixed.now()), add_household(session, now=fixed.now(),
                                                                         phone="080-2345-6789")]
        session.commit()
        children = [h.children[0].id for h in homes]
        pks = [h.id for h in homes]
    client = client_for(database, fixed)
    log_in(client, "sato")
    return client, pks, children


def _pair_id(database: Database) -> int:
    with database.unit_of_work() as session:
        return session.scalars(select(SuspectedDuplicate.id)).one()


def test_the_page_lists_a_child_registered_twice_with_both_household_ids(database: Database) -> None:
    client, pks, _ = _setup(database)
    page = client.get("/staff/duplicates").text
    with database.unit_of_work() as session:
        ids = [session.get(Household, pk).household_id for pk in pks]  # type: ignore[union-attr]
    assert all(household_id in page for household_id in ids)
    assert "同じ子として統合する" in page


def test_merging_keeps_the_chosen_child_and_number_and_is_audited(database: Database) -> None:
    client, pks, children = _setup(database)
    response = client.post(f"/staff/duplicates/{_pair_id(database)}/merge", data={
        "keep": str(children[0]), "phone_of": str(pks[1]), "csrf": csrf_of(client, "/staff/duplicates")})
    assert response.status_code == 303 and response.headers["location"] == f"/staff/households/{pks[0]}?done=merged"
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Child)) == 1
        assert session.get(Household, pks[0]).phone == "+818023456789"  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "duplicate.merged")) == 1
    assert "重複していた登録を統合しました" in client.get(f"/staff/households/{pks[0]}?done=merged").text


def test_dismissing_empties_the_list_and_keeps_both_children(database: Database) -> None:
    client, _, _ = _setup(database)
    response = client.post(f"/staff/duplicates/{_pair_id(database)}/dismiss",
                           data={"csrf": csrf_of(client, "/staff/duplicates")})
    assert response.headers["location"] == "/staff/duplicates?done=dismissed"
    assert "重複の疑いはありません" in client.get("/staff/duplicates").text
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Child)) == 2


def test_a_facility_account_cannot_open_the_page(database: Database) -> None:
    client, _, _ = _setup(database, role="facility")
    assert client.get("/staff/duplicates").status_code == 403


def test_a_merge_without_the_form_token_is_refused(database: Database) -> None:
    client, pks, children = _setup(database)
    response = client.post(f"/staff/duplicates/{_pair_id(database)}/merge",
                           data={"keep": str(children[0]), "phone_of": str(pks[0]), "csrf": "forged"})
    assert response.status_code == 403
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Child)) == 2
