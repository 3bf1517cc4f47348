"""Every dashboard page opens in a real browser (headless Chromium) without an exception.

Screenshots of each page are saved under `.test-data/screenshots/` for a person to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from orchestration.paths import DATA_DIR_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / ".test-data" / "screenshots"
VIEWS = sorted(p.stem for p in (ROOT / "app" / "views").glob("*.py") if p.stem != "__init__")
DEFAULT_VIEW = "overview"  # served at the root URL; every other page at /<file name>


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard(demo_paths):
    """The dashboard served by `streamlit run` on the demo warehouse; yields its base URL."""
    port = _free_port()
    env = {**os.environ, DATA_DIR_VARIABLE: str(demo_paths.root)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app" / "streamlit_app.py"),
            "--server.headless=true",
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--browser.gatherUsageStats=false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _settle(page: Page) -> None:
    """Wait until Streamlit has finished running the page's script."""
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')",
        timeout=60_000,
    )
    # Plotly draws after the script has finished: wait until every chart holds its plot.
    page.wait_for_function(
        """() => {
            const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
            return [...charts].every((chart) => chart.querySelector('.main-svg'));
        }""",
        timeout=60_000,
    )
    page.wait_for_timeout(1000)


def _screenshot_whole(page: Page, path: Path) -> None:
    """Save the whole page: Streamlit scrolls inside its own container, so grow the window to fit it."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1600, "height": min(max(height, 1200), 12_000)})
    _settle(page)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1600, "height": 1200})


def test_every_page_opens_without_an_exception(dashboard):
    assert CHROMIUM.exists(), (
        "Debian's chromium is needed: `make test` installs it (apt-get install chromium)"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seen: dict[str, str] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        page = browser.new_page(viewport={"width": 1600, "height": 1200})
        for view in VIEWS:
            page.goto(f"{dashboard}/{'' if view == DEFAULT_VIEW else view}")
            _settle(page)
            assert page.get_by_text("Page not found").count() == 0, view
            _screenshot_whole(page, SCREENSHOTS / f"{view}.png")
            exceptions = page.locator('[data-testid="stException"]')
            assert exceptions.count() == 0, f"{view}: {exceptions.first.inner_text()}"
            seen[view] = page.locator("h1").first.inner_text()
        browser.close()

    assert set(seen) == set(VIEWS)
    assert seen["overview"] == "AI spend overview"


def test_filters_survive_a_page_change_in_the_browser(dashboard):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        page = browser.new_page(viewport={"width": 1600, "height": 1200})
        page.goto(dashboard)
        _settle(page)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_test_id("stMultiSelect").filter(has_text="Team").click()
        page.get_by_role("option", name="Customer Support").click()
        page.keyboard.press("Escape")
        _settle(page)
        links = page.get_by_test_id("stSidebarNav").get_by_role("link")
        for index in range(links.count()):
            links.nth(index).click()
            _settle(page)
            assert sidebar.get_by_text("Customer Support").count() >= 1, links.nth(index).inner_text()
        browser.close()
