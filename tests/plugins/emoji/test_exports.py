"""Every file of every export meets its chat app's published limits, for awkward art.

The pack holds large, tiny, non-square, transparent, noisy (hard to compress) and animated
(GIF and WebP) art; each archive is opened and each file decoded by Pillow and measured.
"""

from __future__ import annotations

import io
import json
import random
import re
import tarfile
import zipfile

import pytest
from PIL import Image

from campaignkit.plugins.emoji.exports import (
    PLATFORMS,
    ArtImage,
    ExportError,
    PackInfo,
    _whatsapp_groups,
    build_export,
    export_filename,
    split_emojis,
)
from campaignkit.plugins.emoji.imaging import Frames, _encode_within

PACK = PackInfo("tidy-streets", "Tidy Streets", "Northtown Greens", "CC BY-SA 4.0", "Ann, Bo")
NAME = re.compile(r"[a-z0-9_]{2,32}")


def _encode(frames: list[Image.Image], fmt: str, duration: int = 50) -> bytes:
    out = io.BytesIO()
    if len(frames) > 1:
        frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=duration, loop=0)
    else:
        frames[0].save(out, fmt)
    return out.getvalue()


def _noise(width: int, height: int, seed: int) -> Image.Image:
    return Image.frombytes(
        "RGBA", (width, height), random.Random(seed).randbytes(width * height * 4)
    )


def _art_set() -> list[ArtImage]:
    large = Image.new("RGB", (2000, 2000), "navy")
    large.paste((250, 200, 0), (500, 500, 1500, 1500))
    transparent = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    transparent.paste((200, 0, 0, 255), (100, 100, 200, 200))
    palette = random.Random(1).randbytes(768)
    gif_frames = []
    for seed in range(40):  # palette frames: no quantising needed to write the GIF
        frame = Image.frombytes("P", (128, 128), random.Random(seed).randbytes(128 * 128))
        frame.putpalette(palette)
        gif_frames.append(frame)
    blink = [Image.new("RGB", (64, 48), colour) for colour in ("white", "black", "white")]
    webp_frames = [_noise(128, 128, 100 + seed) for seed in range(40)]
    return [
        ArtImage("big_star", "⭐", _encode([large], "PNG"), False),
        ArtImage("x", "🎉🎉", _encode([Image.new("RGB", (16, 16), "green")], "PNG"), False),
        ArtImage(
            "Wide Banner!", "🏳️‍🌈👍🏽", _encode([Image.new("RGB", (600, 200), "red")], "PNG"), False
        ),
        ArtImage("see_through", "🫥", _encode([transparent], "PNG"), False),
        ArtImage("noisy", "📢🇬🇧", _encode([_noise(800, 800, 7)], "PNG"), False),
        ArtImage("noisy", "🔁", _encode([_noise(700, 300, 8)], "WEBP"), False),  # duplicate name
        ArtImage("dancing_gif", "💃", _encode(gif_frames, "GIF"), True),
        ArtImage("dancing_webp", "🕺", _encode(webp_frames, "WEBP"), True),
        ArtImage("blink", "😉", _encode(blink, "GIF", duration=300), True),
    ]


@pytest.fixture(scope="module")
def arts() -> list[ArtImage]:
    """One pack of awkward art, made once for all platforms."""
    return _art_set()


def _zip_files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _frames(image: Image.Image) -> int:
    return getattr(image, "n_frames", 1)


def _check_emoji_zip(files: dict[str, bytes], arts: list[ArtImage], limit: int) -> None:
    assert "how to add these" in files.pop("HOW_TO_ADD.txt").decode().lower()
    assert len(files) == len(arts)
    animated = 0
    for name, data in files.items():
        stem, ext = name.rsplit(".", 1)
        image = _open(data)
        assert NAME.fullmatch(stem) and ext in ("png", "gif")
        assert image.format == ext.upper()
        assert image.width == image.height <= 128
        assert len(data) <= limit, (name, len(data))
        animated += _frames(image) > 1
    assert animated == 3  # every animation kept


def test_slack(arts):
    """Square PNG/GIF at most 128x128 and 128 KB, named by emoji name, with instructions."""
    files = _zip_files(build_export("slack", PACK, arts))
    _check_emoji_zip(files, arts, 128_000)
    assert {"big_star.png", "x_.png", "wide_banner.png", "noisy.png", "noisy_2.png"} <= set(files)
    wide = _open(files["wide_banner.png"]).convert("RGBA")  # fitted, not stretched
    assert wide.getpixel((64, 10))[3] == 0 and wide.getpixel((64, 64)) == (255, 0, 0, 255)


