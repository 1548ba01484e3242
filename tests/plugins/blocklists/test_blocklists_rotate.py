"""``campaignkit blocklists rotate-keys``: every stored credential moves to the newest key."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from campaignkit.plugins.blocklists import vault
from campaignkit.plugins.blocklists.credentials import seal, unseal
from campaignkit.plugins.blocklists.models import now
from campaignkit.plugins.blocklists.subscribers import Connection, MastodonApp

pytestmark = pytest.mark.usefixtures("backend")


def _store(app, count: int) -> None:  # noqa: ANN001
    with app.extensions["campaignkit"].database.write() as session:
        for n in range(count):
            session.add(Connection(user_id=1, platform="mastodon", account_id=str(n),
                                   credentials=seal("mastodon", {"access_token": f"t{n}"}),
                                   created_at=now()))  # fmt: skip
        secret = vault.encrypt("s3cret")
        session.add(MastodonApp(domain="social.example", client_id="id", client_secret=secret,
                                redirect_uri="https://c.example/cb", created_at=now()))  # fmt: skip


def test_rotating_moves_every_credential_to_the_new_key(app, cli, monkeypatch):  # noqa: ANN001
    old, new = vault.generate_key(), vault.generate_key()
    monkeypatch.setenv(vault.KEYS_VARIABLE, old)
    _store(app, 3)
    monkeypatch.setenv(vault.KEYS_VARIABLE, f"{new},{old}")
    result = cli("blocklists", "rotate-keys")
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 3 connected accounts and 1 Mastodon apps." in result.output
    monkeypatch.setenv(vault.KEYS_VARIABLE, new)  # the old key is dropped
    with app.extensions["campaignkit"].database.write() as session:
        rows = session.scalars(select(Connection).order_by(Connection.id)).all()
        assert [unseal("mastodon", r.credentials)["access_token"] for r in rows] == [
            "t0", "t1", "t2"
        ]  # fmt: skip
        assert vault.decrypt(session.scalars(select(MastodonApp)).one().client_secret) == "s3cret"


def test_a_credential_no_key_can_read_stops_with_a_message(app, cli, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv(vault.KEYS_VARIABLE, vault.generate_key())
    _store(app, 1)
    monkeypatch.setenv(vault.KEYS_VARIABLE, vault.generate_key())  # the old key was lost
    result = cli("blocklists", "rotate-keys")
    assert result.exit_code == 1 and "Put the key it was encrypted with back" in result.output
    monkeypatch.delenv(vault.KEYS_VARIABLE)
    result = cli("blocklists", "rotate-keys")
    assert result.exit_code == 1 and vault.KEYS_VARIABLE in result.output
