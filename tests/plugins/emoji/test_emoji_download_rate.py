"""``download_rate``: how often one address may ask for a pack's download to be built."""

from __future__ import annotations

from pathlib import Path

import pytest
from emoji_helpers import png

from campaignkit.core.config import ConfigError
from campaignkit.core.instance import load_instance
from campaignkit.testing import edit_config


@pytest.fixture
def emoji_settings() -> dict:  # noqa: D103 - overrides the conftest fixture
    return {"download_rate": "2 per minute"}


def test_the_configured_download_rate_is_what_limits(
    backend, app, cli, immediate_jobs, csrf_token, tmp_path: Path
):  # noqa: ANN001
    assert cli("emoji", "create-pack", "--slug", "roses", "--title", "Red roses").exit_code == 0
    (tmp_path / "one.png").write_bytes(png())
    assert cli("emoji", "add", "roses", str(tmp_path / "one.png")).exit_code == 0
    client = app.test_client()
    token = {"csrf_token": csrf_token(client)}
    statuses = [client.post(f"/emoji/roses/download/{p}", data=token).status_code
                for p in ("slack", "discord", "mastodon")]  # fmt: skip
    assert statuses == [303, 303, 429]  # the default (20 an hour) would have let all three in
    assert client.get("/emoji/roses/download/slack").status_code == 200  # GETs are not counted
    assert client.get("/emoji/roses/download/mastodon").status_code == 303  # never built


def test_a_download_rate_that_is_not_a_rate_stops_start_up(instance: Path):
    edit_config(instance, **{"plugins.emoji": {"download_rate": "lots"}})
    with pytest.raises(ConfigError, match="download_rate.*'lots' is not a rate"):
        load_instance(instance, environ={})
