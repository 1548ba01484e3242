"""The directory page, its category filter and its JSON feed."""

from __future__ import annotations

from datetime import UTC, datetime

from apps_helpers import PUBLIC_LINK

from campaignkit.core import public_url
from campaignkit.plugins.apps.models import APPROVED, PENDING, App


def _add(app, **fields):  # noqa: ANN001, ANN202
    values = {"url": PUBLIC_LINK, "title": "Phone buddy", "description": "Call voters",
              "categories": "phonebank", "status": APPROVED, "created_at": datetime.now(UTC),
              **fields}  # fmt: skip
    with app.extensions["campaignkit"].database.write() as session:
        session.add(App(**values))


def test_the_directory_lists_the_kits_tools_and_approved_apps_only(app, client):  # noqa: ANN001
    _add(app)
    _add(app, url="https://151.101.1.69/quiz", title="Seat quiz", categories="games,voting")
    _add(app, url="https://151.101.1.69/wait", title="Not yet reviewed", status=PENDING)
    page = client.get("/apps").text
    assert "Phone buddy" in page and "Seat quiz" in page and "Not yet reviewed" not in page
    assert '<a href="/seats">Find a seat</a>' in page  # a kit tool, from the navigation
    assert "Games · Voting" not in page and "Voting · Games" in page  # the directory's order
    games = client.get("/apps?category=games").text
    assert "Seat quiz" in games and "Phone buddy" not in games and "On this site" not in games
    assert client.get("/apps?category=poker").status_code == 404


def test_the_feed_gives_absolute_addresses_and_categories(app, client):  # noqa: ANN001
    _add(app, categories="official,communication", image_url="https://151.101.1.69/a.png")
    feed = client.get("/apps.json").get_json()
    with app.app_context():
        base = public_url().rstrip("/")
    assert feed["directory"] == base + "/apps"
    community = [entry for entry in feed["apps"] if not entry["builtin"]]
    assert community == [{
        "title": "Phone buddy", "description": "Call voters", "url": PUBLIC_LINK,
        "image": None, "categories": ["Official", "Communication"],  # not fetched yet
        "builtin": False,
    }]  # fmt: skip
    tools = [entry for entry in feed["apps"] if entry["builtin"]]
    assert tools and all(entry["url"].startswith(base + "/") for entry in tools)
    assert not any(entry["url"].endswith("/apps") for entry in tools)


def test_the_page_escapes_what_supporters_wrote(app, client):  # noqa: ANN001
    _add(app, title="<script>alert(1)</script>", description='"><img src=x onerror=alert(1)>')
    page = client.get("/apps").text
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
