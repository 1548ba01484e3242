"""Password rules and argon2id hashing (no database needed)."""

from __future__ import annotations

from campaignkit.core.auth.passwords import (
    common_passwords,
    hash_password,
    make_hasher,
    password_problem,
    verify_password,
)


def test_length_rules():
    assert "at least 8" in password_problem("short12")
    assert password_problem("eight ch") is None
    passphrase = "a long passphrase about marginal seats and doorstep conversations " * 3
    assert len(passphrase) >= 128 and password_problem(passphrase) is None
    assert "at most" in password_problem("x" * 1025)


def test_common_passwords_come_from_zxcvbn_and_are_refused():
    common = common_passwords()
    assert 9_000 <= len(common) <= 10_000
    for password in ["password", "12345678", "iloveyou", "Sunshine", "football1"]:
        assert password.lower() in common
        assert "most common" in password_problem(password)
    assert password_problem("member@example.org", "Member@Example.org")


def test_argon2id_and_rehash_when_settings_change():
    weak = make_hasher(time_cost=1, memory_kib=8192, parallelism=1)
    stored = hash_password(weak, "correct horse battery staple")
    assert stored.startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    assert verify_password(weak, stored, "correct horse battery staple") == (True, None)
    assert verify_password(weak, stored, "wrong") == (False, None)
    assert verify_password(weak, None, "anything") == (False, None)
    assert verify_password(weak, "not a hash", "anything") == (False, None)
    stronger = make_hasher(time_cost=2, memory_kib=8192, parallelism=1)
    ok, rehashed = verify_password(stronger, stored, "correct horse battery staple")
    assert ok and rehashed.startswith("$argon2id$v=19$m=8192,t=2,p=1$")
    assert verify_password(stronger, rehashed, "correct horse battery staple") == (True, None)
