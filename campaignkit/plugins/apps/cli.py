"""The ``campaignkit apps`` commands: ``import``, ``export`` and ``check-links``."""

from __future__ import annotations

from pathlib import Path

import click

from campaignkit.core import instance_app, plugin_settings, public_url_context
from campaignkit.plugins.apps.csvfile import CsvError, read_apps_csv, save_imported, write_apps_csv
from campaignkit.plugins.apps.linkcheck import check_links


@click.group("apps")
def apps() -> None:
    """The apps directory: import and export it as CSV, check its links."""


@apps.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Add (or update) the apps in a CSV file in the Bern Kit's layout; all or nothing."""
    app = instance_app()
    with app.app_context():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise click.ClickException(f"{path.name} is not UTF-8 text.") from None
        try:
            entries = read_apps_csv(text, tuple(plugin_settings("apps").insecure_servers))
        except CsvError as exc:
            lines = "\n".join(f"  {problem}" for problem in exc.problems)
            raise click.ClickException(f"{path.name}: nothing imported. Fix:\n{lines}") from None
        added, updated = save_imported(entries)
    click.echo(f"Imported {path.name}: {added} apps added, {updated} updated.")


@apps.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
def export_command(path: Path | None) -> None:
    """Write the listed apps as CSV to PATH (or print it)."""
    app = instance_app()
    with app.app_context(), public_url_context(app):
        text = write_apps_csv()
    if path is None:
        click.echo(text, nl=False)
    else:
        path.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {path}")


@apps.command("check-links")
def check_links_command() -> None:
    """Check every listed and pending app's link now and flag the dead ones."""
    app = instance_app()
    with app.app_context():
        checked, dead = check_links()
    click.echo(f"Checked {checked} links: {dead} did not answer.")
