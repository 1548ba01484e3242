"""Helpers for the frame tests: frames and photos made with Pillow, and posting the forms."""

from __future__ import annotations

import base64
import io
import re
from typing import Any

from PIL import Image, ImageDraw

COPY_FIELD = re.compile(r'name="copy" value="([^"]+)"')
PREVIEW = re.compile(r'src="data:image/jpeg;base64,([^"]+)"')


def frame_png(side: int = 800, hole: bool = True, size: tuple[int, int] | None = None) -> bytes:
    """A ring frame: opaque purple with a transparent round hole (or none) in the middle."""
    picture = Image.new("RGBA", size or (side, side), (90, 30, 120, 255))
    if hole:
        width, height = picture.size
        ImageDraw.Draw(picture).ellipse(
            (width // 8, height // 8, width * 7 // 8, height * 7 // 8), fill=(0, 0, 0, 0)
        )
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def photo(fmt: str = "JPEG", size: tuple[int, int] = (1200, 900), **save: Any) -> bytes:
    """A photo: a left half red and a right half blue, so crops and moves show."""
    picture = Image.new("RGB", size, (220, 20, 20))
    picture.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    out = io.BytesIO()
    picture.save(out, fmt, **save)
    return out.getvalue()


def add_frame(client, csrf_token, title: str = "Vote Green", data: bytes | None = None,
              filename: str = "frame.png"):  # noqa: ANN001, ANN201  # fmt: skip
    """Post the organiser's new-frame form."""
    form = {"title": title, "csrf_token": csrf_token(client),
            "image": (io.BytesIO(frame_png() if data is None else data), filename)}  # fmt: skip
    return client.post("/organise/emoji/frames", data=form, content_type="multipart/form-data")


def post_photo(client, csrf_token, frame_id: int, data: bytes | None = None,
               filename: str = "me.jpg", **fields: str):  # noqa: ANN001, ANN201  # fmt: skip
    """Post the supporter's form: a photo file (unless ``data`` is b"" and a copy is given)."""
    form: dict[str, Any] = {"csrf_token": csrf_token(client), **fields}
    if data is not None:
        form["photo"] = (io.BytesIO(data), filename)
    return client.post(f"/emoji/frames/{frame_id}", data=form, content_type="multipart/form-data")


def copy_of(page: str) -> str:
    """The hidden copy of the photo an answer page carries."""
    found = COPY_FIELD.search(page)
    assert found, "no copy of the photo on the page"
    return found.group(1)


def preview_of(page: str) -> Image.Image:
    """The framed preview an answer page shows, decoded."""
    found = PREVIEW.search(page)
    assert found, "no preview on the page"
    return Image.open(io.BytesIO(base64.b64decode(found.group(1))))
