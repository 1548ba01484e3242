"""Browser-test fixtures: one headless Chromium per session, apps served over real HTTP.

The browser is Debian's ``chromium`` (or ``CAMPAIGNKIT_TEST_CHROMIUM``), driven
by Playwright; nothing is downloaded. Without it the browser tests are skipped,
except when ``CI=true``: there they fail, because CI must run them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from campaignkit.core.app import create_app
from campaignkit.core.init_instance import init_instance
from campaignkit.testing import migrate

CHROMIUM_ENV = "CAMPAIGNKIT_TEST_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 5_000


def _unavailable(reason: str) -> None:
    """Skip the browser tests, or fail them when running in CI."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (one per test session)."""
    executable = os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM
    if not (Path(executable).is_file() and os.access(executable, os.X_OK)):
        _unavailable(
            f"no Chromium executable at {executable} "
            f"(install Debian's chromium package or set {CHROMIUM_ENV})"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Open pages in fresh browser contexts (phone-sized unless told); all closed afterwards."""
    contexts: list[Any] = []

    def open_page(viewport: dict[str, int] | None = None, java_script_enabled: bool = True) -> Any:
        context = browser.new_context(
            viewport=viewport or PHONE, java_script_enabled=java_script_enabled
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_page: Callable[..., Any]) -> Any:
    """A page in a 390x844 phone viewport with JavaScript on."""
    return new_page(PHONE)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Keep the test output free of access-log lines."""


@pytest.fixture
def serve() -> Iterator[Callable[[Flask], str]]:
    """Serve apps over HTTP on free localhost ports; returns each base URL (no trailing /)."""
    running: list[tuple[Any, threading.Thread]] = []

    def start(app: Flask) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
        thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="live-server", daemon=True
        )
        thread.start()
        running.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def campaignkit_database_url() -> None:
    """Browser tests look at pages, not databases: SQLite only, run once."""
    return None


@pytest.fixture
def live_url(app: Flask, serve: Callable[[Flask], str]) -> str:
    """The base URL of the test instance's app (the UK kit, rose theme, unless overridden)."""
    return serve(app)


@pytest.fixture
def make_site(
    tmp_path: Path, serve: Callable[[Flask], str]
) -> Iterator[Callable[..., tuple[Flask, str]]]:
    """Make, migrate and serve another instance; returns (app, base URL)."""
    apps: list[Flask] = []

    def build(
        theme: str | None = None,
        kit: str = "uk",
        extra_plugins: Iterable[tuple[str, Any]] = (),
    ) -> tuple[Flask, str]:
        folder = init_instance(
            tmp_path / f"site-{len(apps)}", kit=kit, theme=theme, name="Test campaign"
        )
        app = migrate(create_app(folder, extra_plugins=extra_plugins, testing=True))
        apps.append(app)
        return app, serve(app)

    yield build
    for app in apps:
        app.extensions["campaignkit"].database.dispose()
