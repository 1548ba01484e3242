"""``campaignkit db``: schema migrations."""

from __future__ import annotations

import click
from sqlalchemy.exc import SQLAlchemyError

from campaignkit.commands.common import pass_instance
from campaignkit.core.cli_support import InstanceContext
from campaignkit.core.migrate import upgrade
from campaignkit.core.state import app_state


@click.group()
def db():
    """Manage the database schema."""


@db.command("upgrade")
@pass_instance
def db_upgrade(context: InstanceContext):
    """Apply core's and every enabled plugin's migrations."""
    state = app_state(context.app())
    try:
        labels = upgrade(state.database, state.branches(), state.instance.enabled)
    except SQLAlchemyError as exc:
        where = state.database.engine.url.render_as_string(hide_password=True)
        problem = getattr(exc, "orig", None) or exc
        raise click.ClickException(f"cannot upgrade the database {where}: {problem}") from None
    finally:
        state.database.dispose()
    click.echo(f"Database up to date ({state.database.engine.dialect.name}): {', '.join(labels)}")
