"""The printable roster (A4, one facility and one day per page, an attendance column) and the household's history."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from staff_support import MONDAY, add_facilities, add_household, add_staff, client_for, clock, log_in

from azukari.booking import roster
from azukari.booking import service as booking
from azukari.booking.models import Facility, Unit
from azukari.clock import FixedClock
from azukari.db import Database
from azukari.oversight.models import AuditEntry

TUESDAY = (MONDAY + dt.timedelta(days=1)).date()
CSS = Path(__file__).resolve().parents[1] / "azukari" / "staff" / "static" / "console.css"


def _unit(database: Database, facility_key: int, unit_key: int = 1) -> int:
    with database.unit_of_work() as session:
        found = session.scalar(select(Unit.id).join(Facility).where(Facility.key == facility_key, Unit.key == unit_key))
        assert found is not None
        return found


def _facility(database: Database, key: int) -> int:
    with database.unit_of_work() as session:
        found = session.scalar(select(Facility.id).where(Facility.key == key))
        assert found is not None
        return found


def _desk(database: Database, *, role: str = "centre", facility_key: int | None = None,
          dv: bool = False) -> tuple[TestClient, FixedClock, int, int]:
    fixed = clock()
    with database.unit_of_work() as session:
        add_facilities(session)
        facility_id = session.scalar(select(Facility.id).where(Facility.key == facility_key)) if facility_key else None
        add_staff(session, username="sato", role=role, now=fixed.now(), facility_id=facility_id)
        home = add_household(session, now=fixed.now(), dv=dv)
        household_pk, child_id = home.id, home.children[0].id
        session.commit()
    client = client_for(database, fixed)
    log_in(client, "sato")
    return client, fixed, household_pk, child_id


def _book(database: Database, child_id: int, *, day: dt.date, now: dt.datetime, facility_key: int = 1,
          channel: str = "voice") -> int:
    with database.unit_of_work() as session:
        booked = booking.book(session, child_id=child_id, unit_id=_unit(database, facility_key), day=day,
                              channel=channel, language="ja", now=now)
        session.commit()
    assert isinstance(booked, booking.Booked), booked
    return booked.reservation_id


def _sheets(page: str) -> list[str]:
    return re.findall(r'<section class="sheet".*?</section>', page, re.S)


def test_the_stylesheet_prints_a4_pages_one_sheet_to_a_page() -> None:
    css = CSS.read_text(encoding="utf-8")
    assert re.search(r"@page\s*{\s*size:\s*A4 portrait", css)
    sheet = re.search(r"\.sheet \{[^}]*\}", css)
    assert sheet is not None and "break-after: page" in sheet.group() and "page-break-after: always" in sheet.group()


def test_every_facility_prints_its_own_sheet_for_the_day_with_an_attendance_column(database: Database) -> None:
    client, fixed, _pk, child_id = _desk(database)
    _book(database, child_id, day=TUESDAY, now=fixed.now())
    page = client.get(f"/staff/roster/print?day={TUESDAY}").text
    sheets = _sheets(page)
    assert len(sheets) == 5 and all(f'data-day="{TUESDAY}"' in s for s in sheets)
    hikarigaoka = next(s for s in sheets if "光が丘子ども家庭支援センター" in s)
    assert "2026年6月2日（火）" in hikarigaoka and "髙橋 陽翔" in hikarigaoka and "<th class=\"attendance\">出欠</th>" \
        in hikarigaoka
    assert "□出席 □欠席" in hikarigaoka and "合計 1名" in hikarigaoka
    assert all("髙橋 陽翔" not in s for s in sheets if s is not hikarigaoka)


def test_a_marked_booking_prints_its_mark(database: Database) -> None:
    client, fixed, _pk, child_id = _desk(database)
    reservation = _book(database, child_id, day=TUESDAY, now=fixed.now())
    fixed.advance(days=1)
    log_in(client, "sato")
    with database.unit_of_work() as session:
        assert roster.mark_attendance(session, reservation_id=reservation, facility_id=_facility(database, 1),
                                      mark="present", actor="staff:1", now=fixed.now())
        session.commit()
    sheet = _sheets(client.get(f"/staff/roster/print?facility={_facility(database, 1)}&day={TUESDAY}").text)
    assert len(sheet) == 1 and "<strong>出席</strong>" in sheet[0] and "□出席" not in sheet[0]


def test_a_week_prints_seven_sheets_and_says_which_days_are_closed(database: Database) -> None:
    client, _fixed, _pk, _child = _desk(database)
    facility = _facility(database, 1)
    until = TUESDAY + dt.timedelta(days=30)  # a month asked for: a week printed
    sheets = _sheets(client.get(f"/staff/roster/print?facility={facility}&day={TUESDAY}&until={until}").text)
    assert [re.search(r'data-day="([\d-]+)"', s).group(1) for s in sheets] == [  # type: ignore[union-attr]
        (TUESDAY + dt.timedelta(days=n)).isoformat() for n in range(7)]
    sunday = next(s for s in sheets if "（日）" in s)
    assert "休所日" in sunday and all("休所日" not in s for s in sheets if s is not sunday)


def test_printing_is_audited_per_sheet(database: Database) -> None:
    client, _fixed, _pk, _child = _desk(database)
    client.get(f"/staff/roster/print?day={TUESDAY}")
    with database.unit_of_work() as session:
        details = list(session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "roster.viewed")))
    assert len(details) == 5 and all(d["printed"] is True and d["day"] == TUESDAY.isoformat() for d in details)


def test_facility_staff_print_only_their_own_facility(database: Database) -> None:
    client, _fixed, _pk, _child = _desk(database, role="facility", facility_key=2)
    sheets = _sheets(client.get(f"/staff/roster/print?day={TUESDAY}").text)
    assert len(sheets) == 1 and "関町子ども家庭支援センター" in sheets[0]
    assert client.get(f"/staff/roster/print?facility={_facility(database, 1)}&day={TUESDAY}").status_code == 403


def test_a_dv_household_is_marked_on_the_printed_sheet(database: Database) -> None:
    client, fixed, _pk, child_id = _desk(database, dv=True)
    _book(database, child_id, day=TUESDAY, now=fixed.now(), channel="staff")  # the bot books no DV household
    page = client.get(f"/staff/roster/print?facility={_facility(database, 1)}&day={TUESDAY}").text
    assert 'tag-dv">DV</span> 髙橋 陽翔' in page and 'id="dv-banner"' in page


def test_the_household_page_shows_a_years_history_cancelled_ones_included_and_nothing_older(
        database: Database) -> None:
    client, fixed, household_pk, child_id = _desk(database)
    long_ago = fixed.now() - dt.timedelta(days=400)
    _book(database, child_id, day=long_ago.date() + dt.timedelta(days=3), now=long_ago)
    _book(database, child_id, day=TUESDAY, now=fixed.now())
    cancelled = _book(database, child_id, day=TUESDAY + dt.timedelta(days=1), now=fixed.now())
    with database.unit_of_work() as session:
        number = session.scalar(select(booking.Reservation.booking_number)
                                .where(booking.Reservation.id == cancelled))
        assert number is not None
        booking.cancel(session, household_pk=household_pk, booking_number=number, channel="staff", language="ja",
                       now=fixed.now())
        session.commit()
    fixed.advance(days=5)
    log_in(client, "sato")
    page = client.get(f"/staff/households/{household_pk}").text
    history = page[page.index('id="history"'):]
    rows = re.findall(r"<tr><td>(\d{4}-\d{2}-\d{2})</td>.*?</tr>", history, re.S)
    assert rows == [(TUESDAY + dt.timedelta(days=1)).isoformat(), TUESDAY.isoformat()]  # latest first
    assert "取消" in history and "利用" in history
    assert (long_ago.date() + dt.timedelta(days=3)).isoformat() not in page
