"""``campaignkit events``: import events from a CSV file, load the demo's sample events."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from campaignkit.commands.common import pass_instance
from campaignkit.core.cli_support import InstanceContext
from campaignkit.core.events.demo import demo_rows
from campaignkit.core.events.importer import check_rows, read_csv, save_events
from campaignkit.core.events.models import Event
from campaignkit.core.events.settings import event_types
from campaignkit.core.session import db_session
from campaignkit.core.settings import public_url_context


@click.group()
def events():
    """Campaign events: import from a spreadsheet, load sample events."""


@events.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--allow-past", is_flag=True, help="Import events that have already started too.")
@pass_instance
def events_import(context: InstanceContext, file, allow_past: bool):  # noqa: ANN001
    """Import events from a CSV FILE; nothing is saved unless every row is good.

    The header names some of these columns (type, title, date, start, end and
    postcode are required, and a venue or an address):
    type,title,description,date,start,end,end_date,
    timezone,venue,address,postcode,capacity,chat_url,accessibility,
    members_only,host_email,lat,lon,seat_code,seat_name

    The type may be a type's key or its label ("canvass" or "Canvassing").
    """
    with public_url_context(context.app()):
        try:
            rows = read_csv(file)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        with click.progressbar(length=len(rows), label="Checking rows") as bar:
            good, report = check_rows(
                rows, event_types(), tick=lambda: bar.update(1), allow_past=allow_past
            )
        if report.problems:
            for line, problem in report.problems:
                click.echo(f"line {line}: {problem}", err=True)
            raise click.ClickException(
                f"{len(report.problems)} of {report.rows} rows have problems; nothing was saved."
            )
        with click.progressbar(length=len(good), label="Saving events") as bar:
            saved = save_events(good, tick=lambda: bar.update(1))
        click.echo(f"Imported {len(saved)} events.")


@events.command("demo")
@click.option("--count", default=600, show_default=True, help="How many sample events.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the instance has events.")
@click.option("--seed", default=2026, show_default=True, help="Random seed.")
@pass_instance
def events_demo(context: InstanceContext, count: int, if_empty: bool, seed: int):
    """Load realistic sample events spread over Great Britain (for the demo instance)."""
    with public_url_context(context.app()):
        if if_empty and db_session().scalar(select(func.count()).select_from(Event)):
            click.echo("The instance already has events; no sample events added.")
            return
        rows = list(enumerate(demo_rows(count, seed), start=2))
        good, report = check_rows(rows, event_types())
        if report.problems:  # the shipped sample file is broken
            raise click.ClickException(f"sample events invalid: {report.problems[:3]}")
        with click.progressbar(length=len(good), label="Adding sample events") as bar:
            saved = save_events(good, tick=lambda: bar.update(1))
        click.echo(f"Added {len(saved)} sample events.")
