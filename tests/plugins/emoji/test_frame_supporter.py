"""Supporters frame their photo: first upload, adjusting with the carried copy, downloads."""

from __future__ import annotations

import io

import pytest
from frame_helpers import copy_of, photo, post_photo, preview_of
from PIL import Image
from test_emoji_intake import png_claiming

from campaignkit.plugins.emoji.frames import Frame
from campaignkit.plugins.emoji.photos import COPY_SIDE, decode_photo


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


def test_a_heic_photo_from_a_phone_is_taken(app, frame_id, csrf_token):  # noqa: ANN001
    import pillow_heif

    heif = pillow_heif.from_pillow(Image.open(io.BytesIO(photo(size=(640, 480)))))
    out = io.BytesIO()
    heif.save(out, quality=80)
    assert out.getvalue()[4:12] == b"ftypheic"
    answer = post_photo(app.test_client(), csrf_token, frame_id, out.getvalue(), "IMG_1.HEIC")
    assert answer.status_code == 200
    assert preview_of(answer.get_data(as_text=True)).getpixel((100, 200))[0] > 150


@pytest.fixture(scope="module")
def twelve_megapixels() -> bytes:
    """A 4000 x 3000 JPEG, as a phone takes."""
    return photo(size=(4000, 3000), quality=80)


def test_a_big_jpeg_is_decoded_at_reduced_size_in_draft_mode(twelve_megapixels: bytes):
    decoded = decode_photo(twelve_megapixels)
    assert decoded.size == (2000, 1500)  # decoded at half scale: a quarter of the pixels
    assert max(decoded.size) >= COPY_SIDE  # still enough for the copy the page carries
    small = photo(size=(1000, 750))
    assert decode_photo(small).size == (1000, 750)  # a photo smaller than needed is kept whole


def test_the_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # the phone was held upright: turn 90 degrees
    turned = decode_photo(photo(size=(300, 200), exif=exif.tobytes()))
    assert turned.size == (200, 300)


BAD_PHOTOS = {
    "not an image": (b"%PDF-1.4 this is not a photo", "not a photo we can read"),
    "truncated": (photo()[:400], "cut short"),
    "too big": (b"\xff\xd8" + b"0" * (15 * 1024 * 1024), "too large"),
    "bomb": (png_claiming(10_000, 10_000), "too many pixels"),
    "empty": (b"", "empty"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "not a photo we can read"),
}


def test_bad_photos_get_a_clear_message_and_nothing_counted(app, frame_id, csrf_token, rows):  # noqa: ANN001
    supporter = app.test_client()
    for kind, (data, message) in BAD_PHOTOS.items():
        answer = post_photo(supporter, csrf_token, frame_id, data)
        assert answer.status_code == 400, kind
        assert answer.headers["Cache-Control"] == "no-store"
        assert message in answer.get_data(as_text=True), kind
        assert 'name="copy"' not in answer.get_data(as_text=True)
    lost = post_photo(supporter, csrf_token, frame_id, copy="bm90IGEgcGhvdG8=", action="png")
    assert lost.status_code == 400 and "choose it again" in lost.get_data(as_text=True)
    nothing = post_photo(supporter, csrf_token, frame_id, action="png")
    assert nothing.status_code == 400 and "Choose a photo" in nothing.get_data(as_text=True)
    copy = copy_of(post_photo(supporter, csrf_token, frame_id, photo()).get_data(as_text=True))
    for field, value in (("zoom", "9"), ("zoom", "nan"), ("x", "101"), ("y", "1e2"),
                         ("action", "gif")):  # fmt: skip
        answer = post_photo(supporter, csrf_token, frame_id, copy=copy, **{field: value})
        assert answer.status_code == 400, (field, value)
        assert copy_of(answer.get_data(as_text=True)) == copy  # the photo is kept to try again
    replaced = post_photo(supporter, csrf_token, frame_id, b"not a photo", copy=copy)
    assert replaced.status_code == 400 and copy_of(replaced.get_data(as_text=True)) == copy
    assert rows(Frame)[0].made_count == 0


def test_csrf_retired_frames_and_no_store_on_every_answer(app, organiser, frame_id, csrf_token):  # noqa: ANN001
    supporter = app.test_client()
    form = {"photo": (io.BytesIO(photo()), "me.jpg")}
    refused = supporter.post(f"/emoji/frames/{frame_id}", data=form)
    assert refused.status_code == 400 and refused.headers["Cache-Control"] == "no-store"
    image = supporter.get(f"/emoji/frames/{frame_id}/frame.png")
    assert image.mimetype == "image/png" and image.headers["Cache-Control"] == "no-store"
    assert supporter.get("/emoji/frames").headers["Cache-Control"] == "no-store"
    missing = supporter.get("/emoji/frames/999")
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"
    retire = {"retired": "yes", "csrf_token": csrf_token(organiser)}
    organiser.post(f"/organise/emoji/frames/{frame_id}/retire", data=retire)
    assert post_photo(supporter, csrf_token, frame_id, photo()).status_code == 404


@pytest.mark.parametrize("emoji_settings", [{"frame_rate": "2 per minute"}])
def test_the_photo_form_is_rate_limited_by_the_setting(app, frame_id, csrf_token):  # noqa: ANN001
    supporter = app.test_client()
    for _ in range(2):
        assert post_photo(supporter, csrf_token, frame_id, photo()).status_code == 200
    limited = post_photo(supporter, csrf_token, frame_id, photo())
    assert limited.status_code == 429 and limited.headers["Cache-Control"] == "no-store"
    assert supporter.get(f"/emoji/frames/{frame_id}").status_code == 200  # the page still shows
