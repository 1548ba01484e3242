"""Declared needs: core, plugins and kits name capabilities; check and start-up name the gaps."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from builtin_kits import UK_PLUGINS, US_PLUGINS
from click.testing import CliRunner

import campaignkit
from campaignkit.cli import main
from campaignkit.core import GeocodeError, geocode
from campaignkit.core.app import create_app
from campaignkit.core.init_instance import init_instance
from campaignkit.core.instance import load_instance
from campaignkit.core.registry import PluginError
from campaignkit.testing import INSTANCE_VARIABLES

NO_GEOCODER = (
    "plugin 'pledges', core events and kit 'uk' need a geocoder (postcodes to places), "
    "but no enabled plugin provides 'geocode': enable one that implements campaignkit_geocode"
)


def instance_with(tmp_path: Path, plugins: list[str], kit: str = "uk") -> Path:
    """An instance folder of ``kit`` enabling exactly ``plugins``."""
    return init_instance(tmp_path / "site", kit=kit, name="Needs", plugins=plugins)


def test_check_names_the_missing_geocoder_in_one_line(tmp_path: Path):
    folder = instance_with(tmp_path, ["share", "pledges"])
    runner = CliRunner(env=dict.fromkeys(INSTANCE_VARIABLES))
    result = runner.invoke(main, ["--instance", str(folder), "check"])
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if line.startswith("PROBLEM")]
    assert f"PROBLEM  {NO_GEOCODER}" in problems
    assert any("kit 'uk' needs seat boundaries" in line for line in problems)


def test_start_up_logs_the_missing_provider(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    folder = instance_with(tmp_path, ["share"])
    with caplog.at_level(logging.WARNING, logger="campaignkit.core.capabilities"):
        create_app(folder, environ={}).extensions["campaignkit"].database.dispose()
    lines = [record.getMessage() for record in caplog.records]
    assert any(line.endswith("enable one that implements campaignkit_geocode") for line in lines)
    assert all("\n" not in line for line in lines)


def test_every_builtin_kit_has_its_needs_met(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    for kit in ("uk", "us"):
        folder = init_instance(tmp_path / kit, kit=kit, name=kit)
        with caplog.at_level(logging.WARNING, logger="campaignkit.core.capabilities"):
            create_app(folder, environ={}).extensions["campaignkit"].database.dispose()
    assert not [r for r in caplog.records if "need" in r.getMessage()]


def test_each_builtin_kit_enables_its_plugins_and_their_providers(tmp_path: Path):
    from campaignkit.core.capabilities import providers

    expected = {"uk": UK_PLUGINS, "us": US_PLUGINS}
    for kit, plugins in expected.items():
        loaded = load_instance(init_instance(tmp_path / kit, kit=kit, name=kit), environ={})
        assert loaded.enabled == plugins
        assert loaded.kit.needs == ("geocode", "seat_at")
        for capability in ("geocode", "seat_at"):
            found = providers(loaded.manager, capability)
            assert "marginals" in found and ("zipcodes" in found) == (kit == "us")


def test_an_unknown_capability_names_the_plugin(tmp_path: Path):
    class Typo:
        @campaignkit.hookimpl
        def campaignkit_needs(self):
            return ["geocoding"]

    with pytest.raises(PluginError, match="plugin 'typo': campaignkit_needs names 'geocoding'"):
        load_instance(instance_with(tmp_path, []), environ={}, extra_plugins=[("typo", Typo())])


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """Share only: no geocoder."""
    return ["share"]


def test_without_a_geocoder_the_site_says_it_cannot_look_places_up(app):
    with app.test_request_context(), pytest.raises(GeocodeError) as refused:
        geocode("SW1A 1AA")
    assert refused.value.kind == "unavailable"
    assert "cannot look places up yet" in refused.value.message
    assert "SW1A 1AA" not in refused.value.message  # nothing wrong with what was typed
