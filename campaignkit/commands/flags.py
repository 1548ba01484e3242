"""``campaignkit flags``: list feature flags and roll them out."""

from __future__ import annotations

import click

from campaignkit.commands.common import pass_instance
from campaignkit.core.cli_support import InstanceContext
from campaignkit.core.flags import Flag, FlagError, all_flags, save_flag
from campaignkit.core.session import db_session, write_session


def _split(value: str | None) -> list[str] | None:
    return None if value is None else [v for v in value.replace(",", " ").split() if v]


@click.group()
def flags():
    """Feature flags: staged rollout by percentage, role and user allowlist."""


@flags.command("list")
@pass_instance
def flags_list(context: InstanceContext):
    """List every flag and who it is on for."""
    with context.app().app_context():
        rows = all_flags(db_session())
        for flag in rows:
            state = "on " if flag.enabled else "off"
            click.echo(
                f"{flag.name:30} {state} {flag.percentage:3}%  roles: {flag.roles or '-'}  "
                f"users: {flag.users or '-'}"
            )
        if not rows:
            click.echo("No flags yet. Create one with 'campaignkit flags set NAME --percent 10'.")


@flags.command("set")
@click.argument("name")
@click.option("--percent", type=int, help="Share of signed-in users (0-100), by a stable hash.")
@click.option("--roles", help="Roles that always see it (comma-separated).")
@click.option("--users", help="Email addresses that always see it (comma-separated).")
@click.option("--description", help="What the flag switches on.")
@click.option("--on/--off", "enabled", default=None, help="Switch the flag on or off for all.")
@pass_instance
def flags_set(context: InstanceContext, name, percent, roles, users, description, enabled):  # noqa: ANN001
    """Create or change the flag NAME."""
    with context.app().app_context():
        try:
            with write_session() as session:
                flag = save_flag(
                    session, name, description=description, enabled=enabled,
                    percentage=percent, roles=_split(roles), users=_split(users),
                )  # fmt: skip
                summary = f"{flag.name}: {'on' if flag.enabled else 'off'}, {flag.percentage}%"
        except FlagError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(summary)


@flags.command("delete")
@click.argument("name")
@pass_instance
def flags_delete(context: InstanceContext, name: str):
    """Remove the flag NAME (the feature it guards is then off for everyone)."""
    with context.app().app_context():
        with write_session() as session:
            flag = session.get(Flag, name)
            if flag is None:
                raise click.ClickException(f"No flag is called {name}.")
            session.delete(flag)
        click.echo(f"Deleted {name}.")
