"""Publishing a pack to Telegram, against a local server that speaks the Bot API wire format."""

from __future__ import annotations

import io
import json
import time

import pytest
from fake_telegram import serve
from PIL import Image

from campaignkit.plugins.emoji.exports import ArtImage, PackInfo
from campaignkit.plugins.emoji.telegram import TelegramError, publish_sticker_set

PACK = PackInfo("tidy-streets", "Tidy Streets", "Northtown Greens", "CC BY-SA 4.0", "Ann")
SET_NAME = "tidy_streets_by_CampaignBot"


def _art(name: str, emojis: str, size: tuple[int, int]) -> ArtImage:
    out = io.BytesIO()
    Image.new("RGBA", size, (200, 30, 30, 255)).save(out, "PNG")
    return ArtImage(name, emojis, out.getvalue(), False)


ARTS = [_art("wave", "👋", (64, 64)), _art("banner", "🏳️‍🌈🎉", (600, 200))]


@pytest.fixture
def fake():
    """A fake Bot API on a free localhost port."""
    with serve() as running:
        yield running


def _publish(fake, arts=ARTS, token=None, **kwargs) -> str:
    token = fake.token if token is None else token
    return publish_sticker_set(token, 42, "@CampaignBot", PACK, arts, base_url=fake.url, **kwargs)


def test_creates_a_new_set(fake):
    """A missing set is created with every sticker uploaded as an attach:// part."""
    link = _publish(fake)
    assert link == f"https://t.me/addstickers/{SET_NAME}"
    assert fake.methods() == ["getStickerSet", "createNewStickerSet"]
    create = fake.calls[1]
    assert create.fields["user_id"] == "42" and create.fields["title"] == "Tidy Streets"
    stickers = json.loads(create.fields["stickers"])
    assert [s["sticker"] for s in stickers] == ["attach://sticker0", "attach://sticker1"]
    assert set(create.files) == {"sticker0", "sticker1"}
    made = fake.sets[SET_NAME]["stickers"]
    assert [s["emoji_list"] for s in made] == [["👋"], ["🏳️‍🌈", "🎉"]]
    assert [(s["width"], s["height"]) for s in made] == [(512, 512), (512, 171)]


def test_updates_an_existing_set(fake):
    """An existing set gets only the art it does not have yet, through addStickerToSet."""
    _publish(fake, arts=ARTS[:1])
    fake.calls.clear()
    link = _publish(fake, arts=[*ARTS, _art("thanks", "🙏", (300, 500))])
    assert link.endswith(SET_NAME)
    assert fake.methods() == ["getStickerSet", "addStickerToSet", "addStickerToSet"]
    assert json.loads(fake.calls[1].fields["sticker"])["sticker"] == "attach://sticker"
    made = fake.sets[SET_NAME]["stickers"]
    assert [s["emoji_list"][0] for s in made] == ["👋", "🏳️‍🌈", "🙏"]
    assert (made[2]["width"], made[2]["height"]) == (307, 512)


def test_bad_token_is_a_clear_error(fake):
    """Telegram's 401 becomes a TelegramError naming its description, and nothing is made."""
    with pytest.raises(TelegramError, match=r"getStickerSet \(error 401\): Unauthorized") as caught:
        _publish(fake, token="999:wrong")
    assert "999:wrong" not in str(caught.value)
    assert fake.sets == {}


def test_waits_out_a_429_then_succeeds(fake):
    """Too Many Requests with retry_after is waited out and the call made again."""
    fake.fail_next("createNewStickerSet", 429, "Too Many Requests: retry after 1", retry_after=1)
    started = time.monotonic()
    assert _publish(fake).endswith(SET_NAME)
    assert time.monotonic() - started >= 1
    assert fake.methods() == ["getStickerSet", "createNewStickerSet", "createNewStickerSet"]
    assert len(fake.sets[SET_NAME]["stickers"]) == 2


def test_429_retries_are_bounded(fake):
    """A 429 that does not clear within max_retries is an error, not an endless loop."""
    for _ in range(2):
        fake.fail_next("getStickerSet", 429, "Too Many Requests: retry after 0", retry_after=0)
    with pytest.raises(TelegramError, match="error 429"):
        _publish(fake, max_retries=1)
    assert fake.methods() == ["getStickerSet", "getStickerSet"]


def test_other_api_errors_name_the_description(fake):
    """Any other refusal is raised with Telegram's own words."""
    fake.fail_next("createNewStickerSet", 400, "Bad Request: PEER_ID_INVALID")
    with pytest.raises(TelegramError, match="PEER_ID_INVALID"):
        _publish(fake)


def test_missing_token_fails_before_any_request(fake):
    """No token: a clear error and not a single request sent."""
    for token in ("", "   "):
        with pytest.raises(TelegramError, match="No Telegram bot token"):
            _publish(fake, token=token)
    assert fake.calls == []


def test_unreachable_server_is_a_clear_error():
    """A Bot API that cannot be reached is a TelegramError that does not leak the token."""
    with serve() as gone:
        url = gone.url
    with pytest.raises(TelegramError, match="cannot reach Telegram") as caught:
        publish_sticker_set("123:secret", 42, "CampaignBot", PACK, ARTS, base_url=url)
    assert "secret" not in str(caught.value)
