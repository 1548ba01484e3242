"""``campaignkit blocklists apply [--account ID]``: run the apply job in the foreground.

For one connected account, or every account with work to do (a changed list or pending
calls), with a progress bar. The process waits out the platforms' rate limits itself
(a large X list takes hours: 50 mutes per 15 minutes), and can be stopped at any time:
the next run, or the worker, picks up where it stopped.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click

from campaignkit.core import instance_app, write_session
from campaignkit.plugins.blocklists.apply_queue import due_connections
from campaignkit.plugins.blocklists.applying import WAITING, Outcome, run_apply
from campaignkit.plugins.blocklists.pacing import SystemClock
from campaignkit.plugins.blocklists.subscribers import Connection


@click.command("apply")
@click.option("--account", "account", type=int, default=None,
              help="One connected account's id (default: every account with work).")  # fmt: skip
def apply_command(account: int | None) -> None:
    """Apply subscribed lists to connected accounts now, with a progress bar."""
    app = instance_app()
    with app.app_context():
        if account is not None:
            with write_session() as session:
                if session.get(Connection, account) is None:
                    raise click.ClickException(f"there is no connected account with id {account}")
            ids = [account]
        else:
            ids = due_connections(datetime.max.replace(tzinfo=UTC))
        if not ids:
            click.echo("Nothing to apply: every connected account is up to date.")
        for connection_id in ids:
            outcome = _apply_one(connection_id)
            words = f"{outcome.done} of {outcome.total} steps done ({outcome.state})"
            click.echo(f"Account {connection_id}: {words}. {outcome.message}".rstrip())


def _apply_one(connection_id: int) -> Outcome:
    """Run one account's pending work with a progress bar; waits out rate limits."""
    with click.progressbar(length=1, label=f"Account {connection_id}") as bar:
        shown = [0]

        def report(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - shown[0])
            shown[0] = done

        clock = SystemClock()
        while True:
            outcome = run_apply(connection_id, max_wait=float("inf"), on_progress=report)
            if outcome.state != WAITING or outcome.resume_at is None:
                return outcome
            clock.sleep(max(outcome.resume_at - clock.time(), 0))  # the platform said when
