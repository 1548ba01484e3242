"""``campaignkit --instance DIR --help`` lists the instance's plugin commands with core's."""

from __future__ import annotations

import re
from pathlib import Path

import click
from click.testing import CliRunner

from campaignkit.cli import main
from campaignkit.core.init_instance import init_instance
from campaignkit.core.instance import INSTANCE_ENV
from campaignkit.testing import INSTANCE_VARIABLES

CLEARED: dict[str, str | None] = dict.fromkeys(INSTANCE_VARIABLES)
README = Path(__file__).resolve().parents[2] / "README.md"


def commands_listed(text: str) -> set[str]:
    """The command names in a click help text's Commands section."""
    section = text.split("Commands:", 1)[1]
    return set(re.findall(r"^  (\S+)", section, re.MULTILINE))


def test_help_with_an_instance_lists_its_plugin_commands(tmp_path: Path):
    folder = init_instance(tmp_path / "site")
    runner = CliRunner()
    given = runner.invoke(main, ["--instance", str(folder), "--help"], env=CLEARED)
    assert given.exit_code == 0, given.output
    assert {"marginals", "pledges", "users", "events", "init"} <= commands_listed(given.output)
    from_env = runner.invoke(main, ["--help"], env={**CLEARED, INSTANCE_ENV: str(folder)})
    assert {"marginals", "pledges"} <= commands_listed(from_env.output)
    bare = runner.invoke(main, ["--help"], env={**CLEARED, INSTANCE_ENV: str(tmp_path / "none")})
    assert "marginals" not in commands_listed(bare.output) and "users" in bare.output


def command_paths(command: click.Command, ctx: click.Context, prefix: tuple[str, ...] = ()):  # noqa: ANN201
    """Every runnable command below ``command``, as a tuple of words ("users", "create")."""
    if not isinstance(command, click.Group):
        yield prefix
        return
    for name in command.list_commands(ctx):
        yield from command_paths(command.get_command(ctx, name), ctx, (*prefix, name))


def test_the_readme_command_table_lists_every_command_of_the_default_instance(tmp_path: Path):
    folder = init_instance(tmp_path / "site")
    ctx = click.Context(main, info_name="campaignkit")
    ctx.params["instance"] = str(folder)
    rows = [line for line in README.read_text("utf-8").splitlines() if line.startswith("| `")]
    missing = []
    for path in command_paths(main, ctx):
        group, sub = " ".join(path[:-1]), path[-1]
        named = any(f"`campaignkit {' '.join(path)}" in row for row in rows) or any(
            group and f"`campaignkit {group} " in row and f"`{sub}" in row for row in rows
        )
        if not named:
            missing.append(" ".join(path))
    assert len(list(command_paths(main, ctx))) > 40
    assert missing == []
