"""``campaignkit blocklists``: create, import, lookup, publish-bluesky, apply, rotate-keys."""

from __future__ import annotations

import re
from pathlib import Path

import click
from sqlalchemy.exc import IntegrityError

from campaignkit.core import instance_app, plugin_settings, write_session
from campaignkit.plugins.blocklists.bluesky_publish import BlueskyRefused, import_modlist, publish
from campaignkit.plugins.blocklists.cli_apply import apply_command
from campaignkit.plugins.blocklists.cli_rotate import rotate_keys_command
from campaignkit.plugins.blocklists.entries import audit
from campaignkit.plugins.blocklists.imports import ImportRefused, import_file
from campaignkit.plugins.blocklists.lookup_jobs import run_lookup
from campaignkit.plugins.blocklists.models import PLATFORMS, BlockList, now

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def check_slug(_ctx, _param, value: str) -> str:  # noqa: ANN001 - click callback
    """A slug of lower-case letters, digits and hyphens."""
    if not SLUG.match(value):
        raise click.BadParameter("use lower-case letters, digits and hyphens, e.g. 'trolls'")
    return value


@click.group("blocklists")
def blocklists() -> None:
    """Shared blocklists: create lists, import entries into them, apply them."""


@blocklists.command("create")
@click.argument("slug", callback=check_slug)
@click.option("--title", required=True)
@click.option("--purpose", default="", help="What the list is for (shown on its page).")
@click.option("--rules", default="", help="What gets an account on the list.")
@click.option("--private", is_flag=True, help="Show handles to signed-in members only.")
def create(slug: str, title: str, purpose: str, rules: str, private: bool) -> None:
    """Create a list."""
    title = " ".join(title.split())
    if not title:
        raise click.BadParameter("give the list a title", param_hint="--title")
    app = instance_app()
    with app.app_context():
        try:
            with write_session() as session:
                created = BlockList(
                    slug=slug, title=title[:200], purpose=purpose.strip(), rules=rules.strip(),
                    private=private, created_at=now(),
                )  # fmt: skip
                session.add(created)
                session.flush()
                audit(session, created.id, "create", None, f"Created {slug} from the command line")
        except IntegrityError:
            raise click.ClickException(f"a list called '{slug}' exists already") from None
    click.echo(f"Created list '{slug}': /blocklists/{slug}")


@blocklists.command("import")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                required=False)  # fmt: skip
@click.option("--platform", type=click.Choice(PLATFORMS), default="x", show_default=True,
              help="The platform of rows that do not name one.")  # fmt: skip
@click.option("--bluesky-list", "bluesky_list", default="",
              help="Import a Bluesky moderation list (bsky.app address or at:// URI).")  # fmt: skip
def import_command(slug: str, file: Path | None, platform: str, bluesky_list: str) -> None:
    """Import a CSV of handles or ids, a Block Together export, or a Bluesky moderation list."""
    if (file is None) == (not bluesky_list):
        raise click.UsageError("give either a FILE or --bluesky-list URL")
    if bluesky_list:
        _import_bluesky(slug, bluesky_list)
        return
    app = instance_app()
    with app.app_context(), click.progressbar(length=1, label="Importing") as bar:
        shown = [0]

        def report(done: int, total: int | None, _message: str) -> None:
            if total:
                bar.length = total
                bar.update(done - shown[0])
                shown[0] = done

        try:
            result = import_file(
                slug, file, default_platform=platform, progress=report,
                require_second_approval=plugin_settings("blocklists").require_second_approval,
            )  # fmt: skip
        except ImportRefused as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(result.summary())


@blocklists.command("lookup")
@click.argument("slug")
def lookup_command(slug: str) -> None:
    """Look up the ids of a list's entries that wait by handle."""
    app = instance_app()
    with app.app_context(), click.progressbar(length=1, label="Looking up handles") as bar:
        shown = [0]

        def report(done: int, total: int, _message: str) -> None:
            bar.length = max(total, 1)
            bar.update(done - shown[0])
            shown[0] = done

        try:
            result = run_lookup(slug, report)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(result.summary())


def _progress(label: str):  # noqa: ANN202 - a context manager and its callback
    bar = click.progressbar(length=1, label=label)
    shown = [0]

    def report(done: int, total: int | None, _message: str) -> None:
        if total:
            bar.length = total
            bar.update(done - shown[0])
            shown[0] = done

    return bar, report


def _import_bluesky(slug: str, source: str) -> None:
    app = instance_app()
    bar, report = _progress("Importing from Bluesky")
    with app.app_context(), bar:
        try:
            summary = import_modlist(slug, source, plugin_settings("blocklists"), progress=report)
        except BlueskyRefused as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(summary)


@blocklists.command("publish-bluesky")
@click.argument("slug")
def publish_bluesky(slug: str) -> None:
    """Publish (or bring in step) a list's live Bluesky entries as a moderation list."""
    app = instance_app()
    with app.app_context():
        try:
            result = publish(slug, plugin_settings("blocklists"))
        except BlueskyRefused as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(result.summary())


blocklists.add_command(apply_command)
blocklists.add_command(rotate_keys_command)
