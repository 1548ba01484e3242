"""Emoji tests: an instance with the emoji plugin, mail to a real SMTP server, helpers."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

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


def png(size: tuple[int, int] = (64, 64), colour=(200, 30, 40, 255)) -> bytes:
    """A small PNG."""
    out = io.BytesIO()
    Image.new("RGBA", size, colour).save(out, "PNG")
    return out.getvalue()


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


def upload(
    client,
    csrf_token,
    slug="roses",
    name="red_rose",
    emojis="🌹",
    data=None,
    credit="Sam R",
    filename="rose.png",
):  # noqa: ANN001, ANN201
    """Post the submit form as ``client`` (a small PNG unless ``data`` is given)."""
    form = {
        "name": name, "emojis": emojis, "credit": credit, "csrf_token": csrf_token(client),
        "image": (io.BytesIO(png() if data is None else data), filename),
    }  # fmt: skip
    return client.post(f"/emoji/{slug}/submit", data=form, content_type="multipart/form-data")


@pytest.fixture
def organiser(app, make_user, login, csrf_token):  # noqa: ANN001, ANN201
    """A client signed in as an organiser who has created the 'roses' pack."""
    client = app.test_client()
    login(client, make_user("org@example.org", role="organiser"))
    form = {"slug": "roses", "title": "Red roses", "licence": "", "description": "Roses!",
            "csrf_token": csrf_token(client)}  # fmt: skip
    assert client.post("/organise/emoji", data=form).status_code == 303
    return client
