"""The import-linter contracts in pyproject.toml hold, and they catch the imports they forbid.

The contracts: plugins import only ``campaignkit`` and ``campaignkit.core`` (never
core's submodules, the command line or each other), core imports no plugin
and no command-line code, and core's parts depend one way (the layers in
pyproject.toml, which also rule out import cycles between them). Plugins
also never reach into the Flask app's ``extensions`` or ``view_functions``,
which import-linter cannot see: a scan of their source keeps them to the
public API for those too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

PLUGINS_USE_PUBLIC_API = "Plugins import only campaignkit and campaignkit.core"
PLUGINS_INDEPENDENT = "Plugins are independent of each other"
CORE_STANDS_ALONE = "Core imports no plugin and no command-line code"
CORE_LAYERS = "Core's parts depend one way"


def lint_imports(project: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    """Run the venv's ``lint-imports`` on ``project``'s pyproject.toml, without a cache."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", "pyproject.toml", "--no-cache"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_package_keeps_every_contract():
    result = lint_imports(ROOT)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for name in (PLUGINS_USE_PUBLIC_API, PLUGINS_INDEPENDENT, CORE_STANDS_ALONE, CORE_LAYERS):
        assert name in output
    assert "0 broken" in output


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package and its contracts, for planting bad imports in."""
    project = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    shutil.copytree(
        ROOT / "campaignkit",
        project / "campaignkit",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    # A second plugin, so that the independence contract has a pair to check.
    (project / "campaignkit" / "plugins" / "other").mkdir()
    (project / "campaignkit" / "plugins" / "other" / "__init__.py").write_text(
        '"""A well-behaved plugin."""\n\nfrom campaignkit import hookimpl  # noqa: F401\n'
    )
    return project


BAD_IMPORTS = {
    "plugin imports a core submodule": (
        "plugins/bad/__init__.py",
        "from campaignkit.core.registry import call_each",
        PLUGINS_USE_PUBLIC_API,
    ),
    "plugin imports the command line": (
        "plugins/bad/__init__.py",
        "from campaignkit.commands.common import friendly_errors",
        PLUGINS_USE_PUBLIC_API,
    ),
    "plugin imports another plugin": (
        "plugins/bad/__init__.py",
        "from campaignkit.plugins.other import hookimpl",
        PLUGINS_INDEPENDENT,
    ),
    "core imports a plugin": (
        "core/bad.py",
        "from campaignkit.plugins.share import build_targets",
        CORE_STANDS_ALONE,
    ),
    "core imports the command line": (
        "core/bad.py",
        "from campaignkit.cli import main",
        CORE_STANDS_ALONE,
    ),
    "accounts import privacy": (
        "core/auth/bad.py",
        "from campaignkit.core.privacy.export import export_person",
        CORE_LAYERS,
    ),
    "privacy imports events": (
        "core/privacy/bad.py",
        "from campaignkit.core.events.models import Event",
        CORE_LAYERS,
    ),
    "events import the app that imports them": (
        "core/events/bad.py",
        "from campaignkit.core.app import create_app",
        CORE_LAYERS,
    ),
}


@pytest.mark.parametrize("case", BAD_IMPORTS, ids=list(BAD_IMPORTS))
def test_a_planted_bad_import_breaks_its_contract(package_copy: Path, case: str):
    relative, statement, contract = BAD_IMPORTS[case]
    bad = package_copy / "campaignkit" / relative
    bad.parent.mkdir(exist_ok=True)
    bad.write_text(f'"""A module that breaks the rules."""\n\n{statement}\n')
    try:
        result = lint_imports(package_copy, pythonpath=package_copy)
    finally:
        bad.unlink()
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "1 broken" in output, output
    broken = [line for line in output.splitlines() if line.rstrip().endswith(" BROKEN")]
    assert len(broken) == 1, output
    assert broken[0].startswith(contract), output


def test_the_copy_is_what_was_linted(package_copy: Path):
    """Guard against linting the installed package instead of the copy with the bad module."""
    code = "import campaignkit, sys; sys.stdout.write(campaignkit.__file__)"
    found = subprocess.run(
        [sys.executable, "-c", code],
        cwd=package_copy,
        env={**os.environ, "PYTHONPATH": str(package_copy)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert Path(found).resolve().parent == (package_copy / "campaignkit").resolve()


#: What a plugin's source must not contain: the app's dictionaries behind the public API.
REACHES_INTO_THE_APP = ("extensions[", ".extensions", "view_functions")


def reaches_into_the_app(source: str) -> list[str]:
    """The lines of ``source`` that use ``app.extensions`` or ``app.view_functions``."""
    return [
        line.strip()
        for line in source.splitlines()
        if any(forbidden in line for forbidden in REACHES_INTO_THE_APP)
    ]


def test_plugins_use_the_public_api_not_the_apps_dictionaries():
    found = [
        f"{path.relative_to(ROOT)}: {line}"
        for path in sorted((ROOT / "campaignkit" / "plugins").rglob("*.py"))
        for line in reaches_into_the_app(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "use campaignkit.core's public API instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "line",
    [
        'huey = current_app.extensions["campaignkit"].huey',
        "limiter = app.extensions.get('campaignkit.limiter')",
        "app.view_functions[endpoint] = limited",
    ],
)
def test_the_scan_finds_a_plugin_reaching_into_the_app(line: str):
    assert reaches_into_the_app(f"x = 1\n    {line}\n") == [line]


def test_core_reads_the_apps_state_only_through_its_accessors():
    state_module = ROOT / "campaignkit" / "core" / "state.py"
    found = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for folder in ("core", "commands")
        for path in sorted((ROOT / "campaignkit" / folder).rglob("*.py"))
        if path != state_module and "plugin_template" not in path.parts
        for line in path.read_text(encoding="utf-8").splitlines()
        if 'extensions["campaignkit"]' in line
    ]
    assert found == [], "use campaignkit.core.state's accessors:\n" + "\n".join(found)
