"""``campaignkit emoji create-pack`` and ``add``: packs and approved art from the command line."""

from __future__ import annotations

from pathlib import Path

from emoji_helpers import animated_gif, png

from campaignkit.plugins.emoji.models import APPROVED, Art, Pack, approved_art


def test_create_pack_then_add_files_through_the_intake_checks(backend, cli, rows, tmp_path: Path):
    result = cli("emoji", "create-pack", "--slug", "roses", "--title", "Red roses")
    assert result.exit_code == 0, result.output
    (pack,) = rows(Pack)
    assert (pack.slug, pack.title, pack.licence, pack.version) == (
        "roses", "Red roses", "CC BY-SA 4.0", 1,
    )  # fmt: skip
    good, other = tmp_path / "Red Rose.png", tmp_path / "fist.png"
    good.write_bytes(png())
    other.write_bytes(png((40, 80)))
    (tmp_path / "page.png").write_text("<html><body>not a picture</body></html>")
    result = cli("emoji", "add", "roses", str(good), str(other), str(tmp_path / "page.png"),
                 "--emoji", "🌹")  # fmt: skip
    assert result.exit_code == 1
    assert "Added 2 to 'roses'; 1 refused." in result.output
    assert "page.png: That file is not a picture" in result.output
    art = {a.name: a for a in rows(Art)}
    assert sorted(art) == ["fist", "red_rose"]
    assert all(a.status == APPROVED and a.emojis == "🌹" for a in art.values())
    assert art["red_rose"].credit_name == "Red roses" and art["red_rose"].image.startswith(
        b"\x89PNG"
    )
    assert rows(Pack)[0].version == 3  # each approved piece makes cached exports stale


def test_add_refuses_bad_names_emoji_packs_and_taken_names(backend, cli, rows, tmp_path: Path):
    cli("emoji", "create-pack", "--slug", "roses", "--title", "Roses", "--licence", "CC0",
        "--description", "Red\x00 roses\r\n")  # fmt: skip
    assert (rows(Pack)[0].licence, rows(Pack)[0].description) == ("CC0", "Red roses")
    file = tmp_path / "a.png"
    file.write_bytes(png())
    result = cli("emoji", "add", "roses", str(file), "--name", "has space")
    assert result.exit_code == 1 and "2 to 32 characters" in result.output
    result = cli("emoji", "add", "roses", str(file), "--emoji", "rose")
    assert result.exit_code == 2 and "one to three emoji" in result.output
    result = cli("emoji", "add", "tulips", str(file), "--name", "tulip")
    assert result.exit_code == 1 and "no pack called 'tulips'" in result.output
    assert cli("emoji", "add", "roses", str(file), "--name", "rose").exit_code == 0
    result = cli("emoji", "add", "roses", str(file), "--name", "rose")
    assert result.exit_code == 1 and "already has art called 'rose'" in result.output
    assert [a.name for a in rows(Art)] == ["rose"]
    result = cli("emoji", "create-pack", "--slug", "roses", "--title", "Again")
    assert result.exit_code == 1 and "already uses the address" in result.output
    result = cli("emoji", "create-pack", "--slug", "Bad Slug", "--title", "Again")
    assert result.exit_code == 2 and "lower-case letters" in result.output
    result = cli("emoji", "create-pack", "--slug", "static", "--title", "Again")
    assert result.exit_code == 2 and "used by the emoji pages" in result.output


def test_approved_art_gives_exports_the_approved_pieces_by_name(backend, app, cli, tmp_path):  # noqa: ANN001
    cli("emoji", "create-pack", "--slug", "roses", "--title", "Roses")
    still, moving = tmp_path / "zebra.png", tmp_path / "apple.gif"
    still.write_bytes(png((300, 100)))
    moving.write_bytes(animated_gif(4, (32, 32)))
    assert cli("emoji", "add", "roses", str(still), str(moving), "--emoji", "🦓🍎").exit_code == 0
    with app.extensions["campaignkit"].database.new_session() as session:
        pack_id = session.query(Pack.id).scalar()
        records = approved_art(session, pack_id)
    assert [(r.name, r.emojis, r.animated, r.format) for r in records] == [
        ("apple", "🦓🍎", True, "WEBP"), ("zebra", "🦓🍎", False, "PNG"),
    ]  # fmt: skip
    assert (records[1].width, records[1].height) == (300, 100)
    assert records[0].image[8:12] == b"WEBP" and records[1].image.startswith(b"\x89PNG")
