"""Intake: each kind of bad file is refused with a clear message; good ones are re-encoded."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from emoji_helpers import animated_gif
from PIL import Image

from campaignkit.plugins.emoji.intake import (
    IntakeError,
    clean_emojis,
    clean_image,
    clean_name,
)

LIMIT = 5 * 1024 * 1024


def picture(fmt: str = "PNG", size=(64, 48), mode: str = "RGBA", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 40, 128) if mode == "RGBA" else (200, 30, 40)).save(
        out, fmt, **save
    )
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a size its data does not have."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return b"\x89PNG\r\n\x1a\n" + ihdr + end


def zipped() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "hello")
    return out.getvalue()


BAD_FILES = {
    "empty": (b"", "empty"),
    "oversized": (b"\x89PNG" + b"0" * LIMIT, "too large"),
    "bomb": (png_claiming(60_000, 60_000), "too many pixels"),
    "over the bomb warning": (png_claiming(10_000, 10_000), "too many pixels"),
    "html renamed .png": (b"<!doctype html><script>alert(1)</script>", "not a picture"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9"/></svg>', "not a picture"),
    "zip renamed .png": (zipped(), "not a picture"),
    "truncated gif": (animated_gif(3, (64, 64))[:60], "cut short"),
    "truncated png": (picture(size=(300, 300), mode="RGB")[:200], "cut short"),
    "5000 frames": (animated_gif(5000), "5000 frames"),
    "bmp": (picture("BMP", mode="RGB"), "not a picture"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_each_kind_of_bad_file_is_refused_with_a_message(kind: str):
    data, message = BAD_FILES[kind]
    with pytest.raises(IntakeError, match=message):
        clean_image(data, LIMIT)


def test_a_header_over_the_pixel_limit_is_refused_before_decoding():
    with pytest.raises(IntakeError, match="too many pixels"):
        clean_image(png_claiming(6000, 6000), LIMIT)


def test_a_still_picture_is_re_encoded_as_png_without_metadata():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (51, 30, 0)}  # a GPS position
    jpeg = picture("JPEG", size=(1024, 768), mode="RGB", exif=exif.tobytes())
    clean = clean_image(jpeg, LIMIT)
    assert clean.data != jpeg
    assert (clean.format, clean.width, clean.height, clean.animated) == ("PNG", 512, 384, False)
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert stored.format == "PNG"
        assert not stored.getexif()
        assert "exif" not in stored.info and "icc_profile" not in stored.info
    assert b"SecretCam" not in clean.data


def test_an_animated_gif_becomes_an_animated_webp():
    clean = clean_image(animated_gif(12, (40, 40)), LIMIT)
    assert (clean.format, clean.frames, clean.animated) == ("WEBP", 12, True)
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert stored.format == "WEBP" and stored.n_frames == 12


def test_200_frames_is_the_most_taken():
    assert clean_image(animated_gif(200), LIMIT).frames == 200
    with pytest.raises(IntakeError, match="201 frames"):
        clean_image(animated_gif(201), LIMIT)


@pytest.mark.parametrize("name", ["has space", "rosé", "🌹rose", "a", "x" * 33, "Rose", ""])
def test_names_other_than_2_to_32_of_a_z_0_9_underscore_are_refused(name: str):
    with pytest.raises(IntakeError, match="2 to 32 characters"):
        clean_name(name)


def test_good_names_and_emoji_are_taken():
    assert clean_name(" red_rose_2 ") == "red_rose_2"
    assert clean_emojis("🌹 ✊🏽 ❤️") == "🌹✊🏽❤️"


@pytest.mark.parametrize("text", ["", "rose", "🌹🌹🌹🌹", "🌹x", ":rose:"])
def test_anything_but_one_to_three_emoji_is_refused(text: str):
    with pytest.raises(IntakeError, match="one to three emoji"):
        clean_emojis(text)
