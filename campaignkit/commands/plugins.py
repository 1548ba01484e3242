"""``campaignkit plugins``: what is installed and enabled; ``campaignkit plugin new``."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import click

from campaignkit.commands.common import pass_instance
from campaignkit.core.cli_support import InstanceContext
from campaignkit.core.config import CONFIG_FILE
from campaignkit.core.init_instance import set_enabled_plugins, write_config_atomically
from campaignkit.core.instance import configured_plugins, load_config_and_kit, load_instance
from campaignkit.core.registry import (
    PluginError,
    hooks_implemented,
    hookspec_names,
    import_plugin,
    installed_plugins,
    new_manager,
)
from campaignkit.core.scaffold import scaffold_plugin


def describe_plugins(enabled: list[str]) -> list[dict]:
    """One record per installed plugin: name, version, origin, enabled, hooks or error.

    ``hooks`` are the hooks it implements; ``own_hooks`` those it offers to
    other plugins (added through ``campaignkit_addhooks``).
    """
    records = []
    for name, source in installed_plugins().items():
        record = {
            "name": name,
            "version": source.version,
            "origin": source.origin,
            "distribution": source.distribution,
            "module": source.module,
            "enabled": name in enabled,
            "hooks": [],
            "own_hooks": [],
            "error": None,
        }
        try:
            manager = new_manager()
            core_hooks = hookspec_names(manager)
            manager.register(import_plugin(source), name=name)
            record["hooks"] = hooks_implemented(manager, name)
            record["own_hooks"] = sorted(hookspec_names(manager) - core_hooks)
        except Exception as exc:  # noqa: BLE001 - listed, not fatal
            record["error"] = str(exc)
        records.append(record)
    return records


@click.group("plugins")
def plugins_group():
    """Installed and enabled plugins."""


@plugins_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_instance
def plugins_list(context: InstanceContext, as_json: bool):
    """List installed plugins: version, where from, enabled here, hooks implemented."""
    try:
        enabled = configured_plugins(*load_config_and_kit(context.path))
    except Exception as exc:  # noqa: BLE001 - still list what is installed
        enabled = []
        if not as_json:
            click.secho(f"(no usable instance here: {exc})", fg="yellow", err=True)
    records = describe_plugins(enabled)
    if as_json:
        click.echo(json.dumps(records, indent=2))
        return
    for record in records:
        state = "enabled " if record["enabled"] else "disabled"
        detail = f"BROKEN: {record['error']}" if record["error"] else ", ".join(record["hooks"])
        if record["own_hooks"]:
            detail += f"; offers {', '.join(record['own_hooks'])}"
        click.echo(
            f"{record['name']:14} {record['version']:8} {record['origin']:11} {state}  {detail}"
        )


def _change_enabled(context: InstanceContext, name: str, enable: bool) -> None:
    # Read the enable list without importing plugins, so that a plugin which is
    # broken or no longer installed can still be disabled.
    current = configured_plugins(*load_config_and_kit(context.path))
    if not enable and name not in current and name not in installed_plugins():
        raise PluginError(
            f"plugin '{name}' is not installed and not enabled (see 'campaignkit plugins list')"
        )
    if enable == (name in current):
        click.echo(f"'{name}' is already {'enabled' if enable else 'disabled'}.")
        return
    wanted = current + [name] if enable else [n for n in current if n != name]
    set_enabled_plugins_checked(context.path, wanted)
    click.echo(
        f"{'Enabled' if enable else 'Disabled'} '{name}'. Run 'campaignkit db upgrade' next."
    )


def set_enabled_plugins_checked(instance_dir: Path, wanted: list[str]) -> None:
    """Write a new enable list, but only after proving the instance loads with it.

    If it does not load, the file is put back exactly as it was and the
    problem is raised.
    """
    config_path = instance_dir / CONFIG_FILE
    before = config_path.read_text(encoding="utf-8")
    set_enabled_plugins(instance_dir, wanted)
    try:
        load_instance(instance_dir)
    except BaseException:
        write_config_atomically(config_path, before)
        raise


@plugins_group.command("enable")
@click.argument("name")
@pass_instance
def plugins_enable(context: InstanceContext, name: str):
    """Enable an installed plugin in this instance's campaign.toml (comments are kept)."""
    if name not in installed_plugins():
        raise PluginError(f"plugin '{name}' is not installed (see 'campaignkit plugins list')")
    _change_enabled(context, name, True)


@plugins_group.command("disable")
@click.argument("name")
@pass_instance
def plugins_disable(context: InstanceContext, name: str):
    """Disable a plugin in this instance's campaign.toml (its data stays; comments are kept)."""
    _change_enabled(context, name, False)


@click.group("plugin")
def plugin_group():
    """Write plugins."""


@plugin_group.command("new")
@click.argument("name")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def plugin_new(name: str, directory: Path | None):
    """Create an installable plugin package NAME (in DIRECTORY, default ./campaignkit-NAME)."""
    target = scaffold_plugin(name, directory)
    for line in next_steps(target, name.strip().lower().replace("-", "_")):
        click.echo(line)


def next_steps(target: Path, name: str) -> list[str]:
    """What to run after ``plugin new``, as commands that work when pasted in order."""
    instance = "my-campaign"
    return [
        f"Created {target}. Next:",
        f"  pip install -e {shlex.quote(f'{target}[test]')}",
        f"  campaignkit init {instance}    # or use an instance you have",
        f"  campaignkit --instance {instance} plugins enable {name}",
        f"  campaignkit --instance {instance} db upgrade",
        f"  pytest {shlex.quote(str(target))}",
    ]
