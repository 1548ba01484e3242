"""Intake: every uploaded picture is checked, decoded and re-encoded by Pillow before storing.

What a file is comes from what Pillow decodes, never from its name or its
first bytes: only PNG, JPEG, WebP and GIF images are taken (GIF and WebP may
be animated), anything else (SVG, HTML, a zip renamed ``.png``) is refused.
Sizes are capped in bytes, pixels (Pillow's decompression-bomb limit, with
its warning treated as an error) and animation frames. The stored image is a
fresh PNG (still) or WebP (animated) of at most ``MAX_SIDE`` pixels a side,
with no EXIF or other metadata; the uploaded bytes are never kept.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

import emoji as emoji_data
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

#: Formats taken, by what Pillow decodes.
FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}
#: Pixels one frame may have (Pillow's decompression-bomb limit for this decode).
MAX_PIXELS = 25_000_000
#: Pixels all the frames of an animation may have together.
MAX_TOTAL_PIXELS = 100_000_000
MAX_FRAMES = 200
#: The longest side stored: the largest export (stickers) needs 512.
MAX_SIDE = 512
NAME = re.compile(r"^[a-z0-9_]{2,32}$")
MAX_EMOJI = 3
#: Errors Pillow raises for files it cannot read, truncated ones or bombs.
DECODE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    EOFError,
    SyntaxError,
    ValueError,
)


class IntakeError(ValueError):
    """A file, name or emoji that cannot be taken, with a message for the person who sent it."""


@dataclass(frozen=True)
class CleanImage:
    """An upload re-encoded by Pillow: the bytes to store and what they hold."""

    data: bytes
    format: str  # "PNG" or "WEBP"
    width: int
    height: int
    frames: int
    animated: bool


def clean_name(name: str | None) -> str:
    """A checked art name: 2-32 characters of a-z, 0-9 and _; raises IntakeError."""
    name = (name or "").strip()
    if not NAME.match(name):
        raise IntakeError(
            "The name must be 2 to 32 characters of lower-case letters a-z, digits and _ "
            "(no spaces or emoji), e.g. 'red_rose'."
        )
    return name


def clean_emojis(text: str | None) -> str:
    """One to three emoji characters (spaces dropped); raises IntakeError otherwise."""
    text = "".join((text or "").split())
    found = [match["emoji"] for match in emoji_data.emoji_list(text)]
    if not found or "".join(found) != text or len(found) > MAX_EMOJI:
        raise IntakeError("Give one to three emoji that describe the picture, e.g. 🌹 or 🎉✊.")
    return text


def clean_image(
    data: bytes, max_bytes: int, *, max_side: int = MAX_SIDE, formats: set[str] = FORMATS
) -> CleanImage:
    """Check an upload and re-encode it; raises IntakeError saying what is wrong.

    ``max_side`` is the longest side kept; ``formats`` the decoded formats taken.
    """
    if not data:
        raise IntakeError("The file is empty.")
    if len(data) > max_bytes:
        raise IntakeError(f"The file is too large: up to {max_bytes // (1024 * 1024)} MB, please.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _reencode(data, max_side, formats)
    except IntakeError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise IntakeError("The picture has too many pixels: up to 25 megapixels, please.") from exc
    except DECODE_ERRORS as exc:
        raise IntakeError(
            "That file is not a picture we can read (it may be cut short or damaged): "
            f"use {_names(formats)}."
        ) from exc


def _names(formats: set[str]) -> str:
    names = [{"WEBP": "WebP"}.get(f, f) for f in ("PNG", "JPEG", "WEBP", "GIF") if f in formats]
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


def _reencode(data: bytes, max_side: int, formats: set[str]) -> CleanImage:
    with Image.open(io.BytesIO(data), formats=sorted(formats)) as image:
        if image.format not in formats:  # pragma: no cover - formats= already limits it
            raise IntakeError(f"Use a {_names(formats)} picture.")
        if image.width * image.height > MAX_PIXELS:
            raise IntakeError("The picture has too many pixels: up to 25 megapixels, please.")
        frames = getattr(image, "n_frames", 1)
        if frames > MAX_FRAMES:
            raise IntakeError(f"The animation has {frames} frames: up to {MAX_FRAMES}, please.")
        if frames * image.width * image.height > MAX_TOTAL_PIXELS:
            raise IntakeError("The animation is too large: use fewer frames or smaller ones.")
        if frames == 1:
            return _still(image, max_side)
        return _animation(image, max_side)


def _fresh(frame: Image.Image, max_side: int) -> Image.Image:
    """A frame as RGBA at most max_side a side, with no metadata carried over."""
    picture = frame.convert("RGBA")
    picture.thumbnail((max_side, max_side))
    clean = Image.new("RGBA", picture.size)
    clean.paste(picture)
    return clean


def _still(image: Image.Image, max_side: int) -> CleanImage:
    if image.format == "JPEG":  # decode a big photo at reduced size: far less work
        image.draft(image.mode, (max_side, max_side))
    image.load()
    picture = _fresh(ImageOps.exif_transpose(image), max_side)
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)
    return CleanImage(out.getvalue(), "PNG", picture.width, picture.height, 1, False)


def _animation(image: Image.Image, max_side: int) -> CleanImage:
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        frame.load()
        frames.append(_fresh(frame, max_side))
        durations.append(max(int(frame.info.get("duration") or 100), 20))
    out = io.BytesIO()
    frames[0].save(
        out, "WEBP", save_all=True, append_images=frames[1:], duration=durations, loop=0,
        quality=90, method=4,
    )  # fmt: skip
    first = frames[0]
    return CleanImage(out.getvalue(), "WEBP", first.width, first.height, len(frames), True)
