"""Privacy tests: an instance with the petition test plugin installed and enabled by name.

The plugin (tests/test_plugins/petition_plugin) stores people, so exports,
erasures and purges have a plugin's data to cover besides core's. It is made
"installed" for the whole test, so the command line loads it too.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from campaignkit.core import instance as instance_module
from campaignkit.core import registry
from campaignkit.core.registry import PluginSource
from campaignkit.testing import FAST_HASHING, edit_config

PLUGINS_DIR = Path(__file__).resolve().parents[2] / "test_plugins"
#: Cheap argon2 settings so the suite stays fast.


@pytest.fixture
def petition(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - a module
    """The petition test plugin, importable and listed as installed."""
    monkeypatch.syspath_prepend(str(PLUGINS_DIR))
    module = importlib.import_module("petition_plugin")
    original = registry.installed_plugins

    def installed() -> dict[str, PluginSource]:
        found = original()
        found["petition"] = PluginSource(
            "petition", "petition_plugin", "entry point", "0", "petition-test"
        )
        return found

    monkeypatch.setattr(registry, "installed_plugins", installed)
    monkeypatch.setattr(instance_module, "installed_plugins", installed)
    return module


@pytest.fixture
def campaignkit_plugins(petition) -> list[str]:  # noqa: ANN001
    """The kit's plugin and the petition plugin."""
    return ["share", "petition"]


@pytest.fixture
def privacy_settings() -> dict:
    """Extra ``[privacy]`` settings for this test's instance."""
    return {}


@pytest.fixture
def petition_settings() -> dict:
    """``[plugins.petition]`` settings for this test's instance."""
    return {}


@pytest.fixture
def ck_instance(ck_instance, privacy_settings, petition_settings):  # noqa: ANN001, ANN201
    """The test instance: quick hashing, mail to ``outbox/``, privacy settings applied."""
    plugin_tables = {"plugins.petition": petition_settings} if petition_settings else {}
    edit_config(ck_instance, accounts=FAST_HASHING, privacy=privacy_settings, **plugin_tables)
    return ck_instance
