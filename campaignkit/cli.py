"""The ``campaignkit`` command line: one click group; plugins add commands through a hook."""

from __future__ import annotations

import click

from campaignkit import __version__
from campaignkit.commands import (
    catalogue,
    database,
    events,
    flags,
    instance,
    plugins,
    privacy,
    users,
    worker,
)
from campaignkit.commands.common import InstanceContext, friendly_errors
from campaignkit.core.config import ConfigError
from campaignkit.core.instance import load_instance
from campaignkit.core.registry import PluginError, call_each

CORE_COMMANDS = (
    instance.init,
    instance.run,
    instance.serve,
    instance.check,
    database.db,
    plugins.plugins_group,
    plugins.plugin_group,
    catalogue.kits,
    catalogue.kit,
    catalogue.themes,
    worker.worker,
    users.users,
    privacy.privacy,
    events.events,
    flags.flags,
)


class CampaignKitGroup(click.Group):
    """The top-level group: core commands plus those of the instance's enabled plugins."""

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        if "plugin_commands" not in ctx.meta:
            collected = click.Group()
            try:
                loaded = load_instance(ctx.params.get("instance"))
            except (ConfigError, PluginError):
                loaded = None  # no usable instance here: core commands only; they report it
            if loaded is not None:
                # A plugin whose commands fail is logged by name; the others' still work.
                call_each(loaded.manager, "campaignkit_commands", cli=collected)
            ctx.meta["plugin_commands"] = dict(collected.commands)
        return ctx.meta["plugin_commands"]

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugin_commands(ctx)))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return super().get_command(ctx, name) or self._plugin_commands(ctx).get(name)

    def invoke(self, ctx: click.Context):
        with friendly_errors():
            return super().invoke(ctx)


@click.group(cls=CampaignKitGroup)
@click.option(
    "--instance",
    type=click.Path(file_okay=False),
    envvar="CAMPAIGNKIT_INSTANCE",
    is_eager=True,  # read before --help, so the help lists the instance's plugin commands
    help="The instance folder (default: CAMPAIGNKIT_INSTANCE, else the current folder).",
)
@click.version_option(__version__, prog_name="campaignkit")
@click.pass_context
def main(ctx: click.Context, instance: str | None) -> None:
    """Run and manage a campaignkit instance."""
    ctx.obj = InstanceContext(instance)


for command in CORE_COMMANDS:
    main.add_command(command)


if __name__ == "__main__":  # python -m campaignkit.cli
    main()
