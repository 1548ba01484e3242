"""Commands that create, check and serve an instance."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from campaignkit.commands.common import pass_instance
from campaignkit.core.app import create_app
from campaignkit.core.checks import run_checks
from campaignkit.core.cli_support import InstanceContext
from campaignkit.core.config import ConfigError
from campaignkit.core.init_instance import first_missing_folder, init_instance, remove_created
from campaignkit.core.migrate import pending, upgrade
from campaignkit.core.production import serve_with_gunicorn
from campaignkit.core.state import app_state, current_database
from campaignkit.core.urls import host_check_warning

#: The address ``init`` writes when none is given: where ``campaignkit run`` listens.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"


def upgrade_app_database(app) -> list[str]:  # noqa: ANN001 - Flask
    """Apply core's and the enabled plugins' migrations for this app's database."""
    state = app_state(app)
    return upgrade(state.database, state.branches(), state.instance.enabled)


def _undo_init(target: Path, created: Path | None) -> None:
    """Put things back as they were before a failed ``init``: the folder empty or gone."""
    if created is not None:
        remove_created(created)
    else:  # the target was an empty folder already
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(exist_ok=True)


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--kit", default="uk", show_default=True, help="A kit name (see 'kits list') or a kit folder."
)
@click.option("--theme", default=None, help="A theme name (default: the kit's theme).")
@click.option("--name", default=None, help="The campaign's name, shown on every page.")
@click.option(
    "--database-url", default=None, help="PostgreSQL URL (default: a SQLite file in the folder)."
)
@click.option(
    "--public-url",
    default=None,
    help=f"The site's address as visitors reach it, e.g. https://campaign.example.org "
    f"(asked for when run at a terminal; default {DEFAULT_PUBLIC_URL}).",
)
def init(
    directory: Path,
    kit: str,
    theme: str | None,
    name: str | None,
    database_url: str | None,
    public_url: str | None,
):
    """Create a new instance folder with its database, ready to run."""
    if public_url is None:
        public_url = _ask_public_url()
    created = first_missing_folder(directory.expanduser().resolve())
    target = init_instance(
        directory,
        kit=kit,
        theme=theme,
        name=name,
        database_url=database_url,
        public_url=public_url,
    )
    try:
        app = create_app(target)
        try:
            upgrade_app_database(app)
        finally:
            current_database(app).dispose()
    except SQLAlchemyError as exc:
        _undo_init(target, created)
        problem = " ".join(str(getattr(exc, "orig", None) or exc).split())  # one line
        raise ConfigError(f"cannot set up the database for {target}: {problem}") from None
    except BaseException:
        _undo_init(target, created)
        raise
    click.echo(f"Created {target} with the '{kit}' kit.")
    click.echo(f"Next: campaignkit --instance {directory} run")


def _ask_public_url() -> str:
    """The public URL typed at a terminal, or the default when nobody is there to ask."""
    if not sys.stdin.isatty():
        return DEFAULT_PUBLIC_URL
    return click.prompt(
        "The site's address as visitors reach it (links in mail start with it)",
        default=DEFAULT_PUBLIC_URL,
    )


def _warn_if_behind(app) -> None:  # noqa: ANN001 - Flask
    state = app_state(app)
    behind = pending(state.database, state.branches(), state.instance.enabled)
    if behind:
        click.secho(
            f"The database is behind for: {', '.join(behind)}. Run 'campaignkit db upgrade'.",
            fg="yellow",
            err=True,
        )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--debug/--no-debug", default=False, help="Reload on code changes and show tracebacks."
)
@pass_instance
def run(context: InstanceContext, host: str, port: int, debug: bool):
    """Run the development server (one process; use 'serve' in production)."""
    app = context.app()
    _warn_if_behind(app)
    app.run(host=host, port=port, debug=debug, use_reloader=debug)


@click.command()
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="host:port or unix:/path")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64))
@pass_instance
def serve(context: InstanceContext, bind: str, workers: int, threads: int):
    """Serve the instance in production through gunicorn."""
    app = context.app()
    _warn_if_behind(app)
    server = app_state(app).instance.config.server
    warning = host_check_warning(server.public_url, server.allowed_hosts)
    if warning:
        click.secho(f"Warning: {warning}.", fg="yellow", err=True)
    current_database(app).dispose()  # the workers open their own
    serve_with_gunicorn(context.path, bind=bind, workers=workers, threads=threads)


@click.command()
@pass_instance
def check(context: InstanceContext):
    """Validate the config, kit, theme, plugins, templates and database; exit 1 on problems."""
    problems = 0
    for ok, message in run_checks(context.path):
        click.echo({True: "ok       ", None: "WARNING  ", False: "PROBLEM  "}[ok] + message)
        problems += ok is False
    if problems:
        raise click.ClickException(f"{problems} problem(s) found")
    click.echo("All checks passed.")
