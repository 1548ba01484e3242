"""The ``campaignkit videos`` commands: ``briefs`` (the list), ``import`` (a file that
arrived another way) and ``purge`` (retention)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import select

from campaignkit.core import instance_app, read_session
from campaignkit.plugins.videos.importing import ImportRefused, check_import, import_video
from campaignkit.plugins.videos.models import Brief
from campaignkit.plugins.videos.retention import purge_taken_down
from campaignkit.plugins.videos.submissions import SubmissionRefused


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


@videos.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--brief", "brief_id", type=int, help="The brief it answers (open video if left out)."
)
@click.option("--producer", "email", required=True, help="The producer's email address.")
@click.option("--title", default="", help="The video's title (the file's name if left out).")
@click.option("--description", default="", help="A few words about the video.")
def import_command(
    file: Path, brief_id: int | None, email: str, title: str, description: str
) -> None:
    """Copy a video FILE into the store as the producer's submission and start processing it."""
    app = instance_app()
    with app.app_context():
        try:
            producer_id = check_import(file, brief_id=brief_id, email=email)
            bar = click.progressbar(length=file.stat().st_size, label="Copying", file=sys.stderr)
            with bar:
                submission_id = import_video(
                    file, producer_id=producer_id, brief_id=brief_id,
                    title=title or file.stem, description=description, copied=bar.update,
                )  # fmt: skip
        except (ImportRefused, SubmissionRefused) as refused:
            raise click.ClickException(str(refused)) from None
    click.echo(f"Imported as submission {submission_id}; processing has started.")


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
