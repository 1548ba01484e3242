"""The ``campaignkit pledges`` commands: ``create``, ``open``, ``close``, ``list`` and ``demo``."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import click
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaignkit.core import instance_app, write_session
from campaignkit.plugins.pledges.demo import WAITING, seed_demo_pledge
from campaignkit.plugins.pledges.models import CLOSED, OPEN, STATES, Pledge

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def check_slug(_ctx, _param, value: str) -> str:  # noqa: ANN001 - click callback
    """A slug of lower-case letters, digits and hyphens."""
    if not SLUG.match(value):
        raise click.BadParameter("use lower-case letters, digits and hyphens, e.g. 'save-our-nhs'")
    return value


@click.group("pledges")
def pledges() -> None:
    """Pledge pages: create, open, close and list them."""


@pledges.command("create")
@click.option("--slug", required=True, callback=check_slug, help="The page's address.")
@click.option("--title", required=True)
@click.option("--text", required=True, help="The words people sign.")
@click.option("--goal", required=True, type=click.IntRange(1))
@click.option("--deadline", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]))
@click.option("--threshold", type=click.IntRange(1), help="Tell organisers at this many.")
@click.option("--share-text", default="", help="The text share buttons suggest.")
@click.option("--status", type=click.Choice(STATES), default=OPEN, show_default=True)
def create(slug, title, text, goal, deadline, threshold, share_text, status) -> None:  # noqa: ANN001
    """Create a pledge (open at once unless ``--status draft``)."""
    app = instance_app()
    with app.app_context():
        try:
            with write_session() as session:
                session.add(
                    Pledge(
                        slug=slug,
                        title=title.strip(),
                        text=text.strip(),
                        goal=goal,
                        deadline=deadline.replace(tzinfo=UTC) if deadline else None,
                        threshold=threshold,
                        share_text=share_text.strip(),
                        status=status,
                        signed_count=0,
                        created_at=datetime.now(UTC),
                    )  # fmt: skip
                )
        except IntegrityError:
            raise click.ClickException(f"a pledge called '{slug}' exists already") from None
    click.echo(f"Created pledge '{slug}' ({status}): /pledges/{slug}")


def _set_status(slug: str, status: str) -> None:
    app = instance_app()
    with app.app_context(), write_session() as session:
        pledge = session.scalars(select(Pledge).where(Pledge.slug == slug)).first()
        if pledge is None:
            raise click.ClickException(f"no pledge called '{slug}'")
        pledge.status = status
    click.echo(f"Pledge '{slug}' is now {status}.")


@pledges.command("open")
@click.argument("slug")
def open_command(slug: str) -> None:
    """Open a pledge for signatures."""
    _set_status(slug, OPEN)


@pledges.command("close")
@click.argument("slug")
def close_command(slug: str) -> None:
    """Close a pledge: it stays visible and stops taking signatures."""
    _set_status(slug, CLOSED)


@pledges.command("list")
def list_command() -> None:
    """Every pledge with its state and count."""
    app = instance_app()
    with app.app_context(), write_session() as session:
        for pledge in session.scalars(select(Pledge).order_by(Pledge.id)):
            click.echo(f"{pledge.slug}\t{pledge.status}\t{pledge.signed_count}/{pledge.goal}")


@pledges.command("demo")
def demo_command() -> None:
    """Add a sample open pledge with signatures (for the demo instance; only when none exist)."""
    app = instance_app()
    with app.app_context(), write_session() as session:
        pledge = seed_demo_pledge(session)
        if pledge is None:
            click.echo("The instance already has pledges; no sample pledge added.")
            return
        slug, signed = pledge.slug, pledge.signed_count
    click.echo(f"Added pledge '{slug}': {signed} signed, {WAITING} waiting to confirm.")
