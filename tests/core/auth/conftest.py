"""Accounts tests: a real SMTP server, quick password hashing, and settings per test.

Every instance here sends its mail to an aiosmtpd server on a free localhost
port. Tests shape ``[accounts]`` through the ``accounts_settings`` fixture.
"""

from __future__ import annotations

import email
import re
import socket
import threading
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
import tomlkit
from aiosmtpd.controller import Controller

#: Cheap argon2 settings so the suite stays fast (the defaults are the RFC 9106 ones).
FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}
LINK = re.compile(r"https?://\S+")


class Mailbox:
    """What the SMTP server received, in order."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        """aiosmtpd calls this for every message it accepts."""
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"

    def clear(self) -> None:
        """Forget every message."""
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list[EmailMessage]:
        """Messages sent to an address."""
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def last_link(self, address: str) -> str:
        """The first link in the latest message to an address."""
        messages = self.to(address)
        assert messages, f"no mail to {address}"
        return LINK.search(messages[-1].get_content()).group(0)


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) on localhost for the whole run."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:  # noqa: ANN001
    """The SMTP server's mailbox, emptied for this test."""
    smtp_server.handler.clear()
    return smtp_server.handler


@pytest.fixture
def accounts_settings() -> dict:
    """Extra ``[accounts]`` settings for this test's instance."""
    return {}


@pytest.fixture
def server_settings() -> dict:
    """Extra ``[server]`` settings for this test's instance."""
    return {}


def edit_config(instance_dir: Path, **sections: dict) -> None:
    """Merge tables into the instance's ``campaign.toml``."""
    path = instance_dir / "campaign.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    for name, values in sections.items():
        table = document.setdefault(name, tomlkit.table())
        for key, value in values.items():
            table[key] = value
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


@pytest.fixture
def instance(instance, smtp_server, accounts_settings, server_settings):  # noqa: ANN001, ANN201
    """The test instance, sending mail to the test SMTP server and hashing quickly."""
    edit_config(
        instance,
        mail={"host": "127.0.0.1", "port": smtp_server.port, "starttls": False},
        accounts={**FAST_HASHING, **accounts_settings},
        server=server_settings,
    )
    return instance


@pytest.fixture
def configure(instance):  # noqa: ANN001, ANN201
    """``configure(accounts={...})``: change the instance's settings for the next app built."""
    return lambda **sections: edit_config(instance, **sections)


@pytest.fixture
def unused_port():  # noqa: ANN201
    """``unused_port()``: a localhost TCP port nothing listens on right now."""
    return free_port
