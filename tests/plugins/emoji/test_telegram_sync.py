"""``telegram-publish`` keeps a pack's sticker set in step with its approved art.

Against the local fake Bot API: new art is added, changed pictures replaced in place,
changed emoji set, withdrawn art removed, the title followed; stickers added by hand are
left alone; a second run changes nothing; an error or a lost answer part-way leaves a
record that lets the next run finish without adding any sticker twice.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from emoji_helpers import png
from fake_telegram import serve
from PIL import Image
from sqlalchemy import select

from campaignkit.core import write_session
from campaignkit.plugins.emoji.models import Art, Pack
from campaignkit.plugins.emoji.packs import review
from campaignkit.plugins.emoji.telegram_records import PublishedSticker

SET = "roses_by_CampaignBot"
TOKEN = "CAMPAIGNKIT_TELEGRAM_BOT_TOKEN"


@pytest.fixture
def emoji_settings() -> dict:
    """A bot and the account that owns its sticker sets."""
    return {"telegram_bot_username": "CampaignBot", "telegram_owner_user_id": 42}


@pytest.fixture
def fake(monkeypatch):  # noqa: ANN001, ANN201
    """A fake Bot API on a free localhost port, its token in the environment."""
    with serve() as running:
        monkeypatch.setenv(TOKEN, running.token)
        yield running


@pytest.fixture
def publish(cli, fake):  # noqa: ANN001, ANN201
    """``publish()``: run ``campaignkit emoji telegram-publish roses``; returns the result."""

    def run(expect_ok: bool = True):  # noqa: ANN202
        fake.calls.clear()
        result = cli("emoji", "telegram-publish", "roses", "--api-url", fake.url)
        assert (result.exit_code == 0) is expect_ok, result.output
        assert "Traceback" not in result.output
        return result

    return run


@pytest.fixture
def pack(cli, tmp_path: Path):  # noqa: ANN001, ANN201
    """``pack(*names)``: the 'roses' pack with approved art of those names (created once)."""

    def add(*names: str, emoji: str = "🌹") -> None:
        if not any(tmp_path.glob("*.created")):
            assert (
                cli("emoji", "create-pack", "--slug", "roses", "--title", "Red roses").exit_code
                == 0
            )
            (tmp_path / "pack.created").touch()
        paths = []
        for number, name in enumerate(names):
            paths.append(tmp_path / f"{name}.png")
            paths[-1].write_bytes(png((64 + number, 64), (200, 10 * number, 40, 255)))
        assert cli("emoji", "add", "roses", *map(str, paths), "--emoji", emoji).exit_code == 0

    return add


def _change_art(app, name: str, **values) -> None:  # noqa: ANN001, ANN003
    with app.app_context(), write_session() as session:
        art = session.scalars(select(Art).where(Art.name == name)).one()
        for key, value in values.items():
            setattr(art, key, value)


def _stickers(fake) -> list[dict]:  # noqa: ANN001
    return fake.sets[SET]["stickers"]


def _records(rows) -> dict[str, PublishedSticker]:  # noqa: ANN001
    return {r.art_name: r for r in rows(PublishedSticker)}


def test_first_run_creates_the_set_and_a_second_changes_nothing(backend, pack, publish, fake, rows):  # noqa: ANN001
    pack("wave", "banner", "thanks")
    result = publish()
    assert "Created the set: added 3, replaced 0, emoji changed 0, removed 0" in result.output
    assert f"https://t.me/addstickers/{SET}" in result.output
    assert fake.changes() == ["createNewStickerSet"]
    create = next(c for c in fake.calls if c.method == "createNewStickerSet")
    assert (create.fields["user_id"], create.fields["title"]) == ("42", "Red roses")
    sent = json.loads(create.fields["stickers"])
    assert [s["sticker"] for s in sent] == [
        "attach://sticker0",
        "attach://sticker1",
        "attach://sticker2",
    ]
    assert set(create.files) == {"sticker0", "sticker1", "sticker2"}
    records = _records(rows)
    assert {r.file_unique_id for r in records.values()} == {
        s["file_unique_id"] for s in _stickers(fake)
    }
    assert all(r.pending is None and len(r.image_sha256) == 64 for r in records.values())

    again = publish()
    assert fake.changes() == [] and fake.methods() == ["getStickerSet"]
    assert "Added 0, replaced 0, emoji changed 0, removed 0, unchanged 3." in again.output
    assert {n: r.file_unique_id for n, r in _records(rows).items()} == {
        n: r.file_unique_id for n, r in records.items()
    }


def test_new_changed_and_withdrawn_art_and_the_title_are_synced(
    backend, app, pack, publish, fake, rows
):  # noqa: ANN001
    pack("aa_banner", "bb_wave", "cc_fist", "dd_gone")
    publish()
    before = {s["file_unique_id"]: s for s in _stickers(fake)}
    ids = {name: r.file_unique_id for name, r in _records(rows).items()}
    pack("ee_new")
    _change_art(app, "aa_banner", image=png((300, 100), (0, 120, 0, 255)), width=300, height=100)
    _change_art(app, "bb_wave", emojis="👋🎉")
    with app.app_context():
        gone = rows(Art, name="dd_gone")[0].id
        review(gone, "rejected", "Off topic")
        with write_session() as session:
            session.scalars(select(Pack)).one().title = "Roses for everyone"

    result = publish()
    assert sorted(fake.changes()) == sorted([
        "setStickerSetTitle", "deleteStickerFromSet", "replaceStickerInSet",
        "setStickerEmojiList", "addStickerToSet",
    ])  # fmt: skip
    assert "Added 1, replaced 1, emoji changed 1, removed 1, unchanged 1; title updated." in (
        result.output
    )
    stickers = _stickers(fake)
    assert fake.sets[SET]["title"] == "Roses for everyone"
    assert ids["dd_gone"] not in {s["file_unique_id"] for s in stickers}
    banner = stickers[0]  # replaced where it was, with the new picture
    assert banner["file_unique_id"] != ids["aa_banner"] and (banner["width"], banner["height"]) == (
        512,
        171,
    )
    assert before[ids["aa_banner"]]["data"] != banner["data"]
    assert stickers[1]["file_unique_id"] == ids["bb_wave"] and stickers[1]["emoji_list"] == [
        "👋",
        "🎉",
    ]
    assert stickers[2]["file_unique_id"] == ids["cc_fist"]
    assert stickers[3]["emoji_list"] == ["🌹"] and len(stickers) == 4
    records = _records(rows)
    assert sorted(records) == ["aa_banner", "bb_wave", "cc_fist", "ee_new"]
    assert [records[n].file_unique_id for n in sorted(records)] == [
        s["file_unique_id"] for s in stickers
    ]
    assert "emoji_list" in next(c for c in fake.calls if c.method == "setStickerEmojiList").fields

    publish()
    assert fake.changes() == []  # idempotent


def test_stickers_added_by_hand_are_left_alone(backend, app, pack, publish, fake, rows):  # noqa: ANN001
    pack("one", "two")
    publish()
    hand = fake.add_by_hand(SET)
    with app.app_context():
        review(rows(Art, name="one")[0].id, "rejected", "Withdrawn")
    result = publish()
    assert fake.changes() == ["deleteStickerFromSet"]
    assert (
        "Left alone 1 sticker(s) in the set that were not published from this pack."
        in result.output
    )
    assert [s["file_unique_id"] for s in _stickers(fake)][-1] == hand and len(_stickers(fake)) == 2
    publish()
    assert fake.changes() == []


def test_an_error_part_way_is_finished_by_the_next_run(backend, app, pack, publish, fake, rows):  # noqa: ANN001
    pack("aa_first", "bb_second")
    publish()
    _change_art(app, "aa_first", image=png((100, 300), (0, 0, 200, 255)), width=100, height=300)
    pack("zz_new")
    fake.fail_next("addStickerToSet", 400, "Bad Request: STICKER_PNG_DIMENSIONS")
    result = publish(expect_ok=False)
    assert "STICKER_PNG_DIMENSIONS" in result.output
    assert fake.changes() == ["replaceStickerInSet", "addStickerToSet"]
    records = _records(rows)
    assert records["aa_first"].file_unique_id == _stickers(fake)[0]["file_unique_id"]
    assert records["aa_first"].pending is None
    assert "zz_new" not in records or records["zz_new"].file_unique_id is None

    result = publish()
    assert fake.changes() == ["addStickerToSet"]  # the replacement is not sent again
    assert "Added 1, replaced 0, emoji changed 0, removed 0, unchanged 2." in result.output
    assert len(_stickers(fake)) == 3
    publish()
    assert fake.changes() == []


@pytest.mark.parametrize(
    "method", ["createNewStickerSet", "addStickerToSet", "replaceStickerInSet"]
)
def test_a_lost_answer_is_found_in_the_set_not_sent_twice(
    backend, app, pack, publish, fake, rows, method
):  # noqa: ANN001
    pack("aa_first", "bb_second")
    if method != "createNewStickerSet":
        publish()
        pack("cc_third")
        _change_art(app, "aa_first", image=png((90, 90), (9, 9, 9, 255)), width=90, height=90)
    fake.lose_answer(method)
    result = publish(expect_ok=False)
    assert "cannot reach Telegram" in result.output
    assert any(r.pending for r in rows(PublishedSticker))

    publish()
    assert method not in fake.changes()
    assert len(_stickers(fake)) == (2 if method == "createNewStickerSet" else 3)
    records = _records(rows)
    assert all(r.pending is None for r in records.values())
    assert sorted(r.file_unique_id for r in records.values()) == sorted(
        s["file_unique_id"] for s in _stickers(fake)
    )
    publish()
    assert fake.changes() == []


def test_a_set_deleted_in_telegram_is_made_again(backend, pack, publish, fake, rows):  # noqa: ANN001
    pack("one")
    publish()
    del fake.sets[SET]
    assert "Created the set: added 1" in publish().output
    assert _records(rows)["one"].file_unique_id == _stickers(fake)[0]["file_unique_id"]


def test_the_sticker_sent_is_the_rendered_art(backend, pack, publish, fake):  # noqa: ANN001
    pack("wide")
    publish()
    with Image.open(io.BytesIO(_stickers(fake)[0]["data"])) as image:
        assert max(image.size) == 512


def test_the_migration_matches_the_model_and_downgrades(backend, app):  # noqa: ANN001
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import inspect

    from campaignkit.core.db import Model
    from campaignkit.core.migrate import alembic_config

    state = app.extensions["campaignkit"]
    engine = state.database.engine
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Model.metadata)
    assert [d for d in differences if "emoji_telegram_stickers" in repr(d)] == []
    config = alembic_config(state.database, state.branches())
    command.downgrade(config, "emoji_0002_frames")
    assert "emoji_telegram_stickers" not in inspect(engine).get_table_names()
    command.upgrade(config, "emoji@head")
    assert "emoji_telegram_stickers" in inspect(engine).get_table_names()


def test_a_set_published_before_records_were_kept_is_not_doubled(
    backend, app, pack, publish, fake, rows
):  # noqa: ANN001
    pack("one", "two", "three")
    publish()
    with app.app_context(), write_session() as session:
        session.execute(PublishedSticker.__table__.delete())  # as an earlier version left it
    ids = [s["file_unique_id"] for s in _stickers(fake)]
    publish()
    assert fake.changes() == ["replaceStickerInSet"] * 3  # each once, in place; nothing added
    assert len(_stickers(fake)) == 3 and len(_records(rows)) == 3
    # the pictures were the same, so Telegram kept each sticker (and its id) as it was
    assert ids == [s["file_unique_id"] for s in _stickers(fake)]
    assert [r.file_unique_id for r in rows(PublishedSticker)] == ids
    publish()
    assert fake.changes() == []
