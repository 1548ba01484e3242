"""The ``campaignkit emoji`` commands: ``create-pack`` and ``add`` (``export`` and
``telegram-publish`` are in ``publish``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from campaignkit.core import instance_app, plugin_settings
from campaignkit.plugins.emoji.intake import IntakeError, clean_emojis, clean_name
from campaignkit.plugins.emoji.models import DEFAULT_LICENCE
from campaignkit.plugins.emoji.packs import PackError, add_approved_art, create_pack, slug_error
from campaignkit.plugins.emoji.publish import export_command, telegram_publish_command

DEFAULT_EMOJI = "🎉"


def check_slug(_ctx, _param, value: str) -> str:  # noqa: ANN001 - click callback
    """A slug of lower-case letters, digits and hyphens."""
    if error := slug_error(value):
        raise click.BadParameter(error)
    return value


@click.group("emoji")
def emoji() -> None:
    """Emoji and sticker packs: create packs, add artwork, export and publish them."""


emoji.add_command(export_command)
emoji.add_command(telegram_publish_command)


@emoji.command("create-pack")
@click.option("--slug", required=True, callback=check_slug, help="The pack's address.")
@click.option("--title", required=True)
@click.option("--licence", default=DEFAULT_LICENCE, show_default=True)
@click.option("--description", default="")
def create_pack_command(slug: str, title: str, licence: str, description: str) -> None:
    """Create an empty pack."""
    app = instance_app()
    with app.app_context():
        try:
            create_pack(slug=slug, title=title, licence=licence, description=description)
        except PackError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Created pack '{slug}': /emoji/{slug}")


def _art_name(path: Path, name: str | None, count: int) -> str:
    """The name for one file: ``--name`` for a single file, else the file's name cleaned."""
    if name and count == 1:
        return name
    stem = "".join(c if c.isalnum() or c == "_" else "_" for c in path.stem.lower())
    return (f"{name}_{stem}" if name else stem)[:32]


@emoji.command("add")
@click.argument("slug")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--name", help="The art's name (with several files: a prefix for each).")
@click.option("--emoji", "emojis", default=DEFAULT_EMOJI, show_default=True)
@click.option("--credit", default="", help="The credit shown (default: the pack's title).")
def add_command(slug: str, files: tuple[str, ...], name: str | None, emojis: str, credit: str):
    """Add approved artwork to a pack, through the same checks as an upload."""
    app = instance_app()
    added, refused = 0, []
    with app.app_context():
        try:
            emojis = clean_emojis(emojis)
        except IntakeError as exc:
            raise click.BadParameter(str(exc), param_hint="--emoji") from None
        limit = plugin_settings("emoji").max_upload_mb * 1024 * 1024
        with click.progressbar(files, label="Adding artwork", file=sys.stderr) as bar:
            for file in bar:
                path = Path(file)
                try:
                    art_name = clean_name(_art_name(path, name, len(files)))
                    with path.open("rb") as handle:
                        data = handle.read(limit + 1)
                    add_approved_art(slug, art_name, emojis, data, credit or None, limit)
                    added += 1
                except (IntakeError, PackError) as exc:
                    refused.append(f"{path.name}: {exc}")
    for line in refused:
        click.echo(line, err=True)
    click.echo(f"Added {added} to '{slug}'; {len(refused)} refused.")
    if refused:
        raise SystemExit(1)
