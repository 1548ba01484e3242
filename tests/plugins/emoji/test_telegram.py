"""Talking to the Bot API: errors, flood waits and a missing token, against a local server."""

from __future__ import annotations

import time

import pytest
from fake_telegram import serve

from campaignkit.plugins.emoji.telegram import BotApi, TelegramError, sticker_set_name

SET_NAME = "tidy_streets_by_CampaignBot"


@pytest.fixture
def fake():
    """A fake Bot API on a free localhost port, with one set in it."""
    with serve() as running:
        running.sets[SET_NAME] = {"name": SET_NAME, "title": "Tidy Streets", "stickers": []}
        yield running


def _read(fake, token=None, **kwargs):  # noqa: ANN001, ANN202
    api = BotApi(fake.token if token is None else token, fake.url, **kwargs)
    return api.call("getStickerSet", {"name": SET_NAME})


def test_set_names_follow_telegrams_rules():
    assert sticker_set_name("tidy-streets", "@CampaignBot") == SET_NAME
    assert sticker_set_name("2026", "CampaignBot") == "pack_2026_by_CampaignBot"
    with pytest.raises(TelegramError, match="not a Telegram bot username"):
        sticker_set_name("roses", "campaign bot")


def test_a_call_returns_the_result(fake):
    assert _read(fake)["title"] == "Tidy Streets"
    assert fake.methods() == ["getStickerSet"]


def test_bad_token_is_a_clear_error(fake):
    """Telegram's 401 becomes a TelegramError naming its description, not the token."""
    with pytest.raises(TelegramError, match=r"getStickerSet \(error 401\): Unauthorized") as caught:
        _read(fake, token="999:wrong")
    assert "999:wrong" not in str(caught.value)


def test_waits_out_a_429_then_succeeds(fake):
    """Too Many Requests with parameters.retry_after is waited out and the call made again."""
    fake.fail_next("getStickerSet", 429, "Too Many Requests: retry after 1", retry_after=1)
    started = time.monotonic()
    assert _read(fake)["name"] == SET_NAME
    assert time.monotonic() - started >= 1
    assert fake.methods() == ["getStickerSet", "getStickerSet"]


def test_429_retries_are_bounded(fake):
    """A 429 that does not clear within max_retries is an error, not an endless loop."""
    for _ in range(2):
        fake.fail_next("getStickerSet", 429, "Too Many Requests: retry after 0", retry_after=0)
    with pytest.raises(TelegramError, match="error 429"):
        _read(fake, max_retries=1)
    assert fake.methods() == ["getStickerSet", "getStickerSet"]


def test_other_api_errors_name_the_description(fake):
    """Any other refusal is raised with Telegram's own words."""
    fake.fail_next("getStickerSet", 400, "Bad Request: PEER_ID_INVALID")
    with pytest.raises(TelegramError, match="PEER_ID_INVALID"):
        _read(fake)


def test_missing_token_fails_before_any_request(fake):
    """No token: a clear error and not a single request sent."""
    for token in ("", "   "):
        with pytest.raises(TelegramError, match="No Telegram bot token"):
            _read(fake, token=token)
    assert fake.calls == []


def test_unreachable_server_or_lost_answer_is_a_clear_error(fake):
    """A Bot API that cannot be reached, or hangs up, is a TelegramError without the token."""
    with serve() as gone:
        url = gone.url
    with pytest.raises(TelegramError, match="cannot reach Telegram") as caught:
        BotApi("123:secret", url).call("getStickerSet", {"name": SET_NAME})
    assert "secret" not in str(caught.value)
    fake.lose_answer("getStickerSet")
    with pytest.raises(TelegramError, match="getStickerSet: cannot reach Telegram"):
        _read(fake)
