"""Cascade tests: an instance with the cascade plugin, and helpers to start a cascade."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from campaignkit.testing import edit_config

PLUGINS = ["share", "marginals", "cascade"]


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """The UK kit's sharing and seats, and cascade."""
    return PLUGINS


@pytest.fixture
def cascade_settings() -> dict:
    """Extra ``[plugins.cascade]`` settings for this test's instance."""
    return {}


@pytest.fixture
def ck_instance(ck_instance: Path, cascade_settings: dict) -> Path:
    """The test instance with this test's cascade settings."""
    settings = {"counter_seconds": 0, **cascade_settings}  # the counter is read fresh
    edit_config(ck_instance, **{"plugins.cascade": settings})
    return ck_instance


@pytest.fixture
def start_cascade(organiser, csrf_token, rows) -> Callable[..., str]:  # noqa: ANN001
    """``start_cascade(**fields)``: write and start a cascade through the organiser pages;
    returns the root link's path (``/c/<code>``)."""
    from campaignkit.plugins.cascade.models import Node

    def start(**fields: str) -> str:
        form = {"title": "Vote today", "text": "Polls close at 10pm. Pass it on!",
                "link": "https://example.org/polling", **fields}  # fmt: skip
        made = organiser.post(
            "/organise/cascade", data={**form, "csrf_token": csrf_token(organiser)}
        )
        assert made.status_code == 303, made.get_data(as_text=True)
        started = organiser.post(
            made.location + "/status",
            data={"status": "running", "csrf_token": csrf_token(organiser)},
        )
        assert started.status_code == 303
        cascade_id = int(made.location.rsplit("/", 1)[1])
        (root,) = [n for n in rows(Node, cascade_id=cascade_id) if n.parent_id is None]
        return f"/c/{root.code}"

    return start
