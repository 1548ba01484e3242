"""App pictures: uploads are sniffed, size-capped and re-encoded by core's ``clean_picture``.

A picture given by its address is fetched once through the outbound guard and
kept the same way: only what Pillow recognises as JPEG, PNG, GIF or WebP, stored
re-encoded as a JPEG of at most 800 pixels a side, so no uploaded bytes are ever
served back as they came.
"""

from __future__ import annotations

from campaignkit.core import OutboundRefused, PictureError, clean_picture, guarded_get

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 800


def clean_image(data: bytes) -> bytes:
    """The upload re-encoded as a JPEG of at most 800 pixels a side (core's clean_picture)."""
    return clean_picture(data, max_bytes=MAX_BYTES, max_side=MAX_SIDE)


def fetch_image(url: str, insecure_servers: tuple[str, ...], timeout_s: float) -> bytes:
    """The picture at ``url``, fetched through the outbound guard and re-encoded as JPEG.

    Pages show only pictures kept here (the site's content policy allows no
    others, and readers' browsers then never call the app's server). Raises
    PictureError saying why when it cannot be fetched or is not a picture.
    """
    try:
        answer = guarded_get(url, insecure_servers=insecure_servers, timeout_s=timeout_s,
                             max_bytes=MAX_BYTES)  # fmt: skip
    except OutboundRefused as exc:
        raise PictureError(f"The picture could not be fetched: {exc}") from None
    if answer.status_code != 200:  # noqa: PLR2004 - HTTP OK
        raise PictureError(
            f"The picture could not be fetched: the server answered {answer.status_code}."
        )
    return clean_image(answer.content)
