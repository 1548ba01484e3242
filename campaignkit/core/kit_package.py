"""``campaignkit kit fork --package``: a fork laid out as its own installable distribution.

The kit's files go into a Python package (``riverside-kit`` becomes the
package ``riverside_kit``) next to a ``pyproject.toml`` that declares it in
the ``campaignkit.kits`` entry-point group, so after ``pip install ./riverside-kit``
every instance on the machine can say ``kit = "riverside-kit"``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from campaignkit.core.config import ConfigError
from campaignkit.core.kits import Kit, fork_kit

KIT_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")

PYPROJECT = """\
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "0.1.0"
description = "{title}: a campaignkit kit"
requires-python = ">=3.11"
dependencies = ["campaignkit"]

# campaignkit finds installed kits through this group: kit = "{name}" in campaign.toml.
[project.entry-points."campaignkit.kits"]
{name} = "{module}"

[tool.setuptools]
packages = ["{module}"]
include-package-data = false

[tool.setuptools.package-data]
{module} = ["kit.toml", "*.md", "data/**/*", "templates/**/*", "static/**/*"]
"""


def fork_as_package(ref: str, target: Path) -> Kit:
    """Fork kit ``ref`` into ``target`` as a distribution named after the folder; returns the kit.

    The folder name must be lower-case letters, digits and single hyphens
    (``riverside-kit``); the kit's files land in ``target/<name with underscores>``.
    """
    target = Path(target).expanduser().resolve()
    name = target.name
    if not KIT_NAME.fullmatch(name):
        raise ConfigError(
            f"'{name}' cannot name a package: use lower-case letters, digits and hyphens "
            "(riverside-kit)"
        )
    if target.exists():
        raise ConfigError(f"{target} already exists; choose a new folder for the fork")
    module = name.replace("-", "_")
    try:
        target.mkdir(parents=True)
        forked = fork_kit(ref, target / module, new_name=name)
        (target / module / "__init__.py").write_text(
            f'"""The {name} kit for campaignkit (its files sit beside this module)."""\n', "utf-8"
        )
        text = PYPROJECT.format(name=name, module=module, title=forked.title.replace('"', "'"))
        (target / "pyproject.toml").write_text(text, "utf-8")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return forked
