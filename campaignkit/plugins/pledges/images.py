"""Pledge pictures: uploads are sniffed and re-encoded with Pillow, and size-capped.

Whatever the file claims to be, only what Pillow recognises as JPEG, PNG,
GIF or WebP is kept, and it is stored re-encoded as a JPEG of at most
1600 pixels a side, so no uploaded bytes are ever served back as they came.
"""

from __future__ import annotations

import io

from flask import Response, abort
from PIL import Image, UnidentifiedImageError

from campaignkit.core import db_session
from campaignkit.plugins.pledges.models import Pledge
from campaignkit.plugins.pledges.views import bp, visible_pledge

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


class ImageError(ValueError):
    """An upload that is not a usable picture, with a message for the organiser."""


def clean_image(data: bytes) -> bytes:
    """The upload re-encoded as JPEG; raises ImageError when it is too big or not a picture."""
    if len(data) > MAX_BYTES:
        raise ImageError("The picture is too large: up to 5 MB, please.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise ImageError("The picture must be a JPEG, PNG, GIF or WebP.")
            if image.width * image.height > MAX_PIXELS:
                raise ImageError("The picture has too many pixels.")
            image.load()
            picture = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ImageError("That file is not a picture we can read.") from exc
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


@bp.get("/<slug>/image.jpg")
def image(slug: str):
    """The pledge's picture; 404 when it has none."""
    pledge = visible_pledge(slug)
    data = db_session().get(Pledge, pledge.id).image
    if not data:
        abort(404)
    return Response(data, mimetype="image/jpeg", headers={"Cache-Control": "public, max-age=300"})
