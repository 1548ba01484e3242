"""The plugin's settings: thresholds and party from the kit, overridable, checked at start-up."""

from __future__ import annotations

import pytest

from campaignkit.core.config import ConfigError
from campaignkit.core.init_instance import init_instance
from campaignkit.core.instance import load_instance


def test_the_uk_kit_enables_marginals_with_its_thresholds(tmp_path):
    instance = load_instance(init_instance(tmp_path / "site", kit="uk"), environ={})
    assert "marginals" in instance.enabled
    settings = instance.plugin_settings["marginals"]
    assert (settings.party, settings.very_marginal_pct, settings.marginal_pct) == (None, 5.0, 10.0)
    assert instance.kit.election["party"] == "lab"


def test_an_instance_overrides_the_party_and_thresholds(tmp_path):
    folder = init_instance(tmp_path / "site", kit="uk")
    with (folder / "campaign.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[plugins.marginals]\nparty = "ld"\nmarginal_pct = 15\n')
    settings = load_instance(folder, environ={}).plugin_settings["marginals"]
    assert (settings.party, settings.very_marginal_pct, settings.marginal_pct) == ("ld", 5.0, 15.0)


def test_thresholds_out_of_order_stop_start_up(tmp_path):
    folder = init_instance(tmp_path / "site", kit="uk")
    with (folder / "campaign.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[plugins.marginals]\nvery_marginal_pct = 12\n")
    with pytest.raises(ConfigError, match="very_marginal_pct <= marginal_pct"):
        load_instance(folder, environ={})
