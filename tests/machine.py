"""What the test machine offers: PostgreSQL, Chromium, whether this is CI; and what to do when one is missing.

Test files import these from here, never from a conftest: tests/ and tests/browser/ each have a
conftest.py, and `from conftest import ...` would get whichever of the two was imported last.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

PG_ADMIN_URL = os.environ.get("AZUKARI_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CHROMIUM = Path(os.environ.get("AZUKARI_TEST_CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI") == "true"


def unavailable(reason: str) -> NoReturn:
    """Skip for want of `reason` on a developer's machine; fail in CI, where nothing may be missing."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)
