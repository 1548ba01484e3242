"""The link check against a real local HTTP server: HEAD then GET, dead links flagged for review,
and the guard still in front (only the tests' server is let through over http)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from campaignkit.core import plugin_settings
from campaignkit.plugins.apps.linkcheck import check_links, link_problem
from campaignkit.plugins.apps.models import APPROVED, LINK_DEAD, LINK_OK, PENDING, REJECTED, App
from campaignkit.testing import edit_config, free_port


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 36), (29, 107, 58)).save(out, "PNG")
    return out.getvalue()


PNG = _png()


class _Links(BaseHTTPRequestHandler):
    """/ok answers HEAD; /no-head refuses HEAD but answers GET; /gone is a 404; /away redirects
    to a private address; /pic.png is a picture."""

    def log_message(self, *_args) -> None:  # noqa: ANN002
        """Quiet."""

    def _answer(self, with_body: bool) -> None:
        if self.path == "/pic.png":
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PNG)))
            self.end_headers()
            if with_body:
                self.wfile.write(PNG)
            return
        if self.path == "/no-head" and not with_body:
            status = 405
        elif self.path in ("/ok", "/no-head"):
            status = 200
        elif self.path == "/away":
            self.send_response(302)
            self.send_header("Location", "https://10.1.2.3/")
            self.end_headers()
            return
        else:
            status = 404
        self.send_response(status)
        self.send_header("Content-Length", "2" if with_body else "0")
        self.end_headers()
        if with_body:
            self.wfile.write(b"ok")

    def do_HEAD(self) -> None:  # noqa: N802
        """HEAD."""
        self._answer(with_body=False)

    def do_GET(self) -> None:  # noqa: N802
        """GET."""
        self._answer(with_body=True)


@pytest.fixture(scope="module")
def links_server() -> Iterator[str]:
    """A local HTTP server; yields its host:port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Links)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def closed_server() -> str:
    """host:port of a port nobody listens on."""
    return f"127.0.0.1:{free_port()}"


@pytest.fixture
def ck_instance(ck_instance, links_server, closed_server):  # noqa: ANN001, ANN201
    """The instance lets the local servers through over http, as tests only may."""
    insecure = [links_server, closed_server]
    edit_config(ck_instance, **{"plugins.apps": {"insecure_servers": insecure,
                                                 "check_timeout_s": 2}})  # fmt: skip
    return ck_instance


def _add(app, url: str, status: str = APPROVED) -> None:  # noqa: ANN001
    with app.extensions["campaignkit"].database.write() as session:
        title = url.rsplit("/", 1)[1]
        session.add(App(url=url, title=title, description="", categories="games",
                        status=status, created_at=datetime.now(UTC)))  # fmt: skip


def test_each_link_is_tried_head_then_get_and_dead_ones_flagged(
    app, links_server, closed_server, rows
):  # noqa: ANN001
    base = f"http://{links_server}"
    for path in ("/ok", "/no-head", "/gone", "/away"):
        _add(app, base + path)
    _add(app, base + "/waiting", status=PENDING)
    _add(app, "https://10.0.0.5/intranet")
    _add(app, f"http://{closed_server}/shut")
    _add(app, base + "/was-removed", status=REJECTED)
    with app.app_context():
        assert check_links() == (7, 5)
    found = {row.url.rsplit("/", 1)[1]: (row.link_status, row.link_note) for row in rows(App)}
    assert found["ok"] == (LINK_OK, "") and found["no-head"] == (LINK_OK, "")
    assert found["gone"] == (LINK_DEAD, "The server answered 404.")
    assert found["waiting"][0] == LINK_DEAD  # pending submissions are checked too
    assert "private or reserved" in found["away"][1]  # a redirect is checked by the guard
    assert "private or reserved" in found["intranet"][1]
    assert found["shut"][0] == LINK_DEAD and "could not be reached" in found["shut"][1]
    assert found["was-removed"] == ("unchecked", "")  # rejected apps are left alone


