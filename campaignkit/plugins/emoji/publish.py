"""``campaignkit emoji export`` and ``telegram-publish``: a pack's exports from the command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from sqlalchemy import select

from campaignkit.core import instance_app, plugin_settings, read_session
from campaignkit.plugins.emoji.downloads import pack_export_input, write_atomically
from campaignkit.plugins.emoji.exports import PLATFORMS, ExportError, build_export
from campaignkit.plugins.emoji.models import Pack
from campaignkit.plugins.emoji.telegram import BotApi, TelegramError, sticker_set_name
from campaignkit.plugins.emoji.telegram_records import PackLedger
from campaignkit.plugins.emoji.telegram_sync import describe, sync_sticker_set

TOKEN_VARIABLE = "CAMPAIGNKIT_TELEGRAM_BOT_TOKEN"  # noqa: S105 - a variable name


def read_pack(slug: str):  # noqa: ANN201 - (PackInfo, list[ArtImage])
    """The pack's details and approved art, or a clear error naming the slug."""
    with read_session() as session:
        pack = session.scalars(select(Pack).where(Pack.slug == slug)).first()
        if pack is None:
            raise click.ClickException(f"There is no pack called {slug!r}.")
        return pack_export_input(session, pack)


@click.command("export")
@click.argument("slug")
@click.option("--platform", required=True, type=click.Choice(PLATFORMS))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_command(slug: str, platform: str, out: Path) -> None:
    """Write a pack's export for one chat app to a file."""
    with instance_app().app_context():
        info, arts = read_pack(slug)
        with click.progressbar(length=max(len(arts), 1), label="Exporting", file=sys.stderr) as bar:

            def progress(done: int, total: int) -> None:
                bar.update(done - bar.pos)

            try:
                data = build_export(platform, info, arts, progress)
            except ExportError as exc:
                raise click.ClickException(str(exc)) from None
    write_atomically(out, data)
    click.echo(f"Wrote {out} ({len(data)} bytes, {len(arts)} pictures).")


@click.command("telegram-publish")
@click.argument("slug")
@click.option("--api-url", default="https://api.telegram.org", show_default=True,
              help="The Bot API server (for tests).")  # fmt: skip
def telegram_publish_command(slug: str, api_url: str) -> None:
    """Bring the pack's Telegram sticker set in line with its approved art; print its link.

    Creates the set, or adds new art, replaces changed pictures, updates emoji and the
    title, and removes art that is no longer approved. Stickers added to the set by hand
    are left alone. After an error, running it again carries on where it stopped.
    """
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise click.ClickException(f"No Telegram bot token: set {TOKEN_VARIABLE}.")
    with instance_app().app_context():
        settings = plugin_settings("emoji")
        if not settings.telegram_bot_username or not settings.telegram_owner_user_id:
            raise click.ClickException(
                "Set telegram_bot_username and telegram_owner_user_id in [plugins.emoji]."
            )
        info, arts = read_pack(slug)
        try:
            name = sticker_set_name(info.slug, settings.telegram_bot_username)
            with read_session() as session:
                pack_id = session.scalars(select(Pack.id).where(Pack.slug == slug)).one()
            report = sync_sticker_set(
                BotApi(token, api_url), settings.telegram_owner_user_id, name, info.title,
                arts, PackLedger(pack_id, name),
            )  # fmt: skip
        except (TelegramError, ExportError) as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(describe(report))
