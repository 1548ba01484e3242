"""A connection's credentials: only the platform's own fields, sealed with the vault's key."""

from __future__ import annotations

import pytest

from campaignkit.plugins.blocklists import vault
from campaignkit.plugins.blocklists.credentials import CredentialsError, seal, unseal


@pytest.fixture(autouse=True)
def key(monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv(vault.KEYS_VARIABLE, vault.generate_key())


def test_credentials_round_trip_with_only_their_platform_fields():
    sealed = seal(
        "x", {"access_token": "tok-1", "refresh_token": "ref-1", "expires_at": 99, "x": 1}
    )
    assert "tok-1" not in sealed and "ref-1" not in sealed
    assert unseal("x", sealed) == {
        "access_token": "tok-1",
        "refresh_token": "ref-1",
        "expires_at": 99,
    }
    assert unseal("bluesky", seal("bluesky", {"session": "s"})) == {"session": "s"}


def test_missing_fields_or_an_unknown_platform_are_refused():
    with pytest.raises(CredentialsError, match="refresh_token"):
        seal("x", {"access_token": "tok", "expires_at": 1})
    with pytest.raises(CredentialsError, match="not a platform"):
        seal("myspace", {"access_token": "tok"})
    with pytest.raises(CredentialsError, match="incomplete"):
        unseal("mastodon", seal("bluesky", {"session": "s"}))
