"""Every rate-limit setting is a ``RateText``: a rate Flask-Limiter cannot read stops start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaignkit.core.config import ConfigError
from campaignkit.core.instance import load_instance
from campaignkit.testing import edit_config

RATE_SETTINGS = [
    ("accounts", "signup_rate"),
    ("accounts", "reset_rate"),
    ("plugins.pledges", "sign_rate"),
    ("plugins.emoji", "submit_rate"),
    ("plugins.emoji", "download_rate"),
    ("plugins.emoji", "frame_rate"),
    ("plugins.blocklists", "appeal_rate"),
    ("plugins.blocklists", "connect_rate"),
    ("plugins.videos", "submit_rate"),
    ("plugins.videos", "tus_create_rate"),
    ("plugins.cascade", "open_rate"),
    ("plugins.cascade", "forward_rate"),
    ("plugins.apps", "submit_rate"),
]


@pytest.mark.parametrize(("section", "key"), RATE_SETTINGS)
def test_a_rate_that_is_not_a_rate_stops_start_up_naming_its_key(
    instance: Path, section: str, key: str
):
    edit_config(instance, **{section: {key: "5 a minute"}})
    with pytest.raises(ConfigError, match=f"{key}.*'5 a minute' is not a rate"):
        load_instance(instance, environ={})


@pytest.mark.parametrize(("section", "key"), RATE_SETTINGS)
def test_a_rate_in_flask_limiters_words_is_taken(instance: Path, section: str, key: str):
    edit_config(instance, **{section: {key: "5 per minute;50 per day"}})
    load_instance(instance, environ={})
