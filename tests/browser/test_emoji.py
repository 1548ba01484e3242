"""On a phone, a supporter downloads an emoji pack for WhatsApp and makes a framed picture."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pagecheck import page_width
from PIL import Image

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """Share buttons and the emoji plugin."""
    return ["share", "marginals", "emoji"]


def _add_pack(app: Any) -> None:
    from campaignkit.plugins.emoji.packs import add_approved_art, create_pack

    with app.test_request_context():
        create_pack(slug="roses", title="Red roses", licence="CC BY-SA 4.0", description="")
        for number, name in enumerate(("rose", "fist", "heart")):
            picture = io.BytesIO()
            Image.new("RGBA", (80, 60), (200, 40 * number, 40, 255)).save(picture, "PNG")
            add_approved_art("roses", name, "🌹", picture.getvalue(), "Sam", 5_000_000)


def test_a_supporter_downloads_the_whatsapp_pack_on_a_phone(
    phone: Any, app: Any, live_url: str, immediate_jobs: Any, tmp_path: Path
) -> None:
    _add_pack(app)
    phone.goto(f"{live_url}/emoji/roses")
    assert page_width(phone) <= PHONE_WIDTH
    whatsapp = phone.locator("#download-whatsapp")
    assert "sticker-maker app" in whatsapp.inner_text()
    whatsapp.get_by_role("button", name="Download for WhatsApp").click()  # prepares it
    phone.wait_for_url("**/jobs/**")
    assert phone.locator(".badge").inner_text() == "Finished"
    phone.get_by_role("link", name="Go back").click()
    phone.wait_for_url("**/emoji/roses#download-whatsapp")
    with phone.expect_download() as started:
        whatsapp.get_by_role("link", name="Download for WhatsApp").click()
    download = started.value
    assert download.suggested_filename == "roses-whatsapp.zip"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        (pack,) = json.loads(archive.read("contents.json"))["sticker_packs"]
    assert pack["name"] == "Red roses" and len(pack["stickers"]) == 3


def _add_frame(app: Any) -> int:
    from PIL import ImageDraw

    from campaignkit.plugins.emoji.frames import add_frame

    ring = Image.new("RGBA", (800, 800), (90, 30, 120, 255))
    ImageDraw.Draw(ring).ellipse((100, 100, 700, 700), fill=(0, 0, 0, 0))
    picture = io.BytesIO()
    ring.save(picture, "PNG")
    with app.test_request_context():
        return add_frame("Vote for the library", picture.getvalue(), 5_000_000)


def test_a_supporter_makes_a_framed_profile_picture_on_a_phone(
    phone: Any, app: Any, live_url: str, tmp_path: Path
) -> None:
    frame_id = _add_frame(app)
    photo = tmp_path / "me.jpg"
    halves = Image.new("RGB", (1200, 900), (220, 20, 20))
    halves.paste((20, 20, 220), (600, 0, 1200, 900))  # red left, blue right: zoom shows
    halves.save(photo, "JPEG")
    phone.goto(f"{live_url}/emoji")
    phone.get_by_role("link", name="Profile-picture frames").click()
    phone.get_by_role("link", name="Vote for the library").click()
    phone.wait_for_url(f"**/emoji/frames/{frame_id}")
    assert page_width(phone) <= PHONE_WIDTH
    phone.get_by_label("Your photo").set_input_files(str(photo))
    with phone.expect_navigation():
        phone.get_by_role("button", name="Show preview").click()
    preview = phone.locator("#frame-preview")
    first = preview.get_attribute("src")
    assert first.startswith("data:image/jpeg;base64,")
    assert page_width(phone) <= PHONE_WIDTH
    phone.get_by_label("Zoom").select_option("2.0")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Show preview").click()
    assert phone.get_by_label("Zoom").input_value() == "2.0"
    assert preview.get_attribute("src") not in ("", first)  # drawn again, zoomed
    assert preview.bounding_box()["width"] <= PHONE_WIDTH
    with phone.expect_download() as started:
        phone.get_by_role("button", name="Download PNG").click()
    saved = tmp_path / "framed.png"
    started.value.save_as(saved)
    with Image.open(saved) as framed:
        assert (framed.format, framed.size) == ("PNG", (800, 800))
