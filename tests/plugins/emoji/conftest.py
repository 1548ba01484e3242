"""Emoji tests: an instance with the emoji plugin, mail to a real SMTP server, fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from emoji_helpers import upload
from sqlalchemy import select

from campaignkit.plugins.emoji.models import Art
from campaignkit.testing import edit_config

PLUGINS = ["share", "marginals", "emoji"]


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """Share buttons and the emoji plugin."""
    return PLUGINS


@pytest.fixture
def emoji_settings() -> dict:
    """Extra ``[plugins.emoji]`` settings for this test's instance."""
    return {}


@pytest.fixture
def ck_instance(ck_instance: Path, ck_smtp_server, emoji_settings: dict) -> Path:  # noqa: ANN001
    """The test instance, sending mail to the test SMTP server."""
    edit_config(
        ck_instance,
        mail={"host": "127.0.0.1", "port": ck_smtp_server.port, "starttls": False},
        **{"plugins.emoji": emoji_settings},
    )
    return ck_instance


@pytest.fixture
def rows(app) -> Callable[..., Any]:  # noqa: ANN001
    """``rows(Model, **filters)``: the stored rows of a model (image bytes loaded)."""

    def read(model: Any, **filters: Any) -> list[Any]:
        with app.extensions["campaignkit"].database.new_session() as session:
            found = list(session.scalars(select(model).filter_by(**filters).order_by(model.id)))
            for row in found:
                getattr(row, "image", None)
                session.expunge(row)
            return found

    return read


@pytest.fixture
def organiser(ck_organiser, csrf_token):  # noqa: ANN001, ANN201
    """A client signed in as an organiser who has created the 'roses' pack."""
    client = ck_organiser
    form = {"slug": "roses", "title": "Red roses", "licence": "", "description": "Roses!",
            "csrf_token": csrf_token(client)}  # fmt: skip
    assert client.post("/organise/emoji", data=form).status_code == 303
    return client


@pytest.fixture
def approved_by_volunteer(organiser, volunteer, csrf_token, rows):  # noqa: ANN001, ANN201
    """vol@example.org has sent 'red_rose' (approved) and 'pending_one' (pending) to 'roses'."""
    volunteer = volunteer()
    upload(volunteer, csrf_token, credit="Sam R")
    upload(volunteer, csrf_token, name="pending_one", credit="Sam R")
    first = rows(Art, name="red_rose")[0].id
    form = {"decision": "approve", "csrf_token": csrf_token(organiser)}
    assert organiser.post(f"/organise/emoji/review/{first}", data=form).status_code == 303
    return volunteer


@pytest.fixture
def frame_id(app, organiser, csrf_token):  # noqa: ANN001, ANN201
    """The id of a ring frame 'Vote Green' the organiser has uploaded."""
    from frame_helpers import add_frame

    from campaignkit.plugins.emoji.frames import Frame

    assert add_frame(organiser, csrf_token).status_code == 303
    with app.extensions["campaignkit"].database.new_session() as session:
        return session.scalars(select(Frame.id)).one()
