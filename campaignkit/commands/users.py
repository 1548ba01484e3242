"""``campaignkit users``: create accounts, list them, change roles."""

from __future__ import annotations

import secrets
import sys

import click
from sqlalchemy import select

from campaignkit.commands.common import SuggestingChoice, pass_instance
from campaignkit.core.auth.accounts import (
    AccountError,
    create_user,
    find_user,
    send_reset,
    set_role,
)
from campaignkit.core.auth.models import User
from campaignkit.core.auth.passwords import password_problem
from campaignkit.core.auth.roles import ROLES
from campaignkit.core.cli_support import InstanceContext
from campaignkit.core.session import db_session
from campaignkit.core.settings import public_url_context

ROLE = SuggestingChoice(ROLES)


@click.group()
def users():
    """Accounts: create, list, change roles."""


@users.command("create")
@click.argument("email")
@click.option("--role", type=ROLE, default="supporter", show_default=True)
@click.option("--name", default="", help="The first name others see (as an event's host).")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input; without it a set-password link is mailed.",
)
@click.option(
    "--generate-password",
    is_flag=True,
    help="Choose a strong password and print it, once (for a demo or a first account).",
)
@click.option("--if-missing", is_flag=True, help="Do nothing when the account exists already.")
@pass_instance
def users_create(  # noqa: PLR0913 - one argument per option
    context: InstanceContext,
    email: str,
    role: str,
    name: str,
    password_stdin: bool,
    generate_password: bool,
    if_missing: bool,
):
    """Create an account for EMAIL with a role (approved, address counted as confirmed)."""
    password = None
    if password_stdin and generate_password:
        raise click.UsageError("Give --password-stdin or --generate-password, not both.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        problem = password_problem(password, email)
        if problem:
            raise click.ClickException(problem)
    if generate_password:
        password = secrets.token_urlsafe(12)
    with public_url_context(context.app()):
        if if_missing and find_user(email) is not None:
            click.echo(f"{email} has an account already; nothing changed.")
            return
        try:
            user = create_user(
                email,
                password,
                role,
                name=name,
                approved=True,
                verified=True,
                joined_via="command line",
            )
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Created {user.email} ({role}).")
        if generate_password:
            click.echo(f"Its password (shown this once): {password}")
        if password is None:
            if not send_reset(user, welcome=True):
                raise click.ClickException("The set-password mail could not be sent.")
            click.echo(f"A link to choose a password was mailed to {user.email}.")


@users.command("list")
@pass_instance
def users_list(context: InstanceContext):
    """List every account: email, name, role, approval, whether the address is confirmed."""
    with context.app().app_context():
        rows = db_session().scalars(select(User).order_by(User.email)).all()
        for user in rows:
            confirmed = "confirmed" if user.email_verified else "unconfirmed"
            name = user.name or "-"
            click.echo(f"{user.email:40} {name:20} {user.role:10} {user.approval:9} {confirmed}")
        if not rows:
            click.echo("No accounts yet. Create one with 'campaignkit users create EMAIL'.")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE)
@pass_instance
def users_set_role(context: InstanceContext, email: str, role: str):
    """Give the account EMAIL another ROLE."""
    with context.app().app_context():
        user = find_user(email)
        if user is None:
            raise click.ClickException(f"No account has the address {email}.")
        set_role(user.id, role)
        click.echo(f"{user.email} now has the role {role}.")
