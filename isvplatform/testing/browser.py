"""Headless Chromium for browser tests, through Playwright's sync API (a pytest plugin).

Playwright never downloads a browser here: we drive the system Chromium, found through
`CHROMIUM_PATH` or on the PATH. Without one, browser tests skip with the reason shown,
except under CI (`CI` set), where a missing Chromium fails them.
"""

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = (
    "no Chromium found (set CHROMIUM_PATH or install the `chromium` package); "
    "browser tests are skipped outside CI"
)


def find_chromium() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_report_header(config) -> str:
    path = find_chromium()
    return f"chromium: {path}" if path else f"chromium: {MISSING_CHROMIUM}"


def pytest_terminal_summary(terminalreporter) -> None:
    """Say why browser tests were skipped, even without `-rs`."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if MISSING_CHROMIUM in str(report.longrepr)
    ]
    if skipped:
        terminalreporter.write_sep("-", "browser tests skipped", yellow=True)
        terminalreporter.write_line(f"{len(skipped)} browser test(s) skipped: {MISSING_CHROMIUM}")


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {MISSING_CHROMIUM.split(';')[0]}.", pytrace=False)
        pytest.skip(MISSING_CHROMIUM)
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator:
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the Django ORM calls made
    # by the test around it are still synchronous, so tell Django they are safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        instance = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Every frame of every page records its Content-Security-Policy violations, so that any
# browser test fails when the policy blocked something (a script, a style, a frame).
RECORD_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("Content Security Policy violation: " + e.effectiveDirective + " blocked " +
    (e.blockedURI || "inline") + " on " + e.documentURI + " (" + e.sourceFile + ":" +
    e.lineNumber + ")");
});
"""


def csp_violations(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m]


@pytest.fixture
def page(browser, live_server, transactional_db) -> Iterator:
    """A fresh browser context and page, aimed at the live server; the test fails if the
    page saw a Content-Security-Policy violation (`page.csp_messages` lists them)."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.csp_messages = messages
    yield page
    context.close()
    violations = csp_violations(messages)
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)
