"""Apps tests: an instance with the apps plugin, mail to a real SMTP server, signed-in people."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from apps_helpers import PUBLIC_LINK

from campaignkit.testing import edit_config

PLUGINS = ["share", "marginals", "pledges", "apps"]


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """The UK kit's seats and pledges (their public pages are the kit's own tools), and apps."""
    return PLUGINS


@pytest.fixture
def apps_settings() -> dict:
    """Extra ``[plugins.apps]`` settings for this test's instance."""
    return {}


@pytest.fixture
def ck_instance(ck_instance: Path, smtp_server, apps_settings: dict) -> Path:  # noqa: ANN001
    """The test instance with this test's apps settings, mailing the test SMTP server."""
    edit_config(
        ck_instance,
        mail={"host": "127.0.0.1", "port": smtp_server.port, "starttls": False},
        **{"plugins.apps": apps_settings},
    )
    return ck_instance


@pytest.fixture
def supporter(signed_in):  # noqa: ANN001, ANN201
    """A signed-in supporter's test client."""
    return signed_in("sam@example.org", role="supporter")


@pytest.fixture
def submit(supporter, csrf_token) -> Callable[..., Any]:  # noqa: ANN001
    """``submit(**fields)``: POST the supporter's submission form; returns the response."""

    def post(**fields: Any) -> Any:
        form = {"title": "Phone buddy", "url": PUBLIC_LINK, "description": "Call voters together",
                "categories": ["phonebank"], **fields}  # fmt: skip
        return supporter.post("/apps/submit", data={**form, "csrf_token": csrf_token(supporter)})

    return post
