"""What a connection's encrypted ``credentials`` hold, per platform, as JSON.

- X: ``{"access_token", "refresh_token", "expires_at"}`` (OAuth 2.0 user context; Unix time)
- Mastodon: ``{"access_token"}`` (the server is ``Connection.server``, its app `MastodonApp`)
- Bluesky: ``{"session"}`` (the atproto SDK's exported session string; the app password
  is never kept; the service is ``Connection.server``)

`seal` and `unseal` turn these into the encrypted text stored and back, with the vault's
keys from the environment.
"""

from __future__ import annotations

import json

from campaignkit.plugins.blocklists import vault

CREDENTIAL_FIELDS = {
    "x": ("access_token", "refresh_token", "expires_at"),
    "mastodon": ("access_token",),
    "bluesky": ("session",),
}


class CredentialsError(ValueError):
    """Stored credentials are not what this platform keeps (the message says which)."""


def seal(platform: str, values: dict) -> str:
    """The encrypted text to store for one connection's credentials."""
    fields = CREDENTIAL_FIELDS.get(platform)
    if fields is None:
        raise CredentialsError(f"{platform!r} is not a platform blocklists knows.")
    missing = [name for name in fields if name not in values]
    if missing:
        raise CredentialsError(f"{platform} credentials lack {', '.join(missing)}.")
    return vault.encrypt(json.dumps({name: values[name] for name in fields}))


def unseal(platform: str, sealed: str) -> dict:
    """The credentials stored for one connection, decrypted."""
    values = json.loads(vault.decrypt(sealed))
    fields = CREDENTIAL_FIELDS.get(platform, ())
    if not isinstance(values, dict) or any(name not in values for name in fields):
        raise CredentialsError(f"The stored {platform} credentials are incomplete.")
    return values
