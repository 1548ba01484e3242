"""Supporters frame their photo: first upload, adjusting with the carried copy, downloads."""

from __future__ import annotations

import io

import pytest
from frame_helpers import copy_of, photo, post_photo, preview_of
from PIL import Image

from campaignkit.plugins.emoji.frames import Frame


def test_upload_adjust_and_download_a_framed_photo(backend, app, frame_id, csrf_token, rows):  # noqa: ANN001
    supporter = app.test_client()
    page = supporter.get(f"/emoji/frames/{frame_id}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    first = post_photo(supporter, csrf_token, frame_id, photo())
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    html = first.get_data(as_text=True)
    preview = preview_of(html)
    assert preview.size == (400, 400)
    assert preview.getpixel((100, 200))[0] > 150  # zoom 1: the photo's middle, red on the left
    assert preview.getpixel((300, 200))[2] > 150  # and blue on the right
    assert preview.getpixel((5, 5)) == pytest.approx((90, 30, 120), abs=12)  # the frame
    copy = copy_of(html)
    # Move the photo fully left at zoom 2 and adjust from the copy, no file sent again.
    moved = post_photo(supporter, csrf_token, frame_id, copy=copy, zoom="2", x="-100")
    assert moved.status_code == 200
    assert preview_of(moved.get_data(as_text=True)).getpixel((200, 200))[2] > 150  # blue now
    assert copy_of(moved.get_data(as_text=True)) == copy  # carried on as it came
    assert rows(Frame)[0].made_count == 0  # previews are not counted
    for action, fmt in (("png", "PNG"), ("jpeg", "JPEG")):
        answer = post_photo(supporter, csrf_token, frame_id, copy=copy, zoom="2", action=action)
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["Content-Disposition"].startswith("attachment;")
        with Image.open(io.BytesIO(answer.data)) as made:
            assert (made.format, made.size) == (fmt, (800, 800))
    assert rows(Frame)[0].made_count == 2
