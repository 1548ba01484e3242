"""``campaignkit blocklists rotate-keys``: re-encrypt every stored credential with the newest key.

Run it after putting a new key first in ``CAMPAIGNKIT_BLOCKLISTS_KEYS`` (keeping the old
ones after it) on every process; once it has finished, the old keys can be dropped. It
rewrites connected accounts' tokens and sessions and the Mastodon apps' client secrets,
in batches, each batch in its own transaction, so it can be run again after a stop.
"""

from __future__ import annotations

import click
from sqlalchemy import func, select

from campaignkit.core import instance_app, write_session
from campaignkit.plugins.blocklists.subscribers import Connection, MastodonApp
from campaignkit.plugins.blocklists.vault import Vault, VaultKeyError, VaultTokenError

BATCH = 500


def _rotate_column(vault: Vault, model, key, column: str, bar) -> int:  # noqa: ANN001
    """Re-encrypt one encrypted column of every row of `model`, in key order; returns rows."""
    done, after = 0, None
    while True:
        with write_session() as session:
            query = select(model).order_by(key).limit(BATCH)
            if after is not None:
                query = query.where(key > after)
            rows = list(session.scalars(query))
            for row in rows:
                setattr(row, column, vault.rotate(getattr(row, column)))
        if not rows:
            return done
        after = getattr(rows[-1], key.key)
        done += len(rows)
        bar.update(len(rows))


@click.command("rotate-keys")
def rotate_keys_command() -> None:
    """Re-encrypt every stored credential with the newest key in CAMPAIGNKIT_BLOCKLISTS_KEYS."""
    app = instance_app()
    with app.app_context():
        try:
            vault = Vault.from_environment()
        except VaultKeyError as error:
            raise click.ClickException(str(error)) from None
        with write_session() as session:
            total = session.scalar(select(func.count()).select_from(Connection)) + session.scalar(
                select(func.count()).select_from(MastodonApp)
            )
        with click.progressbar(length=max(total, 1), label="Re-encrypting") as bar:
            try:
                accounts = _rotate_column(vault, Connection, Connection.id, "credentials", bar)
                apps = _rotate_column(vault, MastodonApp, MastodonApp.domain, "client_secret", bar)
            except VaultTokenError as error:
                raise click.ClickException(
                    f"{error} Put the key it was encrypted with back in the list, then run "
                    "this again (what was done so far is kept)."
                ) from None
    click.echo(f"Re-encrypted {accounts} connected accounts and {apps} Mastodon apps.")
