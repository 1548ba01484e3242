"""Pledges tests: an instance with the pledges plugin, mail to a real SMTP server, helpers."""

from __future__ import annotations

import email
import re
import socket
import threading
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from aiosmtpd.controller import Controller
from sqlalchemy import select

PLUGINS = ["share", "marginals", "pledges"]


class Mailbox:
    """What the SMTP server received, in order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        """aiosmtpd calls this for every message it accepts."""
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        """Messages sent to an address."""
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def link(self, address: str) -> str:
        """The first link in the latest message to an address."""
        body = self.to(address)[-1].get_content()
        return re.search(r"https?://\S+", body).group(0)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on localhost for this test; yields its mailbox."""
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    handler.port = controller.port
    controller.start()
    yield controller.handler
    controller.stop()


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """The UK kit's plugins and pledges."""
    return PLUGINS


@pytest.fixture
def pledge_settings() -> dict:
    """Extra ``[plugins.pledges]`` settings for this test's instance."""
    return {}


def edit_config(instance_dir: Path, **sections: dict) -> None:
    """Merge tables into the instance's ``campaign.toml`` (dotted names for sub-tables)."""
    path = instance_dir / "campaign.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    for name, values in sections.items():
        table = document
        for part in name.split("."):
            table = table.setdefault(part, tomlkit.table())
        for key, value in values.items():
            table[key] = value
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


@pytest.fixture
def instance(instance: Path, mailbox: Mailbox, pledge_settings: dict) -> Path:
    """The test instance, sending mail to the test SMTP server."""
    port = mailbox.port
    edit_config(
        instance,
        mail={"host": "127.0.0.1", "port": port, "starttls": False},
        **{"plugins.pledges": pledge_settings},
    )
    return instance


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


@pytest.fixture
def rows(app) -> Callable[..., Any]:  # noqa: ANN001
    """``rows(Model, **filters)``: the stored rows of a model."""

    def read(model: Any, **filters: Any) -> list[Any]:
        with app.extensions["campaignkit"].database.new_session() as session:
            found = list(session.scalars(select(model).filter_by(**filters)))
            for row in found:
                session.expunge(row)
            return found

    return read
