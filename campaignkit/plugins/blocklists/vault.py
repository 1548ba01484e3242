"""Encryption at rest for the platform credentials (tokens, app passwords) subscribers give us.

Keys come from the environment, never from a file in the instance:
``CAMPAIGNKIT_BLOCKLISTS_KEYS`` holds one or more Fernet keys, comma-separated, newest
first. The newest key encrypts; every key decrypts, so a new key can be added in front,
stored credentials re-encrypted with `Vault.rotate`, and the old key dropped after.
docs/blocklists-credentials.md walks through it.

Error messages name the variable and the position of a bad key, never a key or a token.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

#: The environment variable holding the keys, newest first.
KEYS_VARIABLE = "CAMPAIGNKIT_BLOCKLISTS_KEYS"


class VaultKeyError(RuntimeError):
    """The keys are missing or one of them is not a Fernet key."""


class VaultTokenError(ValueError):
    """A stored credential cannot be decrypted with any configured key."""


def generate_key() -> str:
    """A new random Fernet key (URL-safe base64 of 32 bytes), to put in the variable."""
    return Fernet.generate_key().decode("ascii")


class Vault:
    """Encrypts and decrypts credentials with the configured keys (the first one encrypts)."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise VaultKeyError(
                f"{KEYS_VARIABLE} is not set: set it to a key made by "
                "`python -c 'from campaignkit.plugins.blocklists.vault import generate_key; "
                "print(generate_key())'` (see docs/blocklists-credentials.md)"
            )
        fernets = []
        for position, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.encode("ascii")))
            except (ValueError, UnicodeEncodeError):
                raise VaultKeyError(
                    f"key {position} of {len(keys)} in {KEYS_VARIABLE} is not a Fernet key "
                    "(it must be 32 bytes in URL-safe base64, 44 characters)"
                ) from None
        self.key_count = len(fernets)
        self._fernet = MultiFernet(fernets)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Vault:
        """A vault with the keys in CAMPAIGNKIT_BLOCKLISTS_KEYS (of `environ`, or os.environ)."""
        environ = os.environ if environ is None else environ
        raw = environ.get(KEYS_VARIABLE, "")
        return cls([key.strip() for key in raw.split(",") if key.strip()])

    def encrypt(self, text: str) -> str:
        """The credential `text`, encrypted and signed with the newest key."""
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The credential in `token`, decrypted with whichever configured key made it."""
        try:
            return self._fernet.decrypt(_token_bytes(token)).decode("utf-8")
        except InvalidToken:
            raise VaultTokenError(_UNREADABLE) from None

    def rotate(self, token: str) -> str:
        """`token` re-encrypted with the newest key (the credential itself is unchanged)."""
        try:
            return self._fernet.rotate(_token_bytes(token)).decode("ascii")
        except InvalidToken:
            raise VaultTokenError(_UNREADABLE) from None


_UNREADABLE = (
    f"a stored credential cannot be decrypted with any key in {KEYS_VARIABLE}; was the key "
    "that encrypted it dropped before the credentials were re-encrypted? The subscriber "
    "must connect the account again"
)


def _token_bytes(token: str) -> bytes:
    """The token as bytes; text that cannot be a token raises InvalidToken like a bad one."""
    try:
        return token.encode("ascii")
    except UnicodeEncodeError:
        raise InvalidToken from None


def encrypt(text: str) -> str:
    """`text` encrypted with the newest key in CAMPAIGNKIT_BLOCKLISTS_KEYS."""
    return Vault.from_environment().encrypt(text)


def decrypt(token: str) -> str:
    """The text in `token`, decrypted with any key in CAMPAIGNKIT_BLOCKLISTS_KEYS."""
    return Vault.from_environment().decrypt(token)


def rotate(token: str) -> str:
    """`token` re-encrypted with the newest key in CAMPAIGNKIT_BLOCKLISTS_KEYS."""
    return Vault.from_environment().rotate(token)
