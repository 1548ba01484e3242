"""The US kit's geocoder: no ZIP data yet, and it says so plainly."""

from __future__ import annotations

import pytest

from campaignkit.core import GeocodeError, geocode


@pytest.mark.parametrize(("campaignkit_kit", "campaignkit_plugins"), [("us", None)])
def test_the_us_kit_says_zip_lookups_are_not_set_up(app):
    with app.test_request_context():
        with pytest.raises(GeocodeError) as refused:
            geocode("10001")
        assert refused.value.kind == "not-covered"
        assert "ZIP codes is not set up on this site yet" in refused.value.message
        with pytest.raises(GeocodeError, match="We could not find 'Main Street'"):
            geocode("Main Street")
