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
from campaignkit.testing import edit_config, migrate

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


class LiveServer:
    """A threaded HTTP server on a free localhost port, listening before the app it serves is
    made, so that app's ``public_url`` can be the server's own address."""

    def __init__(self) -> None:
        self.app: Flask | None = None
        self.server = make_server(
            "127.0.0.1", 0, self._dispatch, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, args=(0.05,), name="live-server", daemon=True
        )
        self.thread.start()

    def _dispatch(self, environ: dict, start_response: Callable) -> Any:
        return self.app(environ, start_response)

    def stop(self) -> None:
        """Stop serving and close the port."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def live_servers() -> Iterator[Callable[[], LiveServer]]:
    """Start live servers on free localhost ports; each is stopped after the test."""
    running: list[LiveServer] = []

    def start() -> LiveServer:
        running.append(LiveServer())
        return running[-1]

    yield start
    for server in running:
        server.stop()


@pytest.fixture
def serve(live_servers: Callable[[], LiveServer]) -> Callable[[Flask], str]:
    """Serve apps over HTTP on free localhost ports; returns each base URL (no trailing /)."""

    def start(app: Flask) -> str:
        server = live_servers()
        server.app = app
        return server.url

    return start


@pytest.fixture
def live_server(live_servers: Callable[[], LiveServer]) -> LiveServer:
    """The server the test instance's app is served by (see ``live_url``)."""
    return live_servers()


@pytest.fixture
def ck_instance(ck_instance: Path, live_server: LiveServer) -> Path:
    """The test instance, its public URL the address its live server listens on."""
    edit_config(ck_instance, server={"public_url": live_server.url})
    return ck_instance


@pytest.fixture
def campaignkit_database_url() -> None:
    """Browser tests look at pages, not databases: SQLite only, run once."""
    return None


@pytest.fixture
def live_url(app: Flask, live_server: LiveServer) -> str:
    """The base URL of the test instance's app (the UK kit, rose theme, unless overridden)."""
    live_server.app = app
    return live_server.url


@pytest.fixture
def make_site(
    tmp_path: Path, live_servers: Callable[[], LiveServer]
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
        server = live_servers()
        edit_config(folder, server={"public_url": server.url})
        server.app = migrate(create_app(folder, extra_plugins=extra_plugins, testing=True))
        apps.append(server.app)
        return server.app, server.url

    yield build
    for app in apps:
        app.extensions["campaignkit"].database.dispose()
