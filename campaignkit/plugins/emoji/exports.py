"""Emoji and sticker exports, one archive per chat app, each inside that app's published limits.

`build_export(platform, pack, arts)` turns approved art into the archive a supporter or admin
installs. Art is fitted on a transparent canvas (never stretched); animations stay animated
where the app allows it; a file over its byte limit is encoded again with fewer colours, lower
quality, fewer frames or less fine detail until it fits, and `ExportError` says when it cannot.
Byte limits use the stricter reading of "KB" (1,000 bytes) unless the app says KiB.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PIL import Image, ImageSequence

PLATFORMS = ("slack", "discord", "telegram", "whatsapp", "signal", "mastodon")
MIN_FRAME_MS = 20  # apps slow shorter frames down anyway
WHATSAPP_MAX_ANIMATION_MS = 10_000
WHATSAPP_PACK_MIN, WHATSAPP_PACK_MAX = 3, 30

Progress = Callable[[int, int], None]


class ExportError(ValueError):
    """An export cannot be built; the message names the art or pack and the limit."""


@dataclass(frozen=True)
class ArtImage:
    """One approved artwork: its name, one to three emoji, and image bytes Pillow re-encoded."""

    name: str
    emojis: str
    data: bytes
    animated: bool


@dataclass(frozen=True)
class PackInfo:
    """What an export says about its pack."""

    slug: str
    title: str
    publisher: str
    licence: str
    credits: str


@dataclass
class Frames:
    """Decoded RGBA frames of one artwork and how long each shows (one frame when still)."""

    images: list[Image.Image]
    durations: list[int]


# ---- names and emoji ---------------------------------------------------------------------

_JOINERS = {0x200D, 0xFE0E, 0xFE0F, 0x20E3}


def split_emojis(text: str) -> list[str]:
    """Split a string of emoji into single emoji (keeping ZWJ sequences, flags, skin tones)."""
    clusters: list[str] = []
    for char in text.strip().replace(" ", ""):
        point = ord(char)
        joins = (
            point in _JOINERS
            or 0x1F3FB <= point <= 0x1F3FF
            or 0xE0020 <= point <= 0xE007F
            or (clusters and ord(clusters[-1][-1]) == 0x200D)
            or (
                0x1F1E6 <= point <= 0x1F1FF
                and clusters
                and len(clusters[-1]) == 1
                and 0x1F1E6 <= ord(clusters[-1]) <= 0x1F1FF
            )
        )
        if joins and clusters:
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _shortcodes(arts: list[ArtImage]) -> list[str]:
    """Names of 2-32 characters of a-z 0-9 _, unique within the export."""
    taken: set[str] = set()
    names = []
    for art in arts:
        base = re.sub(r"[^a-z0-9_]+", "_", art.name.lower()).strip("_")[:28] or "emoji"
        base = base if len(base) >= 2 else f"{base}_"
        name, number = base, 2
        while name in taken:
            name, number = f"{base}_{number}", number + 1
        taken.add(name)
        names.append(name)
    return names


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


def _render(
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


def render_telegram_sticker(art: ArtImage) -> bytes:
    """A static Telegram sticker: PNG, longer side exactly 512 px, at most 512 KB."""
    data, _ext = _render(
        art, art.name, side=512, square=False, fmts=("PNG", "PNG"), limit=512_000, animate=False
    )
    return data


# ---- archives ------------------------------------------------------------------------------

STEPS = {
    "slack": "In Slack, open Customise workspace > Emoji > Add custom emoji, and upload each "
    "file; its file name is the emoji's name.",
    "discord": "In Discord, open Server Settings > Emoji > Upload Emoji, and choose the files; "
    "each file name is the emoji's name.",
    "telegram": "Send each file in stickers/ to @Stickers in Telegram after /newpack (the emoji "
    "for each are in stickers.json), or ask the organisers for the t.me/addstickers link.",
    "whatsapp": "Open this pack in a WhatsApp sticker app that imports contents.json packs; each "
    "folder is one pack of at most 30 stickers.",
    "signal": "In Signal Desktop, choose File > Create/upload sticker pack, add the files in the "
    "order of manifest.json and give each the emoji listed there.",
    "mastodon": "On the server, run: tootctl emoji import --category PACK FILE.tar.gz "
    "(each file name is the emoji's shortcode).",
}


def _readme(platform: str, pack: PackInfo) -> str:
    return (
        f"{pack.title}\n\nHow to add these\n{STEPS[platform]}\n\n"
        f"Licence: {pack.licence}\nCredits: {pack.credits}\nPublisher: {pack.publisher}\n"
    )


def _emoji_list(art: ArtImage, limit: int) -> list[str]:
    emojis = split_emojis(art.emojis)[:limit]
    if not emojis:
        raise ExportError(f"{art.name}: needs at least one emoji")
    return emojis


def _zip(files: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return out.getvalue()


def _each(arts: list[ArtImage], progress: Progress | None) -> Iterator[tuple[int, ArtImage, str]]:
    """Each art's index, the art and its unique shortcode, reporting progress after each one."""
    total = len(arts)
    if progress:
        progress(0, total)
    for index, (art, name) in enumerate(zip(arts, _shortcodes(arts), strict=True)):
        yield index, art, name
        if progress:
            progress(index + 1, total)