def test_discord(arts):
    """At most 128x128 and 256 KiB each, names of 2-32 of A-Za-z0-9_."""
    _check_emoji_zip(_zip_files(build_export("discord", PACK, arts)), arts, 262_144)


def test_telegram(arts):
    """Still WebP/PNG with one side exactly 512 and the other at most 512, at most 512 KB."""
    files = _zip_files(build_export("telegram", PACK, arts))
    manifest = json.loads(files.pop("stickers.json"))
    files.pop("HOW_TO_ADD.txt")
    assert len(files) == len(manifest) == len(arts)
    for entry in manifest:
        data = files[f"stickers/{entry['file']}"]
        image = _open(data)
        assert image.format in ("PNG", "WEBP") and _frames(image) == 1
        assert max(image.size) == 512 and min(image.size) <= 512
        assert len(data) <= 512_000
        assert 1 <= len(entry["emoji_list"]) <= 20
    wide = _open(files["stickers/wide_banner.png"])
    assert wide.size == (512, 171)  # never stretched
    assert manifest[2]["emoji_list"] == ["🏳️‍🌈", "👍🏽"]


def _check_whatsapp(files: dict[str, bytes]) -> list[dict]:
    contents = json.loads(files["contents.json"])
    packs = contents["sticker_packs"]
    for pack in packs:
        assert set(pack) >= {"identifier", "name", "publisher", "tray_image_file", "stickers"}
        assert re.fullmatch(r"[\w\-.,' ]{1,128}", pack["identifier"])
        assert 0 < len(pack["name"]) <= 128 and 0 < len(pack["publisher"]) <= 128
        tray_data = files[f"{pack['identifier']}/{pack['tray_image_file']}"]
        tray = _open(tray_data)
        assert tray.format == "PNG" and tray.size == (96, 96) and len(tray_data) <= 50_000
        assert 3 <= len(pack["stickers"]) <= 30
        for sticker in pack["stickers"]:
            data = files[f"{pack['identifier']}/{sticker['image_file']}"]
            image = _open(data)
            assert image.format == "WEBP" and image.size == (512, 512)
            moving = _frames(image) > 1
            assert moving == pack["animated_sticker_pack"]
            assert len(data) <= (500_000 if moving else 100_000), (sticker, len(data))
            if moving:  # WhatsApp: frames of at least 8 ms, at most 10 s in all
                durations = []
                for number in range(image.n_frames):
                    image.seek(number)
                    image.load()  # the WebP reader sets the duration on load
                    durations.append(image.info["duration"])
                assert min(durations) >= 8 and sum(durations) <= 10_000
            assert 1 <= len(sticker["emojis"]) <= 3
    return packs


def test_whatsapp(arts):
    """Packs of 3-30 512x512 WebP stickers under the byte limits, a tray icon, contents.json."""
    packs = _check_whatsapp(_zip_files(build_export("whatsapp", PACK, arts)))
    kinds = [(len(pack["stickers"]), pack["animated_sticker_pack"]) for pack in packs]
    assert kinds == [(3, True), (6, False)]  # WhatsApp packs are all animated or all still


def test_whatsapp_makes_too_few_animations_still():
    """Two animations cannot fill a pack of their own, so every sticker is still."""
    still = _encode([Image.new("RGB", (40, 30), "blue")], "PNG")
    moving = _encode([Image.new("RGB", (32, 32), c) for c in ("red", "blue", "green")], "GIF")
    arts = [ArtImage(f"s{i}", "🙂", still, False) for i in range(4)]
    arts += [ArtImage(f"m{i}", "🌀", moving, True) for i in range(2)]
    packs = _check_whatsapp(_zip_files(build_export("whatsapp", PACK, arts)))
    assert [(len(p["stickers"]), p["animated_sticker_pack"]) for p in packs] == [(6, False)]


def test_whatsapp_splits_big_packs_and_keeps_animation():
    """More than 30 stickers become numbered packs; three or more animations keep moving."""
    tiny = _encode([Image.new("RGB", (40, 30), "blue")], "PNG")
    colours = ("red", "blue", "green")  # 12 s in all: WhatsApp allows 10
    moving = _encode([Image.new("RGB", (32, 32), c) for c in colours], "GIF", duration=4000)
    arts = [ArtImage(f"s{i}", "🙂", tiny, False) for i in range(31)]
    arts += [ArtImage(f"m{i}", "🌀", moving, True) for i in range(3)]
    done = []
    packs = _check_whatsapp(
        _zip_files(build_export("whatsapp", PACK, arts, lambda d, t: done.append((d, t))))
    )
    assert [(p["identifier"], len(p["stickers"])) for p in packs] == [
        ("tidy-streets_1", 3),
        ("tidy-streets_2", 16),
        ("tidy-streets_3", 15),
    ]
    assert done[0] == (0, 34) and done[-1] == (34, 34)


