"""A supporter on a phone opens an emoji pack and downloads it for WhatsApp."""

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