def test_the_guard_refuses_a_loopback_link_without_the_test_setting(app):  # noqa: ANN001
    with app.app_context():
        assert plugin_settings("apps").insecure_servers
        problem = link_problem("http://127.0.0.1:9/", (), 1)
    assert "https" in problem


def test_the_review_page_lists_dead_links_and_the_button_runs_the_job(  # noqa: PLR0913
    app, links_server, organiser, csrf_token, rows, immediate_jobs
):  # noqa: ANN001
    _add(app, f"http://{links_server}/gone")
    _add(app, f"http://{links_server}/ok")
    ran = organiser.post("/organise/apps/check-links", data={"csrf_token": csrf_token(organiser)})
    assert ran.status_code == 303 and "/jobs/" in ran.location
    assert "Checked 2 links: 1 did not answer." in organiser.get(ran.location).text
    page = organiser.get("/organise/apps").text
    assert "The server answered 404." in page
    dead = next(row for row in rows(App) if row.link_status == LINK_DEAD)
    keep = {"action": "link_ok", "csrf_token": csrf_token(organiser)}
    assert organiser.post(f"/organise/apps/{dead.id}/review", data=keep).status_code == 303
    assert all(row.link_status == LINK_OK for row in rows(App))
    assert "The server answered 404." not in organiser.get("/organise/apps").text


def test_the_hourly_scan_checks_only_links_not_checked_within_check_hours(
    app,
    links_server,
    rows,  # noqa: ANN001
):
    _add(app, f"http://{links_server}/gone")
    _add(app, f"http://{links_server}/ok")
    recently = datetime.now(UTC) - timedelta(hours=1)
    with app.extensions["campaignkit"].database.write() as session:
        session.get(App, 1).link_checked_at = recently  # checked an hour ago: not due (24 h)
    huey = app.extensions["campaignkit"].huey
    (scan,) = [t for t in huey.read_periodic(datetime(2026, 12, 1, 10, 37)) if "apps" in t.name]
    huey.execute(scan)
    gone, ok = rows(App)
    assert (gone.link_status, ok.link_status) == ("unchecked", LINK_OK)
    at_36 = huey.read_periodic(datetime(2026, 12, 1, 10, 36))
    assert not [task for task in at_36 if "apps" in task.name]  # hourly, at minute 37


def test_a_picture_given_by_address_is_fetched_kept_and_served_from_here(
    app,
    links_server,
    rows,
    submit,
    organiser,
    csrf_token,  # noqa: ANN001
):
    base = f"http://{links_server}"
    refused = submit(url=base + "/ok", image_url=base + "/gone")
    assert refused.status_code == 400 and "picture could not be fetched" in refused.text
    assert submit(url=base + "/ok", image_url=base + "/pic.png").status_code == 303
    (row,) = rows(App)
    assert row.has_upload and row.image_url == base + "/pic.png"
    approve = {"action": "approve", "csrf_token": csrf_token(organiser)}
    organiser.post(f"/organise/apps/{row.id}/review", data=approve)
    picture = app.test_client().get(f"/apps/{row.id}/image.jpg")
    assert picture.status_code == 200 and picture.data[:3] == b"\xff\xd8\xff"
    page = app.test_client().get("/apps").text
    assert f"/apps/{row.id}/image.jpg" in page and base + "/pic.png" not in page


def test_the_link_check_fetches_an_imported_apps_picture(app, links_server, rows):  # noqa: ANN001
    with app.extensions["campaignkit"].database.write() as session:
        session.add(App(url=f"http://{links_server}/ok", title="Imported", description="",
                        categories="games", status=APPROVED, created_at=datetime.now(UTC),
                        image_url=f"http://{links_server}/pic.png"))  # fmt: skip
    assert not rows(App)[0].has_upload
    with app.app_context():
        check_links()
    assert rows(App)[0].has_upload
    feed = app.test_client().get("/apps.json").get_json()
    (entry,) = [e for e in feed["apps"] if not e["builtin"]]
    assert entry["image"].endswith(f"/apps/{rows(App)[0].id}/image.jpg")
