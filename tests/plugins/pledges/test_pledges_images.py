"""Pledge pictures: sniffed and re-encoded with Pillow, size-capped, refused when not pictures."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pledges_helpers import png

from campaignkit.core import PictureError, clean_picture
from campaignkit.plugins.pledges.models import Pledge


def test_an_organiser_uploads_a_picture(app, client, make_user, login, csrf_token, rows):  # noqa: ANN001
    login(client, make_user("org@example.org", role="organiser"))
    form = {"title": "Trees", "slug": "trees", "text": "I will plant.", "goal": "5",
            "status": "open", "csrf_token": csrf_token(client)}  # fmt: skip
    bad = client.post(
        "/organise/pledges", data={**form, "image": (io.BytesIO(b"<svg onload=x>"), "x.png")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert bad.status_code == 400 and "not a picture" in bad.get_data(as_text=True)
    assert rows(Pledge) == []
    form["csrf_token"] = csrf_token(client)
    made = client.post(
        "/organise/pledges", data={**form, "image": (io.BytesIO(png()), "tree.png")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert made.status_code == 303
    assert 'class="pledge-image"' in client.get("/pledges/trees").get_data(as_text=True)
    served = client.get("/pledges/trees/image.jpg")
    assert served.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(served.data)).format == "JPEG"


def test_pictures_are_capped_and_shrunk():
    with pytest.raises(PictureError, match="too large"):
        clean_picture(b"0" * (5 * 1024 * 1024 + 1))
    shrunk = Image.open(io.BytesIO(clean_picture(png((3000, 1000)))))
    assert shrunk.size == (1600, 533)
