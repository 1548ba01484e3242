"""Blocklists tests: an instance with the plugin, mail to a real SMTP server, helpers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from campaignkit.testing import edit_config


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """Blocklists on its own (share for the page furniture)."""
    return ["share", "blocklists"]


@pytest.fixture
def blocklists_settings() -> dict:
    """Extra ``[plugins.blocklists]`` settings for this test's instance."""
    return {}


@pytest.fixture
def ck_instance(ck_instance: Path, smtp_server, blocklists_settings: dict) -> Path:  # noqa: ANN001
    """The test instance, sending mail to the test SMTP server."""
    edit_config(
        ck_instance,
        mail={"host": "127.0.0.1", "port": smtp_server.port, "starttls": False},
        **{"plugins.blocklists": blocklists_settings},
    )
    return ck_instance


@pytest.fixture
def add_list(app) -> Callable[..., Any]:  # noqa: ANN001
    """``add_list(slug="trolls", **fields)``: store a list; returns it (detached)."""
    from campaignkit.plugins.blocklists.models import BlockList, now

    def add(slug: str = "trolls", **fields: Any) -> Any:
        values = {"title": "Known trolls", "purpose": "Accounts that abuse our volunteers.",
                  "rules": "Two reports with evidence.", "private": False}  # fmt: skip
        values.update(fields)
        with app.extensions["campaignkit"].database.write() as session:
            found = BlockList(slug=slug, created_at=now(), **values)
            session.add(found)
            session.flush()
            session.expunge(found)
        return found

    return add


@pytest.fixture
def maintainer(client, make_user, login):  # noqa: ANN001, ANN201
    """The test client, signed in as an organiser (a maintainer); returns the user."""
    user = make_user("keeper@example.org", role="organiser")
    login(client, user)
    return user


@pytest.fixture
def vault_keys(monkeypatch) -> str:  # noqa: ANN001
    """A fresh CAMPAIGNKIT_BLOCKLISTS_KEYS for this test; returns the key."""
    from campaignkit.plugins.blocklists import vault

    key = vault.generate_key()
    monkeypatch.setenv(vault.KEYS_VARIABLE, key)
    return key


@pytest.fixture
def oauth_over_http(monkeypatch) -> None:  # noqa: ANN001
    """Let requests-oauthlib talk to the local fakes over http (as insecure_servers does)."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def supporter(client, make_user, login):  # noqa: ANN001, ANN201
    """The test client, signed in as a supporter; returns the user."""
    user = make_user("fan@example.org")
    login(client, user)
    return user


@pytest.fixture
def add_connection(app, vault_keys) -> Callable[..., int]:  # noqa: ANN001
    """``add_connection(platform, account_id, credentials, lists={list_id: action}, **fields)``.

    Stores a Connection with sealed credentials and its subscriptions; returns its id.
    """
    from campaignkit.plugins.blocklists.credentials import seal
    from campaignkit.plugins.blocklists.models import now
    from campaignkit.plugins.blocklists.subscribers import Connection, Subscription

    def store(platform: str, account_id: str, credentials: dict, lists=None, **fields) -> int:  # noqa: ANN001
        fields.setdefault("user_id", 1)
        with app.extensions["campaignkit"].database.write() as session:
            connection = Connection(
                platform=platform, account_id=account_id, credentials=seal(platform, credentials),
                created_at=now(), **fields,
            )  # fmt: skip
            session.add(connection)
            session.flush()
            for list_id, action in (lists or {}).items():
                session.add(Subscription(connection_id=connection.id, list_id=list_id,
                                         action=action, mode="any", created_at=now()))  # fmt: skip
            return connection.id

    return store
