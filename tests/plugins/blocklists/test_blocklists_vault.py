"""Credentials encrypted at rest: round trips, key rotation, and errors that leak nothing."""

from __future__ import annotations

import pytest

from campaignkit.plugins.blocklists import vault
from campaignkit.plugins.blocklists.vault import (
    KEYS_VARIABLE,
    Vault,
    VaultKeyError,
    VaultTokenError,
    generate_key,
)

SECRET = "oauth2-refresh-token-ÿ-🔑"


def test_a_credential_round_trips_and_is_not_stored_in_clear():
    keys = Vault([generate_key()])
    token = keys.encrypt(SECRET)
    assert SECRET not in token and "oauth2" not in token
    assert keys.decrypt(token) == SECRET
    assert keys.encrypt(SECRET) != token  # a fresh nonce each time


def test_a_new_key_first_reads_old_tokens_and_rotation_lets_the_old_key_go():
    old, new = generate_key(), generate_key()
    stored = Vault([old]).encrypt(SECRET)

    both = Vault.from_environment({KEYS_VARIABLE: f"{new},{old}"})
    assert both.decrypt(stored) == SECRET  # still readable while both keys are set
    assert Vault([new]).decrypt(both.encrypt("x")) == "x"  # the first key encrypts
    rotated = both.rotate(stored)

    only_new = Vault.from_environment({KEYS_VARIABLE: new})
    assert only_new.decrypt(rotated) == SECRET
    with pytest.raises(VaultTokenError, match="dropped before"):
        only_new.decrypt(stored)  # what was not rotated is lost with the old key


def test_a_missing_key_is_named_with_how_to_make_one():
    for environ in ({}, {KEYS_VARIABLE: ""}, {KEYS_VARIABLE: " , "}):
        with pytest.raises(VaultKeyError, match=f"{KEYS_VARIABLE} is not set.*generate_key"):
            Vault.from_environment(environ)


def test_a_malformed_key_is_named_by_position_and_never_shown():
    good = generate_key()
    for bad in ("not-a-key", good[:-4], "é" * 44):
        with pytest.raises(VaultKeyError) as raised:
            Vault.from_environment({KEYS_VARIABLE: f"{good}, {bad}"})
        message = str(raised.value)
        assert "key 2 of 2" in message and KEYS_VARIABLE in message
        assert bad not in message and good not in message
        assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_a_token_no_key_can_read_fails_clearly_without_showing_it():
    keys = Vault([generate_key()])
    foreign = Vault([generate_key()]).encrypt(SECRET)
    tampered = keys.encrypt(SECRET)[:-6] + "AAAAAA"
    for token in (foreign, tampered, "garbage", "ünicode"):
        for use in (keys.decrypt, keys.rotate):
            with pytest.raises(VaultTokenError) as raised:
                use(token)
            assert token not in str(raised.value)


def test_the_module_functions_use_the_environment(monkeypatch):
    old, new = generate_key(), generate_key()
    monkeypatch.setenv(KEYS_VARIABLE, old)
    stored = vault.encrypt(SECRET)
    monkeypatch.setenv(KEYS_VARIABLE, f" {new} ,{old},")
    assert vault.decrypt(stored) == SECRET
    rotated = vault.rotate(stored)
    monkeypatch.setenv(KEYS_VARIABLE, new)
    assert vault.decrypt(rotated) == SECRET
    monkeypatch.delenv(KEYS_VARIABLE)
    with pytest.raises(VaultKeyError):
        vault.decrypt(rotated)


def test_generated_keys_are_fresh_fernet_keys():
    first, second = generate_key(), generate_key()
    assert first != second and len(first) == 44
    assert Vault([first, second]).key_count == 2