def _emoji_zip(
    platform: str, pack: PackInfo, arts: list[ArtImage], progress: Progress | None, limit: int
) -> bytes:
    files = [("HOW_TO_ADD.txt", _readme(platform, pack).encode())]
    for _index, art, name in _each(arts, progress):
        data, ext = _render(
            art, name, side=128, square=True, fmts=("GIF", "PNG"), limit=limit, animate=True
        )
        files.append((f"{name}.{ext}", data))
    return _zip(files)


def _telegram(pack: PackInfo, arts: list[ArtImage], progress: Progress | None) -> bytes:
    files, manifest = [], []
    for _index, art, name in _each(arts, progress):
        files.append((f"stickers/{name}.png", render_telegram_sticker(art)))
        manifest.append({"file": f"{name}.png", "emoji_list": _emoji_list(art, 20)})
    files.append(("stickers.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode()))
    return _zip([("HOW_TO_ADD.txt", _readme("telegram", pack).encode()), *files])


def _whatsapp_groups(arts: list[ArtImage], stills: set[int]) -> list[tuple[list[int], bool]]:
    """Indexes of the art in each pack (3-30, all animated or all still) and whether animated.

    stills: indexes of animated art that must be still (its animation fits no setting).
    """
    if len(arts) < WHATSAPP_PACK_MIN:
        raise ExportError(
            f"WhatsApp needs at least {WHATSAPP_PACK_MIN} stickers in a pack; "
            f"this pack has {len(arts)}."
        )
    moving = [i for i, art in enumerate(arts) if art.animated and i not in stills]
    still = [i for i, art in enumerate(arts) if i not in moving]
    kinds = [(moving, True), (still, False)]
    if len(moving) < WHATSAPP_PACK_MIN or 0 < len(still) < WHATSAPP_PACK_MIN:
        kinds = [(list(range(len(arts))), False)]  # too few of one kind: all still
    groups = []
    for indexes, animated in kinds:
        if not indexes:
            continue
        count = -(-len(indexes) // WHATSAPP_PACK_MAX)
        size, extra = divmod(len(indexes), count)
        start = 0
        for number in range(count):
            end = start + size + (1 if number < extra else 0)
            groups.append((indexes[start:end], animated))
            start = end
    return groups


def _whatsapp(pack: PackInfo, arts: list[ArtImage], progress: Progress | None) -> bytes:
    names, stills = _shortcodes(arts), set()
    while True:  # an animated pack must hold only animations: regroup any that went still
        groups = _whatsapp_groups(arts, stills)
        animated_of = {i: animated for indexes, animated in groups for i in indexes}
        rendered: dict[int, bytes] = {}
        for index, art, name in _each(arts, progress):
            animate = animated_of[index]
            rendered[index], _ext = _render(
                art,
                name,
                side=512,
                square=True,
                fmts=("WEBP", "WEBP"),
                limit=500_000 if animate else 100_000,
                animate=animate,
                max_ms=WHATSAPP_MAX_ANIMATION_MS,
            )
        went_still = {
            index
            for index, data in rendered.items()
            if animated_of[index] and getattr(Image.open(io.BytesIO(data)), "n_frames", 1) == 1
        }
        if not went_still:
            break
        stills |= went_still
    files, packs = [], []
    for number, (indexes, animated) in enumerate(groups, start=1):
        stem = re.sub(r"[^\w.-]+", "_", pack.slug).strip("._") or "pack"
        identifier = f"{stem}_{number}" if len(groups) > 1 else stem
        title = f"{pack.title} {number}" if len(groups) > 1 else pack.title
        tray = _render(
            arts[indexes[0]],
            "tray icon",
            side=96,
            square=True,
            fmts=("PNG", "PNG"),
            limit=50_000,
            animate=False,
        )[0]
        files.append((f"{identifier}/tray.png", tray))
        stickers = []
        for position, index in enumerate(indexes, start=1):
            image_file = f"{position:02d}_{names[index]}.webp"
            files.append((f"{identifier}/{image_file}", rendered[index]))
            stickers.append({"image_file": image_file, "emojis": _emoji_list(arts[index], 3)})
        packs.append(
            {
                "identifier": identifier,
                "name": title[:128],
                "publisher": pack.publisher[:128],
                "tray_image_file": "tray.png",
                "image_data_version": "1",
                "avoid_cache": False,
                "publisher_email": "",
                "publisher_website": "",
                "privacy_policy_website": "",
                "license_agreement_website": "",
                "animated_sticker_pack": animated,
                "stickers": stickers,
            }
        )
    contents = {"android_play_store_link": "", "ios_app_store_link": "", "sticker_packs": packs}
    manifest = json.dumps(contents, ensure_ascii=False, indent=2).encode()
    return _zip(
        [
            ("contents.json", manifest),
            ("HOW_TO_ADD.txt", _readme("whatsapp", pack).encode()),
            *files,
        ]
    )


def _signal(pack: PackInfo, arts: list[ArtImage], progress: Progress | None) -> bytes:
    files, stickers = [], []
    for _index, art, name in _each(arts, progress):
        data, ext = _render(
            art, name, side=512, square=True, fmts=("PNG", "PNG"), limit=300_000, animate=True
        )
        files.append((f"{name}.{ext}", data))
        stickers.append({"file": f"{name}.{ext}", "emoji": _emoji_list(art, 1)[0]})
    manifest = {
        "title": pack.title,
        "author": pack.publisher,
        "cover": stickers[0]["file"] if stickers else None,
        "stickers": stickers,
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    return _zip(
        [
            ("manifest.json", manifest_bytes),
            ("HOW_TO_ADD.txt", _readme("signal", pack).encode()),
            *files,
        ]
    )


def _mastodon(pack: PackInfo, arts: list[ArtImage], progress: Progress | None) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for _index, art, name in _each(arts, progress):
            data, ext = _render(
                art, name, side=128, square=True, fmts=("GIF", "PNG"), limit=256_000, animate=True
            )
            entry = tarfile.TarInfo(f"{name}.{ext}")
            entry.size, entry.mode = len(data), 0o644
            archive.addfile(entry, io.BytesIO(data))
    return out.getvalue()


def export_filename(platform: str, pack: PackInfo) -> str:
    """The file name to offer for a download of this export."""
    return (
        f"{pack.slug}-{platform}.tar.gz"
        if platform == "mastodon"
        else f"{pack.slug}-{platform}.zip"
    )


def build_export(
    platform: str, pack: PackInfo, arts: list[ArtImage], progress: Progress | None = None
) -> bytes:
    """Build the archive for platform (a zip; a tar.gz for mastodon) from the pack's art.

    progress(done, total) is called before the first and after each artwork. Raises
    ExportError for an unknown platform, an empty pack, too few stickers for WhatsApp, or art
    that fits no allowed encoding.
    """
    if platform not in PLATFORMS:
        raise ExportError(f"Unknown platform {platform!r}; choose one of {', '.join(PLATFORMS)}.")
    if not arts:
        raise ExportError(f"Pack {pack.slug!r} has no approved art to export.")
    if platform in ("slack", "discord"):
        return _emoji_zip(
            platform, pack, arts, progress, 128_000 if platform == "slack" else 262_144
        )
    builders = {
        "telegram": _telegram,
        "whatsapp": _whatsapp,
        "signal": _signal,
        "mastodon": _mastodon,
    }
    return builders[platform](pack, arts, progress)
