"""``campaignkit worker``: run background jobs."""

from __future__ import annotations

import logging

import click

from campaignkit.commands.common import pass_instance
from campaignkit.core.cli_support import InstanceContext
from campaignkit.core.jobs import SHUTDOWN_TIMEOUT_S, run_worker
from campaignkit.core.state import current_database


@click.command()
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 32), help="Jobs run at once."
)
@click.option(
    "--shutdown-timeout",
    default=SHUTDOWN_TIMEOUT_S,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds running jobs get to finish after SIGTERM.",
)
@pass_instance
def worker(context: InstanceContext, workers: int, shutdown_timeout: float):
    """Run the instance's background jobs until stopped.

    SIGTERM lets running jobs finish (up to --shutdown-timeout); Ctrl-C (SIGINT)
    stops at once and marks running jobs failed.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = context.app()
    click.echo(f"Worker started for {context.path}, running up to {workers} jobs at once.")
    try:
        run_worker(app, workers=workers, shutdown_timeout=shutdown_timeout)
    finally:
        current_database(app).dispose()
    click.echo("Worker stopped.")
