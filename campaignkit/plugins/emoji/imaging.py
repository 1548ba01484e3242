"""Decoding, fitting and encoding one artwork for an export, within a byte limit.

``render`` fits art on a transparent canvas (never stretched), keeps or drops its
animation, and encodes it again with fewer colours, lower quality, fewer frames or
less fine detail until it fits the limit; ``ExportError`` says when it cannot.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image, ImageSequence

MIN_FRAME_MS = 20  # apps slow shorter frames down anyway


class ExportError(ValueError):
    """An export cannot be built; the message names the art or pack and the limit."""


@dataclass(frozen=True)
class ArtImage:
    """One approved artwork: its name, one to three emoji, and image bytes Pillow re-encoded."""

    name: str
    emojis: str
    data: bytes
    animated: bool


@dataclass
class Frames:
    """Decoded RGBA frames of one artwork and how long each shows (one frame when still)."""

    images: list[Image.Image]
    durations: list[int]


# ---- decoding and fitting ----------------------------------------------------------------


def _decode(art: ArtImage, keep_animation: bool) -> Frames:
    try:
        with Image.open(io.BytesIO(art.data)) as source:
            images, durations = [], []
            for frame in ImageSequence.Iterator(source):
                images.append(frame.convert("RGBA"))
                durations.append(max(int(frame.info.get("duration") or 100), MIN_FRAME_MS))
                if not (keep_animation and art.animated):
                    break
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise ExportError(f"{art.name}: the stored image cannot be read ({error}).") from None
    return Frames(images, durations)


def _fit_square(image: Image.Image, side: int) -> Image.Image:
    """Scale to fit side x side keeping the shape, centred on a transparent canvas."""
    scale = min(side / image.width, side / image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    canvas = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    canvas.paste(
        image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0),
        ((side - size[0]) // 2, (side - size[1]) // 2),
    )
    return canvas


def _fit_longest_side(image: Image.Image, side: int) -> Image.Image:
    """Scale so the longer side is exactly side pixels and the other at most side."""
    if image.width >= image.height:
        size = (side, max(1, min(side, round(image.height * side / image.width))))
    else:
        size = (max(1, min(side, round(image.width * side / image.height))), side)
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


# ---- encoding within a byte limit --------------------------------------------------------


def _smooth(image: Image.Image, factor: int) -> Image.Image:
    """Drop fine detail (the part that does not compress) while keeping the size."""
    if factor == 1:
        return image
    small = image.resize(
        (max(1, image.width // factor), max(1, image.height // factor)), Image.Resampling.BOX
    )
    return small.resize(image.size, Image.Resampling.BILINEAR)


def _save(images: list[Image.Image], durations: list[int], fmt: str, setting: int) -> bytes:
    """Encode frames; setting is the WebP quality or the colour count (0: all colours)."""
    out = io.BytesIO()
    if setting and fmt in ("PNG", "GIF"):
        images = [image.quantize(setting, method=Image.Quantize.FASTOCTREE) for image in images]
    animated = len(images) > 1
    options: dict = {"quality": setting, "method": 2} if fmt == "WEBP" else {"compress_level": 6}
    if animated:  # per-frame optimising costs seconds on big animations and saves little
        options = {"quality": setting, "method": 0} if fmt == "WEBP" else {"compress_level": 3}
        options |= {"save_all": True, "append_images": images[1:], "duration": durations, "loop": 0}
        options |= {"disposal": 2} if fmt == "GIF" else {"disposal": 1} if fmt == "PNG" else {}
    images[0].save(out, fmt, **options)
    return out.getvalue()


STILL_SETTINGS = {"WEBP": (90, 60, 30, 10), "GIF": (256, 64, 16), "PNG": (0, 256, 64, 16)}
ANIMATED_SETTINGS = {"WEBP": (75, 40), "GIF": (128, 32), "PNG": (0,)}
HOPELESS = {"WEBP": 2.5, "GIF": 5, "PNG": 5}  # this far over, fewer colours or quality cannot help


def _animated_ladder(fmt: str) -> Iterator[tuple[int, int, int]]:
    """(keep every n-th frame, smoothing, setting) from best looking to smallest."""
    for step in (1, 2, 4, 8):
        for setting in ANIMATED_SETTINGS[fmt]:
            yield step, 1, setting
    for smoothing in (2, 4, 8):
        yield 8, smoothing, ANIMATED_SETTINGS[fmt][-1]


def _encode_within(
    frames: Frames, fmts: tuple[str, str], limit: int, label: str
) -> tuple[bytes, str]:
    """Encode as fmts[0] if animated, else fmts[1], in at most limit bytes; give data and extension.

    An animation that fits no animated setting becomes its first frame.
    """
    animated_fmt, still_fmt = fmts
    if len(frames.images) > 1:
        # Skip frame counts that cannot fit: estimate from one frame alone (later frames
        # usually cost less), then from the bytes per frame of a whole encode.
        one_frame: dict[tuple[int, int], int] = {}
        per_frame: dict[tuple[int, int], float] = {}
        ladder = list(_animated_ladder(animated_fmt))
        step, smoothing, setting = ladder[-1]  # if even the smallest cannot fit, go still
        probe = _smooth(frames.images[0], smoothing)
        one_frame[smoothing, setting] = len(_save([probe], [0], animated_fmt, setting))
        if one_frame[smoothing, setting] * len(frames.images[::step]) > limit * 2:
            ladder = []
        for step, smoothing, setting in ladder:
            key, count = (smoothing, setting), len(frames.images[::step])
            if key not in one_frame:
                probe = _smooth(frames.images[0], smoothing)
                one_frame[key] = len(_save([probe], [0], animated_fmt, setting))
            if key in per_frame:
                if per_frame[key] * count > limit * 1.25:
                    continue
            elif one_frame[key] * count > limit * 2:
                continue
            images = [_smooth(image, smoothing) for image in frames.images[::step]]
            durations = [
                sum(frames.durations[i : i + step]) for i in range(0, len(frames.images), step)
            ]
            data = _save(images, durations, animated_fmt, setting)
            per_frame[key] = len(data) / len(images)
            if len(data) <= limit:
                return data, animated_fmt.lower()
    for smoothing in (1, 2, 4, 8):
        still = _smooth(frames.images[0], smoothing)
        settings = STILL_SETTINGS[still_fmt]
        for setting in settings if smoothing == 1 else settings[-2:]:
            data = _save([still], [0], still_fmt, setting)
            if len(data) <= limit:
                return data, still_fmt.lower()
            if len(data) > limit * HOPELESS[still_fmt]:
                break
    raise ExportError(f"{label}: no encoding fits in {limit:,} bytes; simplify the artwork")


def render(
    art: ArtImage,
    label: str,
    *,
    side: int,
    square: bool,
    fmts: tuple[str, str],
    limit: int,
    animate: bool,
    max_ms: int | None = None,
) -> tuple[bytes, str]:
    """One artwork fitted to ``side`` (a square, or its longer side) and encoded within ``limit``
    bytes, as ``fmts[0]`` when animated and ``fmts[1]`` when still: (bytes, file extension).

    ``animate=False`` keeps only the first frame; ``max_ms`` cuts an animation to that length.
    """
    frames = _decode(art, animate)
    if max_ms is not None:  # keep the frames that end within max_ms (at least the first)
        keep, elapsed = 1, frames.durations[0]
        while keep < len(frames.durations) and elapsed + frames.durations[keep] <= max_ms:
            elapsed += frames.durations[keep]
            keep += 1
        frames.images, frames.durations = frames.images[:keep], frames.durations[:keep]
        frames.durations[0] = min(frames.durations[0], max_ms)
    resize = (
        (lambda image: _fit_square(image, side))
        if square
        else (lambda image: _fit_longest_side(image, side))
    )
    frames.images = [resize(image) for image in frames.images]
    return _encode_within(frames, fmts, limit, label)
