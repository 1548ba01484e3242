"""Links: which video a link names, its details from a local fake oEmbed server, and the guard."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pytest

from campaignkit.plugins.videos.models import Submission
from campaignkit.plugins.videos.oembed import LinkRefused, fetch_metadata, parse_link
from campaignkit.plugins.videos.processing import start_processing
from campaignkit.testing import local_http_server

HOSTS = ["www.youtube.com", "youtube.com", "youtu.be", "vimeo.com", "player.vimeo.com"]


class _FakePeerTube(BaseHTTPRequestHandler):
    """A PeerTube's oEmbed: /services/oembed answers for /w/<id>; special ids misbehave."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        asked = parse_qs(urlsplit(self.path).query).get("url", [""])[0]
        if "/w/redirect1" in asked:
            self.send_response(302)
            self.send_header("Location", "https://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if "/w/slowslow1" in asked:
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(200):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.05)
            return
        body = json.dumps({
            "type": "video", "title": "Save  our\n\u0000library", "duration": 42,
            "thumbnail_url": "https://peertube.example/thumb.jpg",
            "html": '<iframe src="https://evil.example/"></iframe><script>alert(1)</script>',
        }).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # quiet test output
        pass


@pytest.fixture(scope="module")
def peertube() -> Iterator[str]:
    """The fake PeerTube's host:port."""
    with local_http_server(_FakePeerTube) as url:
        yield url.split("://", 1)[1]


@pytest.fixture
def videos_settings(peertube: str) -> dict:
    """The fake PeerTube is an allowed host, reached over http (tests only)."""
    return {"oembed_hosts": [*HOSTS, peertube], "insecure_servers": [peertube]}


@pytest.mark.parametrize(
    ("url", "provider", "embed"),
    [("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1", "youtube",
      "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
     ("https://youtu.be/dQw4w9WgXcQ", "youtube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
     ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube",
      "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
     ("https://vimeo.com/123456", "vimeo", "https://player.vimeo.com/video/123456"),
     ("https://files.example.org/films/library.mp4", "file", "https://files.example.org/films/library.mp4")],
)  # fmt: skip
def test_links_name_a_video_and_embeds_are_built_from_its_id(url: str, provider: str, embed: str):
    link = parse_link(url, HOSTS)
    assert (link.provider, link.embed_url) == (provider, embed)


@pytest.mark.parametrize(
    ("url", "reason"),
    [("http://vimeo.com/123456", "https://"),
     ("https://www.youtube.com/watch?v=bad", "does not name"),
     ("https://vimeo.com/channels/staff", "does not name"),
     ("https://dailymotion.com/video/x1", "not taken"), ("https://127.0.0.1/", "not taken")],
)  # fmt: skip
def test_links_elsewhere_are_refused_in_words(url: str, reason: str):
    with pytest.raises(LinkRefused, match=reason):
        parse_link(url, HOSTS)


def test_a_peertube_answer_gives_plain_fields_and_never_its_html(peertube: str):
    link = parse_link(f"http://{peertube}/w/abcdefgh12", [peertube], (peertube,))
    assert link.embed_url == f"http://{peertube}/videos/embed/abcdefgh12"
    found = fetch_metadata(link, (peertube,))
    assert (found.title, found.duration_s, found.thumbnail_url) == (
        "Save our library", 42.0, "https://peertube.example/thumb.jpg"
    )  # fmt: skip


def test_a_redirect_to_a_refused_address_and_a_page_that_never_ends_are_refused(peertube: str):
    redirect = parse_link(f"http://{peertube}/w/redirect1", [peertube], (peertube,))
    with pytest.raises(LinkRefused, match="private or reserved"):
        fetch_metadata(redirect, (peertube,))
    slow = parse_link(f"http://{peertube}/w/slowslow1", [peertube], (peertube,))
    with pytest.raises(LinkRefused, match="did not answer in 0.5 seconds"):
        fetch_metadata(slow, (peertube,), timeout_s=0.5)


@pytest.mark.parametrize(
    "url",
    ["https://127.0.0.1/film.mp4", "https://169.254.169.254/latest/film.mp4",
     "https://localhost/film.mp4", "https://[::1]/film.mp4"],
)  # fmt: skip
@pytest.mark.parametrize("backend", ["sqlite"])  # the refusal is not about the database
def test_the_job_fails_a_link_to_a_refused_address_with_words(
    producer, csrf_token, rows, immediate_jobs, url  # noqa: ANN001
):  # fmt: skip
    form = {"title": "Sneaky", "link_url": url, "csrf_token": csrf_token(producer)}
    assert producer.post("/videos/submit", data=form).status_code == 303
    [row] = rows(Submission)
    assert row.media_status == "failed"
    assert "private or reserved address" in row.media_error
    assert row.state == "submitted"


def test_the_job_fills_a_links_details(
    app, producer, csrf_token, rows, database, immediate_jobs, peertube
):  # noqa: ANN001, E501
    form = {"title": "Ours", "link_url": "https://vimeo.com/1", "csrf_token": csrf_token(producer)}
    assert producer.post("/videos/submit", data=form).status_code == 303
    [row] = rows(Submission)
    with database.write() as session:  # as if the producer had linked the (http) fake PeerTube
        session.get(Submission, row.id).link_url = f"http://{peertube}/w/abcdefgh12"
    with app.test_request_context():
        start_processing(row.id)
    [row] = rows(Submission)
    assert (row.media_status, row.link_provider, row.link_title, row.duration_s) == (
        "ready", "peertube", "Save our library", 42.0
    )  # fmt: skip
