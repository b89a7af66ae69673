"""Headless Debian Chromium driven by Playwright (never a downloaded browser).

Every test page runs with every non-``file:`` request aborted and recorded, and with its
console errors, page errors and dialogs recorded, so tests can assert that none happened.
Skipped (with the reason) where ``/usr/bin/chromium`` or Playwright is missing; CI
installs both (``.ci/run``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_helpers import Visit
from cli_helpers import ROOT

CHROMIUM = os.environ.get("TH_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
OUTPUT = ROOT / "out" / "test-browser"
READY_MS = 60_000  # generous: the machine may be loaded


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found (CI installs Debian's chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def visit(browser: Any) -> Iterator[Callable[[Path], Visit]]:
    contexts: list[Any] = []

    def open_page(path: Path) -> Visit:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(ctx)
        page = ctx.new_page()
        v = Visit(page)

        def route(r: Any) -> None:
            if r.request.url.startswith(("file:", "data:", "blob:", "about:")):
                r.continue_()
            else:
                v.external.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and v.console_errors.append(m.text))
        page.on("pageerror", lambda e: v.page_errors.append(str(e)))

        def dialog(d: Any) -> None:
            v.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(path.resolve().as_uri(), wait_until="load", timeout=READY_MS)
        page.wait_for_function("window.thMap && window.thMap.ready", timeout=READY_MS)
        return v

    yield open_page
    for ctx in contexts:
        ctx.close()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT
