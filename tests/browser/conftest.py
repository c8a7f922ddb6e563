"""A real browser against the app served by a real WSGI server.

- ``app``           overrides the suite's app: a file SQLite database for the session (the
                    server thread and the test share it) and CSRF on, as in production.
- ``live_server``   werkzeug's threaded server on 127.0.0.1, port picked by the kernel.
- ``browser``       Debian's Chromium through Playwright (never a downloaded browser), one
                    per session; skips locally when missing, fails under CI=true.
- ``phone`` / ``desktop``  a fresh context and page per test at 390×844 / 1280×900.

The suite's autouse ``_context`` still empties the tables and seeds the directory before
each test, so every journey starts from the same data.
"""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from avvikelse import create_app
from avvikelse.extensions import db
from tests.fixtures.servers import missing

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# TOOLCHAIN.md: what Debian's Chromium needs as root in a container, and no network chatter.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def pytest_collection_modifyitems(items):
    # A real browser and a real server: out of the PostgreSQL pass (`-m "not integration"`).
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    db_file = tmp_path_factory.mktemp("browser-db") / "avvikelse.db"
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_file}",
        MAIL_FOLDER=str(tmp_path_factory.mktemp("browser-mail")),
        WTF_CSRF_ENABLED=True,
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _context(browser, live_server, viewport, **extra):
    context = browser.new_context(
        base_url=live_server, viewport=viewport, locale="sv-SE",
        timezone_id="Europe/Stockholm", **extra,
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser, live_server):
    context = _context(browser, live_server, PHONE, is_mobile=True, has_touch=True,
                       device_scale_factor=2)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    context = _context(browser, live_server, DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """More pages (one per person in a journey), each its own context: its own cookies."""
    contexts = []

    def make(viewport=DESKTOP, **extra):
        context = _context(browser, live_server, viewport, **extra)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
