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

from PIL import Image

from campaignkit.plugins.emoji.imaging import ArtImage, ExportError, render

PLATFORMS = ("slack", "discord", "telegram", "whatsapp", "signal", "mastodon")
WHATSAPP_MAX_ANIMATION_MS = 10_000
WHATSAPP_PACK_MIN, WHATSAPP_PACK_MAX = 3, 30

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PackInfo:
    """What an export says about its pack."""

    slug: str
    title: str
    publisher: str
    licence: str
    credits: str


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


def render_telegram_sticker(art: ArtImage) -> bytes:
    """A static Telegram sticker: PNG, longer side exactly 512 px, at most 512 KB."""
    data, _ext = render(
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
        data, ext = render(
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
            rendered[index], _ext = render(
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
        tray = render(
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
        data, ext = render(
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
            data, ext = render(
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
