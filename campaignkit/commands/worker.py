"""``campaignkit worker``: run background jobs."""

from __future__ import annotations

import logging

import click

from campaignkit.commands.common import pass_instance
from campaignkit.core.cli_support import InstanceContext


@click.command()
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 32), help="Jobs run at once."
)
@pass_instance
def worker(context: InstanceContext, workers: int):
    """Run the instance's background jobs until stopped (Ctrl-C or SIGTERM)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    huey = context.app().extensions["campaignkit"].huey
    click.echo(f"Worker started for {context.path}, running up to {workers} jobs at once.")
    huey.create_consumer(workers=workers, worker_type="thread").run()
