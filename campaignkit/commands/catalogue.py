"""Commands that list what is installed: kits and themes; and ``kit fork``."""

from __future__ import annotations

from pathlib import Path

import click

from campaignkit.core.kit_package import fork_as_package
from campaignkit.core.kits import available_kits, fork_kit, load_kit
from campaignkit.core.themes import available_themes, load_theme


@click.group()
def kits():
    """Installed kits."""


@kits.command("list")
def kits_list():
    """List installed kits with their theme and plugins."""
    for name, (_folder, origin) in available_kits().items():
        kit_ = load_kit(name)
        plugins = ", ".join(kit_.plugins) or "none"
        click.echo(f"{name:12} {kit_.title} ({origin}; theme {kit_.theme}; plugins: {plugins})")


@click.group()
def kit():
    """Work with a kit."""


@kit.command("fork")
@click.argument("name")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--package",
    is_flag=True,
    help="Lay the fork out as its own distribution (pyproject.toml, entry point) to pip install.",
)
def kit_fork(name: str, directory: Path, package: bool):
    """Copy kit NAME to DIRECTORY to edit; point campaign.toml's 'kit' at the folder."""
    if package:
        forked = fork_as_package(name, directory)
        click.echo(f"Forked '{name}' to {forked.path} as the package '{forked.name}'.")
        click.echo(f"Install it with: pip install {forked.path.parent}")
        click.echo(f'then use it with kit = "{forked.name}" in campaign.toml.')
        return
    forked = fork_kit(name, directory)
    click.echo(f"Forked '{name}' to {forked.path} as '{forked.name}'.")
    click.echo(f'Use it with kit = "{forked.path}" in campaign.toml.')
    click.echo("Set its colours, fonts and logo under [theme] in its kit.toml; see docs/kits.md.")


@click.group()
def themes():
    """Installed themes."""


@themes.command("list")
def themes_list():
    """List installed themes."""
    for name in available_themes():
        theme = load_theme(name)
        extends = f" (extends {theme.extends})" if theme.extends else ""
        click.echo(f"{name:12} {theme.title}{extends}: {theme.description}")


@kit.command("data-status")
@click.argument("names", nargs=-1)
def kit_data_status(names: tuple[str, ...]):
    """Say which data kit NAMES (default: every installed kit) ship, from when and where from.

    Exits with status 1 when a table the kit's manifest lists is missing or
    has changed since it was built.
    """
    from campaignkit.core.kit_data import data_is_intact, data_status

    intact = True
    for name in names or tuple(available_kits()):
        loaded = load_kit(name)
        for line in data_status(loaded):
            click.echo(line)
        intact = data_is_intact(loaded) and intact
    if not intact:
        raise SystemExit(1)
