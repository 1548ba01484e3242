"""Pictures that organisers upload (a pledge's, a cascade message's): sniffed, capped, re-encoded.

Whatever a file claims to be, only what Pillow recognises as JPEG, PNG, GIF or
WebP is kept, and it is stored re-encoded as a JPEG of at most ``max_side``
pixels a side, so no uploaded bytes are ever served back as they came and no
metadata (EXIF, location) survives. Decompression bombs are refused by
Pillow's own limit and by a pixel cap.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

#: The largest upload read, in bytes (read one byte more to tell it was larger).
PICTURE_MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


class PictureError(ValueError):
    """An upload that is not a usable picture, with a message for the person who sent it."""


def clean_picture(
    data: bytes, *, max_bytes: int = PICTURE_MAX_BYTES, max_side: int = 1600
) -> bytes:
    """The upload re-encoded as a JPEG of at most ``max_side`` pixels a side.

    Raises PictureError (with a message to show) when it is over ``max_bytes``,
    has too many pixels, or is not a JPEG, PNG, GIF or WebP picture.
    """
    if len(data) > max_bytes:
        raise PictureError(
            f"The picture is too large: up to {max_bytes // (1024 * 1024)} MB, please."
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise PictureError("The picture must be a JPEG, PNG, GIF or WebP.")
            if image.width * image.height > MAX_PIXELS:
                raise PictureError("The picture has too many pixels.")
            image.load()
            picture = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise PictureError("That file is not a picture we can read.") from exc
    picture.thumbnail((max_side, max_side))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()
