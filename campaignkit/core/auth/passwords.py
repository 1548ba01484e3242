"""Password rules and hashing: argon2id, rehashed on sign-in when the settings change.

A password must have at least 8 characters, may be a long passphrase (up to
1024 characters), and may not be one of the 10,000 most common passwords
(zxcvbn's frequency list, read from the installed package).
"""

from __future__ import annotations

from contextlib import suppress
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 1024
COMMON_COUNT = 10_000


def make_hasher(
    time_cost: int = 3, memory_kib: int = 65536, parallelism: int = 4
) -> PasswordHasher:
    """An argon2id hasher with the given cost settings."""
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The most common passwords, lower-cased, from zxcvbn's frequency list."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"][:COMMON_COUNT])


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is not acceptable, in words for the person, or None if it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Choose a password of at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Choose a password of at most {MAX_LENGTH} characters."
    if password.lower() in common_passwords():
        return "That is one of the most common passwords. Choose another one."
    if email and password.strip().lower() == email.strip().lower():
        return "Your password cannot be your email address."
    return None


def hash_password(hasher: PasswordHasher, password: str) -> str:
    """The argon2id hash of a password."""
    return hasher.hash(password)


def verify_password(
    hasher: PasswordHasher, stored: str | None, password: str
) -> tuple[bool, str | None]:
    """Check a password; returns (matches, new hash if the stored one needs rehashing)."""
    if not stored:
        # Spend the same time as a real check so unknown accounts do not stand out.
        _dummy_check(hasher, password)
        return False, None
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if hasher.check_needs_rehash(stored):
        return True, hasher.hash(password)
    return True, None


def _dummy_check(hasher: PasswordHasher, password: str) -> None:
    with suppress(VerificationError, InvalidHashError):
        hasher.verify(_dummy_hash(hasher), password)


_DUMMY: dict[tuple[int, int, int], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY:
        _DUMMY[key] = hasher.hash("not a real password, only here to spend time")
    return _DUMMY[key]
