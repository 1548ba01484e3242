"""Pledges tests: an instance with the pledges plugin, mail to a real SMTP server, helpers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from campaignkit.testing import edit_config

PLUGINS = ["share", "marginals", "pledges"]


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """The UK kit's plugins and pledges."""
    return PLUGINS


@pytest.fixture
def pledge_settings() -> dict:
    """Extra ``[plugins.pledges]`` settings for this test's instance."""
    return {}


@pytest.fixture
def ck_instance(ck_instance: Path, smtp_server, pledge_settings: dict) -> Path:  # noqa: ANN001
    """The test instance, sending mail to the test SMTP server."""
    port = smtp_server.port
    edit_config(
        ck_instance,
        mail={"host": "127.0.0.1", "port": port, "starttls": False},
        **{"plugins.pledges": pledge_settings},
    )
    return ck_instance


@pytest.fixture
def add_pledge(app) -> Callable[..., Any]:  # noqa: ANN001
    """``add_pledge(slug="p", **fields)``: store a pledge (open by default)."""
    from campaignkit.plugins.pledges.models import Pledge
    from campaignkit.plugins.pledges.signing import now

    def add(slug: str = "save-the-library", **fields: Any) -> Any:
        values = {
            "title": "Save the library", "text": "I will stand up for our library.",
            "goal": 100, "status": "open", "signed_count": 0, "share_text": "",
            "created_at": now(),
        }  # fmt: skip
        values.update(fields)
        with app.extensions["campaignkit"].database.write() as session:
            pledge = Pledge(slug=slug, **values)
            session.add(pledge)
            session.flush()
            session.expunge(pledge)
        return pledge

    return add
