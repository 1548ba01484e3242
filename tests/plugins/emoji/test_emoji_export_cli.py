"""``campaignkit emoji export`` and ``telegram-publish``: a pack's exports from the command line."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from emoji_helpers import png
from fake_telegram import serve

TOKEN = "CAMPAIGNKIT_TELEGRAM_BOT_TOKEN"


@pytest.fixture
def emoji_settings() -> dict:
    """A bot and the account that owns its sticker sets."""
    return {"telegram_bot_username": "CampaignBot", "telegram_owner_user_id": 42}


def _seed(cli, tmp_path: Path, count: int) -> None:  # noqa: ANN001
    assert cli("emoji", "create-pack", "--slug", "roses", "--title", "Red roses").exit_code == 0
    files = []
    for number in range(count):
        files.append(tmp_path / f"rose{number}.png")
        files[-1].write_bytes(png((64 + number, 64), (200, 10 * number, 40, 255)))
    assert cli("emoji", "add", "roses", *map(str, files), "--emoji", "🌹").exit_code == 0


def test_export_writes_the_platform_archive(backend, cli, tmp_path: Path):
    _seed(cli, tmp_path, 3)
    out = tmp_path / "roses-whatsapp.zip"
    result = cli("emoji", "export", "roses", "--platform", "whatsapp", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "3 pictures" in result.output
    with zipfile.ZipFile(out) as archive:
        contents = json.loads(archive.read("contents.json"))
    (pack,) = contents["sticker_packs"]
    assert pack["name"] == "Red roses" and len(pack["stickers"]) == 3


def test_export_refusal_is_clear_and_leaves_no_file(backend, cli, tmp_path: Path):
    _seed(cli, tmp_path, 2)
    out = tmp_path / "roses-whatsapp.zip"
    result = cli("emoji", "export", "roses", "--platform", "whatsapp", "--out", str(out))
    assert result.exit_code == 1 and "Error:" in result.output
    assert not out.exists() and list(tmp_path.glob(".part-*")) == []
    result = cli("emoji", "export", "tulips", "--platform", "slack", "--out", str(out))
    assert result.exit_code == 1 and "no pack called 'tulips'" in result.output
    result = cli("emoji", "export", "roses", "--platform", "myspace", "--out", str(out))
    assert result.exit_code == 2 and not out.exists()


def test_telegram_publish_creates_the_set_and_prints_its_link(
    backend, cli, tmp_path: Path, monkeypatch
):  # noqa: ANN001
    _seed(cli, tmp_path, 2)
    with serve() as fake:
        monkeypatch.setenv(TOKEN, fake.token)
        result = cli("emoji", "telegram-publish", "roses", "--api-url", fake.url)
        assert result.exit_code == 0, result.output
        assert "https://t.me/addstickers/roses_by_CampaignBot" in result.output
        assert "Created the set: added 2," in result.output
        assert fake.changes() == ["createNewStickerSet"]
        assert len(fake.sets["roses_by_CampaignBot"]["stickers"]) == 2
        assert fake.calls[1].fields["user_id"] == "42"


def test_telegram_publish_without_token_or_with_api_error_fails_clearly(
    backend, cli, tmp_path: Path, monkeypatch
):  # noqa: ANN001
    _seed(cli, tmp_path, 1)
    monkeypatch.delenv(TOKEN, raising=False)
    result = cli("emoji", "telegram-publish", "roses")
    assert result.exit_code == 1 and f"set {TOKEN}" in result.output
    with serve() as fake:
        monkeypatch.setenv(TOKEN, "123:wrong")
        result = cli("emoji", "telegram-publish", "roses", "--api-url", fake.url)
        assert result.exit_code == 1 and "Error:" in result.output
        assert "Traceback" not in result.output and fake.sets == {}
