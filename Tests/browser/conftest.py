"""Browser tests: the release binary (with Redis and PostgreSQL, as in Tests/e2e) serves
its pages, and a real headless Chromium (Debian's `chromium`, driven by Playwright from
PyPI, never `playwright install`) loads them over real sockets.

    swift build -c release --product stockpush
    STOCKPUSH_BIN=$PWD/.build/release/stockpush REDIS_URL=... DATABASE_URL=... \\
        .build-venv/bin/python -m pytest -q Tests/browser

Fixtures: `server_factory` / `server` (from Tests/e2e/conftest.py), `browser` (one
Chromium per module) and `page` (a fresh page per test; console errors, page
errors and whatever the server sends it that docs/openapi.yaml or docs/asyncapi.yaml
do not describe fail the test)."""
import importlib.util
import json
import os
import re
import sys
from urllib.parse import urlsplit

import pytest

HERE = os.path.dirname(__file__)
E2E = os.path.join(HERE, "..", "e2e")
sys.path.insert(0, E2E)

# The e2e fixtures, shared (loaded under another name: this file is `conftest` too).
_spec = importlib.util.spec_from_file_location("e2e_conftest", os.path.join(E2E, "conftest.py"))
_e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_e2e)
environment, database = _e2e.environment, _e2e.database
server_factory, server = _e2e.server_factory, _e2e.server
pytest_runtest_makereport = _e2e.pytest_runtest_makereport
spec_drift_guard = _e2e.spec_drift_guard
from spec_guard import SpecDrift, check_http, check_message  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    """A fresh page; an uncaught error or a console error on it fails the test, and so
    does anything the server sends it that docs/asyncapi.yaml or docs/openapi.yaml do
    not describe (every price-stream message, and the page's HTTP responses)."""
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("console", lambda message: errors.append(f"console {message.type}: {message.text}")
            if message.type == "error" else None)
    page.on("websocket", lambda ws: _guard_stream(ws, errors))
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.errors = errors
    page.wait_for_function = _csp_safe(page.wait_for_function)
    try:
        yield page
        _guard_responses(responses, errors)
    finally:
        context.close()
    assert not errors, errors


def _guard_stream(ws, errors):
    if urlsplit(ws.url).path != "/ws/stock/prices":
        return

    def received(payload):
        try:
            check_message(json.loads(payload), where=f"the page's {ws.url}")
        except (SpecDrift, ValueError) as error:
            errors.append(str(error))
    ws.on("framereceived", received)


def _guard_responses(responses, errors):
    """Every response the server gave the page, checked against openapi.yaml."""
    for response in responses:
        if not response.url.startswith("http://127.0.0.1:") or response.status == 101:
            continue
        try:
            body = response.body() if response.status not in (204, 304) else b""
        except Exception:  # noqa: BLE001 - a body the browser no longer holds (navigated away)
            continue
        headers = {name.lower(): value for name, value in response.headers.items()}
        try:
            check_http(response.request.method, response.url, response.status, headers, body)
        except SpecDrift as error:
            errors.append(str(error))


# A function, as opposed to a bare expression: `x => ...`, `(a, b) => ...`, `function ...`.
_FUNCTION = re.compile(r"^\s*(async\s+)?(function\b|\w+\s*=>|\([^()]*\)\s*=>)")


def _csp_safe(wait_for_function):
    """Playwright polls a bare-expression predicate by eval-ing it in the page, which
    the pages' Content-Security-Policy (script-src 'self', no 'unsafe-eval') blocks as
    soon as the first check is false; a function predicate is polled without eval. So
    expressions are wrapped in `() => (...)`, and tests may keep writing them plainly."""
    def wait(expression, *args, **kwargs):
        if not _FUNCTION.match(expression):
            expression = f"() => ({expression})"
        return wait_for_function(expression, *args, **kwargs)
    return wait


ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
ARTIFACTS = os.environ.get("ARTIFACTS_DIR", os.path.join(ROOT, ".build-artifacts"))


def screenshot(page, name, locator=None):
    """Saves a full-page PNG (or one of `locator`'s element) under $ARTIFACTS_DIR/screenshots
    (default .build-artifacts/, which git ignores), where CI picks up artifacts; returns its path."""
    folder = os.path.join(ARTIFACTS, "screenshots")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{name}.png")
    if locator is not None:
        locator.screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=True)
    return path
