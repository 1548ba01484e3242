"""Videos tests: an instance with the videos plugin, mail to a real SMTP server, fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from videos_clips import claimed, clips  # noqa: F401 - fixtures for every videos test
from videos_helpers import apply, post_brief

from campaignkit.plugins.videos.models import Brief, Producer
from campaignkit.testing import edit_config

PLUGINS = ["share", "videos"]


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """Share buttons and the videos plugin."""
    return PLUGINS


@pytest.fixture
def videos_settings() -> dict:
    """Extra ``[plugins.videos]`` settings for this test's instance."""
    return {}


@pytest.fixture
def ck_instance(ck_instance: Path, ck_smtp_server, videos_settings: dict) -> Path:  # noqa: ANN001
    """The test instance, sending mail to the test SMTP server."""
    edit_config(
        ck_instance,
        mail={"host": "127.0.0.1", "port": ck_smtp_server.port, "starttls": False},
        **{"plugins.videos": videos_settings},
    )
    return ck_instance


@pytest.fixture
def database(app):  # noqa: ANN001, ANN201
    """The app's database (tests may read it directly)."""
    return app.extensions["campaignkit"].database


@pytest.fixture
def rows(database) -> Callable[..., Any]:  # noqa: ANN001
    """``rows(Model, **filters)``: the stored rows of a model, detached."""

    def read(model: Any, **filters: Any) -> list[Any]:
        with database.new_session() as session:
            found = list(session.scalars(select(model).filter_by(**filters).order_by(model.id)))
            session.expunge_all()
            return found

    return read


@pytest.fixture
def producer(organiser, signed_in, csrf_token, rows):  # noqa: ANN001, ANN201
    """A client signed in as sam@example.org, who applied and was approved as a producer."""
    client = signed_in("sam@example.org", role="supporter")
    assert apply(client, csrf_token).status_code == 303
    producer_id = rows(Producer)[-1].id
    form = {"decision": "approve", "csrf_token": csrf_token(organiser)}
    assert organiser.post(f"/videos/producers/{producer_id}/decision", data=form).status_code == 303
    return client


@pytest.fixture
def brief_id(organiser, csrf_token, rows) -> int:  # noqa: ANN001
    """The id of an open 9:16 brief with one place, posted by the organiser."""
    assert post_brief(organiser, csrf_token).status_code == 303
    return rows(Brief)[-1].id
