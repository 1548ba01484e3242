"""Publishing: the gallery, the video page (share buttons, Open Graph), the hook, takedowns."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from videos_helpers import review, submit_link

from campaignkit.core import write_session
from campaignkit.plugins.videos.models import StateChange, Submission, Takedown

PLUGINS_DIR = Path(__file__).resolve().parents[2] / "test_plugins"


@pytest.fixture
def listener(monkeypatch):  # noqa: ANN001, ANN201
    """The test plugin that records ``campaignkit_video_published`` calls (emptied first)."""
    monkeypatch.syspath_prepend(str(PLUGINS_DIR))
    plugin = importlib.import_module("video_listener")
    plugin.published.clear()
    return plugin


@pytest.fixture
def ck_app(ck_make_app, listener):  # noqa: ANN001, ANN201 - overrides campaignkit.testing's
    """The app with the listener plugin."""
    return ck_make_app(extra_plugins=[("video_listener", listener)])


@pytest.fixture
def approved_id(organiser, producer, csrf_token, rows) -> int:  # noqa: ANN001
    """A link video by sam@example.org that the organiser has approved."""
    submit_link(producer, csrf_token, title="Save the library", description="Why it matters.")
    submission_id = rows(Submission)[-1].id
    assert review(organiser, csrf_token, submission_id, "approve").status_code == 303
    return submission_id


def test_publishing_shows_the_video_and_calls_the_hook(
    backend, client, organiser, approved_id, csrf_token, listener, rows
):  # noqa: ANN001
    assert client.get(f"/videos/{approved_id}").status_code == 404
    assert "Save the library" not in client.get("/videos").get_data(as_text=True)
    form = {"csrf_token": csrf_token(organiser)}
    assert organiser.post(f"/videos/review/{approved_id}/publish", data=form).status_code == 303
    assert listener.published == [(approved_id, "Save the library", "published")]
    assert rows(Submission)[0].published_at is not None
    gallery = client.get("/videos").get_data(as_text=True)
    assert "Save the library" in gallery and "By Sam Films" in gallery
    page = client.get(f"/videos/{approved_id}").get_data(as_text=True)
    assert re.search(
        rf'<meta property="og:url" content="https?://[^"/]+/videos/{approved_id}">', page
    )
    assert 'href="https://vimeo.com/123456"' in page
    assert "wa.me" in page or "whatsapp" in page.lower()  # a share button from the share plugin
    queue = organiser.get("/videos/review").get_data(as_text=True)
    assert "<h2>Published</h2>" in queue and f"/videos/review/{approved_id}" in queue


def test_the_open_graph_image_is_the_links_thumbnail(
    backend, app, client, organiser, approved_id, csrf_token
):  # noqa: ANN001
    with app.app_context(), write_session() as session:
        session.get(Submission, approved_id).link_thumbnail_url = "https://i.vimeocdn.com/1.jpg"
    organiser.post(
        f"/videos/review/{approved_id}/publish", data={"csrf_token": csrf_token(organiser)}
    )
    page = client.get(f"/videos/{approved_id}").get_data(as_text=True)
    assert '<meta property="og:image" content="https://i.vimeocdn.com/1.jpg">' in page


def test_a_takedown_needs_a_reason_and_is_logged(
    backend, client, organiser, producer, approved_id, csrf_token, rows
):  # noqa: ANN001
    organiser.post(
        f"/videos/review/{approved_id}/publish", data={"csrf_token": csrf_token(organiser)}
    )
    form = {"reason": "", "csrf_token": csrf_token(organiser)}
    organiser.post(f"/videos/review/{approved_id}/takedown", data=form)
    assert rows(Submission)[0].state == "published" and rows(Takedown) == []
    refused = {"reason": "A person shown asked", "csrf_token": csrf_token(producer)}
    assert producer.post(f"/videos/review/{approved_id}/takedown", data=refused).status_code == 403
    form["reason"] = "A person shown withdrew consent."
    organiser.post(f"/videos/review/{approved_id}/takedown", data=form)
    assert rows(Submission)[0].state == "taken_down"
    [takedown] = rows(Takedown)
    assert takedown.reason == "A person shown withdrew consent." and takedown.by_id is not None
    last = rows(StateChange)[-1]
    assert (last.from_state, last.to_state, last.note) == (
        "published", "taken_down", "A person shown withdrew consent."
    )  # fmt: skip
    assert client.get(f"/videos/{approved_id}").status_code == 404
    assert "Save the library" not in client.get("/videos").get_data(as_text=True)
