"""The ``campaignkit videos`` commands: ``briefs`` (the list) and ``purge`` (retention)."""

from __future__ import annotations

import click
from sqlalchemy import select

from campaignkit.core import instance_app, read_session
from campaignkit.plugins.videos.models import Brief
from campaignkit.plugins.videos.retention import purge_taken_down


@click.group("videos")
def videos() -> None:
    """Video briefs, submissions and their files."""


@videos.command("briefs")
@click.option("--all", "show_all", is_flag=True, help="Closed briefs too.")
def briefs_command(show_all: bool) -> None:
    """Every open brief: id, status, format, length, deadline, claims and title."""
    app = instance_app()
    with app.app_context(), read_session() as session:
        query = select(Brief).order_by(Brief.deadline, Brief.id)
        if not show_all:
            query = query.where(Brief.status == "open")
        rows = session.scalars(query).all()
        for brief in rows:
            click.echo(
                f"{brief.id}\t{brief.status}\t{brief.format}\t{brief.max_seconds}s\t"
                f"{brief.deadline:%Y-%m-%d}\t{brief.claim_count}/{brief.max_claims}\t{brief.title}"
            )
        if not rows:
            click.echo("No briefs.")


@videos.command("purge")
@click.option("--dry-run", is_flag=True, help="Only say how many videos would be purged.")
def purge_command(dry_run: bool) -> None:
    """Delete the files of videos taken down more than ``retention_days`` ago."""
    app = instance_app()
    with app.app_context():
        try:
            count = purge_taken_down(dry_run=dry_run)
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from None
    verb = "Would purge" if dry_run else "Purged"
    click.echo(f"{verb} the files of {count} taken-down videos.")
