"""The browser tests' shared fixtures: one Chromium per test file, and browser contexts closed after each test.

tests/conftest.py skips (or, in CI, fails) the tests marked `browser` when Chromium is absent.
Helpers the test files call (a running server, logging in, screenshots) are in `browser_support.py`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(chromium_path), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """A fresh context (cookies and all) per call, in Japanese at desk size on `base_url`; closed after the test."""
    contexts: list[BrowserContext] = []

    def make(base_url: str, **options: Any) -> BrowserContext:
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="ja-JP", base_url=base_url,
                                      **options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
