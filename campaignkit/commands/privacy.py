"""``campaignkit privacy``: export, erase, replay erasures after a restore, purge old data."""

from __future__ import annotations

from pathlib import Path

import click

from campaignkit.commands.common import pass_instance
from campaignkit.core.auth.accounts import normalise_email, valid_email
from campaignkit.core.cli_support import InstanceContext
from campaignkit.core.privacy.erasure import erase_person, replay
from campaignkit.core.privacy.export import export_person
from campaignkit.core.privacy.purge import purge


def _email(email: str) -> str:
    email = normalise_email(email)
    if not valid_email(email):
        raise click.BadParameter(f"'{email}' is not an email address.", param_hint="EMAIL")
    return email


def _bar(label: str):  # noqa: ANN202 - a progress-bar factory
    return lambda items: click.progressbar(items, label=label, show_pos=True)


@click.group()
def privacy():
    """Personal data: export, erase, replay erasures, purge by retention."""


@privacy.command("export")
@click.argument("email")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Where to write the zip (default: personal-data.zip in the current folder).",
)
@pass_instance
def privacy_export(context: InstanceContext, email: str, output: str | None):
    """Write a zip of everything every enabled plugin stores about EMAIL (logged)."""
    email = _email(email)
    with context.app().app_context():
        _subject, archive = export_person(email, None, "command line")
    target = Path(output or "personal-data.zip")
    target.touch(mode=0o600, exist_ok=True)
    target.write_bytes(archive)
    click.echo(f"Wrote {target} ({len(archive)} bytes). The export is logged.")


@privacy.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Erase without asking to confirm.")
@pass_instance
def privacy_erase(context: InstanceContext, email: str, yes: bool):
    """Erase EMAIL's account and every plugin's data about them (logged by hash only)."""
    email = _email(email)
    if not yes:
        click.confirm(f"Erase everything about {email}? This cannot be undone", abort=True)
    with context.app().app_context():
        counts = erase_person(email, "cli")
    rows = ", ".join(f"{plugin}: {count}" for plugin, count in counts.items())
    click.echo(f"Erased ({rows or 'nothing stored'}). The erasure is logged.")


@privacy.command("replay-erasures")
@pass_instance
def privacy_replay(context: InstanceContext):
    """Erase again everyone in the erasure log who is back (run after restoring a backup)."""
    with context.app().app_context():
        erased = replay(_bar("Checking addresses"))
    click.echo(f"Erased {len(erased)} {'person' if len(erased) == 1 else 'people'} again.")


@privacy.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be purged; change nothing.")
@pass_instance
def privacy_purge(context: InstanceContext, dry_run: bool):
    """Remove personal data older than each plugin's retention period."""
    with context.app().app_context():
        counts = purge(dry_run=dry_run, progress=_bar("Purging"))
    verb = "Would purge" if dry_run else "Purged"
    labels = {
        "accounts": "accounts never confirmed or rejected",
        "consents": "consent records of people without an account",
    }
    for name, count in counts.items():
        click.echo(f"{verb}: {count} {labels.get(name, f'rows of {name}')}")
