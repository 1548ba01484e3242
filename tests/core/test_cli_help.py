"""``campaignkit --instance DIR --help`` lists the instance's plugin commands with core's."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from campaignkit.cli import main
from campaignkit.core.init_instance import init_instance
from campaignkit.core.instance import INSTANCE_ENV
from campaignkit.testing import INSTANCE_VARIABLES

CLEARED: dict[str, str | None] = dict.fromkeys(INSTANCE_VARIABLES)


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
