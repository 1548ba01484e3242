"""Sharing a pledge: share buttons, the Open Graph image with the count, the embed widget."""

from __future__ import annotations

import io

from PIL import Image

from campaignkit.plugins.pledges.sharing import og_png


def test_page_has_share_buttons_and_og_tags(client, add_pledge):  # noqa: ANN001
    add_pledge(share_text="Sign for the library")
    page = client.get("/pledges/save-the-library").get_data(as_text=True)
    for network in ("whatsapp", "x", "facebook", "telegram", "email", "link"):
        assert f'class="share-{network}"' in page
    image = "http://127.0.0.1:5000/pledges/save-the-library/og.png"  # from [server] public_url
    assert f'property="og:image" content="{image}"' in page
    assert "/pledges/save-the-library/embed" in page


def test_og_image_is_a_png_that_changes_with_the_count(client, add_pledge):  # noqa: ANN001
    add_pledge()
    response = client.get("/pledges/save-the-library/og.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.size == (1200, 630)
    assert og_png("T", 1, 10) != og_png("T", 2, 10)


def test_embed_widget_may_be_framed_and_shows_the_count(client, add_pledge):  # noqa: ANN001
    add_pledge(signed_count=7)
    response = client.get("/pledges/save-the-library/embed")
    assert response.status_code == 200
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    assert client.get("/pledges/save-the-library").headers["X-Frame-Options"] == "DENY"
    text = response.get_data(as_text=True)
    assert "<strong>7</strong> of 100" in text and "<form" not in text
    missing = client.get("/pledges/nope/embed")
    assert missing.status_code == 404 and missing.headers["X-Frame-Options"] == "DENY"
