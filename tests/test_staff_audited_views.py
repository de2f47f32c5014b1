"""Every view that shows a household's data is in that household's audit trail (issue 9 item 8)."""
from __future__ import annotations

from sqlalchemy import select
from staff_support import add_household, add_staff, client_for, clock, csrf_of, log_in

from azukari.db import Database
from azukari.oversight.models import AuditEntry


def test_a_search_puts_itself_in_the_trail_of_each_household_it_showed(database: Database) -> None:
    fixed = clock()
    with database.unit_of_work() as session:
        add_staff(session, username="sato", role="centre", now=fixed.now())
        shown = add_household(session, now=fixed.now())
        not_shown = add_household(session, now=fixed.now(), phone="080-9876-5432")
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "sato")
    client.post("/staff/households/find", data={"csrf": csrf_of(client, "/staff/households"),
                                                "query": shown.household_id})
    with database.unit_of_work() as session:
        trails = {pk: list(session.scalars(select(AuditEntry.action).where(AuditEntry.household_pk == pk)))
                  for pk in (shown.id, not_shown.id)}
    assert trails == {shown.id: ["household.shown_in_search"], not_shown.id: []}
