"""A supporter's photo, in memory only: decoded, oriented, framed, encoded.

Nothing here touches the disk or the database. ``decode_photo`` takes a
JPEG, PNG, WebP or HEIC photo (HEIC through ``pillow-heif``'s opener,
registered on import), turns it the way the phone held it (EXIF orientation)
and, for a JPEG, decodes it at reduced size with Pillow's draft mode: just
big enough for the copy the answer page carries (``COPY_SIDE`` on its long
side), so a 12-megapixel photo costs about a quarter of that. ``photo_copy``
is that downscaled copy as JPEG bytes (re-posted, base64, in a hidden field
so zoom, offsets and downloads work without asking for the file again);
``frame_photo`` crops and scales the photo under the frame.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import warnings

import pillow_heif
from PIL import Image, ImageOps

from campaignkit.plugins.emoji.intake import DECODE_ERRORS

pillow_heif.register_heif_opener()

#: Formats a photo may be in, as Pillow decodes them ("HEIF" covers HEIC).
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
MAX_PHOTO_BYTES = 15 * 1024 * 1024
#: Pixels a photo may have (checked before decoding; phones take up to about 50 MP).
MAX_PHOTO_PIXELS = 64_000_000
#: The long side of the copy carried by the answer page.
COPY_SIDE = 1600
#: The copy as base64 text is at most this long (a 1600 px JPEG is far smaller).
MAX_COPY_CHARS = 3 * 1024 * 1024
ZOOM_MIN, ZOOM_MAX = 1.0, 4.0
OFFSET_LIMIT = 100  # per cent of the room the zoomed photo has to move


class PhotoError(ValueError):
    """A photo that cannot be used, with a message for the supporter."""


def decode_photo(data: bytes, need_side: int = COPY_SIDE) -> Image.Image:
    """The photo as RGB, upright, decoded at no more than it needs: the long side at least
    ``need_side`` when the photo is that big (JPEG draft mode); raises PhotoError."""
    if not data:
        raise PhotoError("The file is empty: choose a photo.")
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError("The photo is too large: up to 15 MB, please.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=PHOTO_FORMATS) as image:
                return _decode(image, need_side)
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoError("The photo has too many pixels: up to 64 megapixels, please.") from exc
    except DECODE_ERRORS as exc:
        raise PhotoError(
            "That file is not a photo we can read (it may be cut short or damaged): "
            "use a JPEG, PNG, WebP or HEIC photo."
        ) from exc


def _decode(image: Image.Image, need_side: int) -> Image.Image:
    if image.width * image.height > MAX_PHOTO_PIXELS:
        raise PhotoError("The photo has too many pixels: up to 64 megapixels, please.")
    ratio = need_side / max(image.width, image.height)
    if image.format == "JPEG" and ratio < 1:  # decode at 1/2, 1/4 or 1/8 scale when that fits
        image.draft("RGB", (math.ceil(image.width * ratio), math.ceil(image.height * ratio)))
    image.load()
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
        flat = Image.new("RGB", upright.size, (255, 255, 255))
        flat.paste(upright.convert("RGBA"), mask=upright.convert("RGBA").getchannel("A"))
        return flat
    return upright.convert("RGB")


def photo_copy(photo: Image.Image) -> str:
    """The downscaled copy for the answer page's hidden field: a JPEG, base64."""
    copy = photo.copy()
    copy.thumbnail((COPY_SIDE, COPY_SIDE), Image.Resampling.LANCZOS, reducing_gap=2.0)
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=88)
    return base64.b64encode(out.getvalue()).decode("ascii")


def read_copy(text: str) -> Image.Image:
    """The photo back from the hidden field; raises PhotoError if it is not a copy we made."""
    lost = PhotoError("The photo was lost on the way: choose it again, please.")
    if not text or len(text) > MAX_COPY_CHARS:
        raise lost
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise lost from None
    try:
        return decode_photo(data)
    except PhotoError:
        raise lost from None


def frame_photo(photo: Image.Image, frame: Image.Image, zoom: float, x: int, y: int) -> Image.Image:
    """The photo under the frame, as an RGB picture the frame's size.

    At zoom 1 the photo's short side fills the square; ``x`` and ``y`` (-100
    to 100) move the photo right and down by that per cent of the room it has.
    """
    side = frame.width
    zoom = min(max(zoom, ZOOM_MIN), ZOOM_MAX)
    x, y = (min(max(v, -OFFSET_LIMIT), OFFSET_LIMIT) for v in (x, y))
    window = min(photo.width, photo.height) / zoom
    left = (photo.width - window) / 2 * (1 - x / OFFSET_LIMIT)
    top = (photo.height - window) / 2 * (1 - y / OFFSET_LIMIT)
    box = (left, top, left + window, top + window)
    picture = photo.resize((side, side), Image.Resampling.LANCZOS, box=box, reducing_gap=2.0)
    picture = picture.convert("RGBA")
    picture.alpha_composite(frame)
    return picture.convert("RGB")


def encode(picture: Image.Image, fmt: str) -> bytes:
    """The framed picture as PNG or JPEG bytes (no metadata)."""
    out = io.BytesIO()
    if fmt == "JPEG":
        picture.save(out, "JPEG", quality=90)
    else:
        # Level 1: a third of level 6's time on a photo for under a fifth more bytes.
        picture.save(out, "PNG", compress_level=1)
    return out.getvalue()
