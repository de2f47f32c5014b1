"""Import from the console in a real browser (issue 27, item 7): a file with problems shows them all, a good
CP932 file is checked, confirmed and imported."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_support import log_in, serving, shot
from playwright.sync_api import BrowserContext, Page
from sqlalchemy import func, select
from staff_support import add_staff, clock
from test_registration_importer import DEMO, OTHER, write

from azukari.db import Database
from azukari.households.models import Household

CLOCK = clock()
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _seed(database: Database) -> None:
    with database.unit_of_work() as session:
        add_staff(session, username="ito", role="admin", now=CLOCK.now())
        session.commit()


@pytest.fixture(scope="session")  # outlives other files\' tests run between these (see test_parents_pages)
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    with serving(tmp_path_factory, "import.db", seed=_seed, clock=CLOCK) as found:
        yield found


@pytest.fixture
def admin(new_context: Callable[..., BrowserContext], served: tuple[str, Database]) -> Page:
    page = new_context(served[0]).new_page()
    log_in(page, "ito", clock=CLOCK)
    page.goto("/staff/import")
    return page


def test_an_admin_sees_every_problem_then_imports_a_cp932_file_in_the_browser(
        admin: Page, served: tuple[str, Database], tmp_path: Path) -> None:
    _url, database = served
    broken = write(tmp_path / "broken.csv", [{**DEMO, "phone": "12"}, {**OTHER, "child_birthdate": "2023-02-30"}])
    admin.set_input_files("input[name=file]", str(broken))
    admin.click("button:has-text('確認する')")
    problems = admin.locator("#import-problems li")
    assert problems.count() == 2
    assert "line 2" in problems.nth(0).inner_text() and "line 3" in problems.nth(1).inner_text()
    shot(admin, "import-problems")
    good = write(tmp_path / "households.csv", [DEMO, OTHER], encoding="cp932")
    admin.set_input_files("input[name=file]", str(good))
    admin.click("button:has-text('確認する')")
    assert admin.inner_text("#import-households") == "2"
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Household)) == 0
    admin.click("button:has-text('取り込む')")
    admin.wait_for_selector("#import-running")  # the progress page, which refreshes itself (no JavaScript)
    assert "新規 2" in admin.inner_text("#import-done")
    shot(admin, "import-done")
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Household)) == 2
