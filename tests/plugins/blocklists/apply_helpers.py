"""Helpers for the apply job's tests: entries on lists, and the ledger's rows."""

from __future__ import annotations

from sqlalchemy import select

from campaignkit.plugins.blocklists.entries import add_entry, change_status
from campaignkit.plugins.blocklists.ledger import Step
from campaignkit.plugins.blocklists.models import Entry


def add_entries(app, block_list, platform: str, accounts: list[tuple[str, str]]) -> None:  # noqa: ANN001
    """Put (account id, handle) pairs live on a list."""
    with app.app_context(), app.extensions["campaignkit"].database.write() as session:
        for account_id, handle in accounts:
            values = {"platform": platform, "account_id": account_id, "handle": handle,
                      "reason": "abuse", "evidence": ""}  # fmt: skip
            add_entry(session, block_list, values, None, False)


def remove_entry(app, list_id: int, account_id: str) -> None:  # noqa: ANN001
    """Take one account off a list, as a maintainer would."""
    with app.app_context(), app.extensions["campaignkit"].database.write() as session:
        entry = session.scalars(
            select(Entry).where(Entry.list_id == list_id, Entry.account_id == account_id)
        ).one()
        change_status(session, entry, "remove", None, False)


def steps(app, connection_id: int) -> list[Step]:  # noqa: ANN001
    """The connection's steps in order."""
    with app.extensions["campaignkit"].database.new_session() as session:
        found = list(
            session.scalars(
                select(Step).where(Step.connection_id == connection_id).order_by(Step.id)
            )
        )
        for row in found:
            session.expunge(row)
        return found