def test_whatsapp_regroups_animations_that_had_to_go_still():
    """An animation that fits no animated setting leaves its animated pack for a still one."""
    moving = _encode([Image.new("RGB", (8, 8), c) for c in ("red", "blue")], "GIF")
    still = _encode([Image.new("RGB", (8, 8))], "PNG")
    arts = [ArtImage(f"m{i}", "🌀", moving, True) for i in range(4)]
    arts += [ArtImage(f"s{i}", "🙂", still, False) for i in range(3)]
    assert _whatsapp_groups(arts, set()) == [([0, 1, 2, 3], True), ([4, 5, 6], False)]
    assert _whatsapp_groups(arts, {0}) == [([1, 2, 3], True), ([0, 4, 5, 6], False)]
    assert _whatsapp_groups(arts, {0, 1}) == [([0, 1, 2, 3, 4, 5, 6], False)]


def test_whatsapp_refuses_fewer_than_three():
    """Two stickers cannot make a WhatsApp pack, and the message says so."""
    art = ArtImage("one", "🙂", _encode([Image.new("RGB", (8, 8))], "PNG"), False)
    with pytest.raises(ExportError, match="at least 3 stickers"):
        build_export("whatsapp", PACK, [art, art])


def test_signal(arts):
    """512x512 PNG/WebP at most 300 KB each, with a manifest of the emoji for each sticker."""
    files = _zip_files(build_export("signal", PACK, arts))
    manifest = json.loads(files.pop("manifest.json"))
    files.pop("HOW_TO_ADD.txt")
    assert [entry["file"] for entry in manifest["stickers"]] == list(files)
    for entry in manifest["stickers"]:
        data = files[entry["file"]]
        image = _open(data)
        assert image.format in ("PNG", "WEBP") and image.size == (512, 512)
        assert len(data) <= 300_000
        assert len(split_emojis(entry["emoji"])) == 1
    assert manifest["cover"] in files
    clear = _open(files["see_through.png"]).convert("RGBA")  # transparency kept
    assert clear.getpixel((5, 5))[3] == 0 and clear.getpixel((256, 256))[3] == 255
    assert _frames(_open(files["blink.png"])) == 3  # small animations stay animated (APNG)


def test_mastodon(arts):
    """A tar.gz tootctl emoji import reads: PNG (or GIF) files named by shortcode, 256 KB each."""
    data = build_export("mastodon", PACK, arts)
    assert export_filename("mastodon", PACK) == "tidy-streets-mastodon.tar.gz"
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        members = archive.getmembers()
        assert len(members) == len(arts)
        assert sum(member.name.endswith(".gif") for member in members) == 3  # still animated
        for member in members:
            body = archive.extractfile(member).read()
            stem, ext = member.name.rsplit(".", 1)
            assert member.isfile() and re.fullmatch(r"[a-zA-Z0-9_]{2,}", stem)
            assert ext in ("png", "gif") and _open(body).format == ext.upper()
            assert len(body) <= 256_000


def test_art_that_fits_no_encoding_is_a_clear_error():
    """When even the smallest encoding is over the limit, the error names the art and limit."""
    frames = Frames([_noise(64, 64, 3)], [100])
    with pytest.raises(ExportError, match="noisy_one: no encoding fits in 100 bytes"):
        _encode_within(frames, ("PNG", "PNG"), 100, "noisy_one")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_progress_is_reported_for_every_artwork(platform):
    """progress(done, total) runs before the first artwork and after each one."""
    tiny = _encode([Image.new("RGB", (20, 20), "teal")], "PNG")
    arts = [ArtImage(f"t{i}", "🙂", tiny, False) for i in range(3)]
    calls = []
    build_export(platform, PACK, arts, lambda done, total: calls.append((done, total)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_unknown_platform_and_empty_pack(arts):
    """Bad requests say what is wrong."""
    with pytest.raises(ExportError, match="Unknown platform"):
        build_export("myspace", PACK, arts[:1])
    with pytest.raises(ExportError, match="no approved art"):
        build_export("slack", PACK, [])
    with pytest.raises(ExportError, match="broken: the stored image cannot be read"):
        build_export("discord", PACK, [ArtImage("broken", "🙂", b"not an image", False)])
    assert set(PLATFORMS) == {"slack", "discord", "telegram", "whatsapp", "signal", "mastodon"}
