"""App pictures: uploads are sniffed and re-encoded with Pillow, and size-capped.

A picture given by its address is fetched once through the outbound guard and
kept the same way. As for pledges: only what Pillow recognises as JPEG, PNG, GIF or WebP is
kept, stored re-encoded as a JPEG of at most 800 pixels a side, so no
uploaded bytes are ever served back as they came.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from campaignkit.core import OutboundRefused, guarded_get

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 800
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


class ImageError(ValueError):
    """An upload that is not a usable picture, with a message for the person uploading."""


def clean_image(data: bytes) -> bytes:
    """The upload re-encoded as JPEG; raises ImageError when it is too big or not a picture."""
    if len(data) > MAX_BYTES:
        raise ImageError("The picture is too large: up to 2 MB, please.")
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


def fetch_image(url: str, insecure_servers: tuple[str, ...], timeout_s: float) -> bytes:
    """The picture at ``url``, fetched through the outbound guard and re-encoded as JPEG.

    Pages show only pictures kept here (the site's content policy allows no
    others, and readers' browsers then never call the app's server). Raises
    ImageError saying why when it cannot be fetched or is not a picture.
    """
    try:
        answer = guarded_get(url, insecure_servers=insecure_servers, timeout_s=timeout_s,
                             max_bytes=MAX_BYTES)  # fmt: skip
    except OutboundRefused as exc:
        raise ImageError(f"The picture could not be fetched: {exc}") from None
    if answer.status_code != 200:  # noqa: PLR2004 - HTTP OK
        raise ImageError(
            f"The picture could not be fetched: the server answered {answer.status_code}."
        )
    return clean_image(answer.content)
