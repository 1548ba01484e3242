"""The ``campaignkit blocklists`` commands: ``create`` a list and ``import`` a file into it."""

from __future__ import annotations

import re
from pathlib import Path

import click
from sqlalchemy.exc import IntegrityError

from campaignkit.core import instance_app, plugin_settings, write_session
from campaignkit.plugins.blocklists.cli_apply import apply_command
from campaignkit.plugins.blocklists.entries import audit
from campaignkit.plugins.blocklists.imports import ImportRefused, import_file
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
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--platform", type=click.Choice(PLATFORMS), default="x", show_default=True,
              help="The platform of rows that do not name one.")  # fmt: skip
def import_command(slug: str, file: Path, platform: str) -> None:
    """Import a CSV of handles or ids, or a Block Together export, into a list."""
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


blocklists.add_command(apply_command)
