"""Public pages: every list, and each list's purpose, rules, counts per reason and how to appeal.

Phone-first and without JavaScript. The handles of a public list are shown to
everyone; those of a private list only to signed-in members and to supporters
who subscribed one of their accounts to it. A signed-in supporter with connected
accounts finds the subscribe form here.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import column, select, table

from campaignkit.core import current_member_approved, db_session, query_int
from campaignkit.plugins.blocklists.connections import is_subscriber, subscribe_choices
from campaignkit.plugins.blocklists.entries import reason_counts
from campaignkit.plugins.blocklists.lookup_jobs import refresh_when_shown
from campaignkit.plugins.blocklists.models import (
    ACCOUNT_STATES,
    LIVE,
    PLATFORM_NAMES,
    REASONS,
    BlockList,
    Entry,
)

bp = Blueprint("blocklists", __name__, url_prefix="/blocklists")
PER_PAGE = 200
_USERS = table("ck_users", column("id"), column("email"))


def user_emails(ids: set[int | None]) -> dict[int, str]:
    """The addresses of the accounts with these ids (maintainers, for organiser pages)."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = db_session().execute(select(_USERS.c.id, _USERS.c.email).where(_USERS.c.id.in_(wanted)))
    return dict(rows.all())


def list_by_slug(slug: str) -> BlockList:
    """The list at this address, or a 404."""
    found = db_session().scalars(select(BlockList).where(BlockList.slug == slug)).first()
    if found is None:
        abort(404, description="There is no list at this address.")
    return found


def handles_visible(block_list: BlockList) -> bool:
    """Whether this visitor may see the list's handles (private: members and subscribers)."""
    return not block_list.private or current_member_approved() or is_subscriber(block_list.id)


@bp.get("")
def lists():
    """Every list, with how many accounts each has."""
    found = list(db_session().scalars(select(BlockList).order_by(BlockList.title)))
    totals = {b.id: sum(reason_counts(db_session(), b.id).values()) for b in found}
    return render_template("blocklists/lists.html", lists=found, totals=totals)


@bp.get("/<slug>")
def page(slug: str):
    """A list's purpose, rules, counts per reason, how to appeal and (when allowed) its handles."""
    block_list = list_by_slug(slug)
    counts = reason_counts(db_session(), block_list.id)
    shown, number = [], query_int("page", 1, 1, 100_000)
    if handles_visible(block_list):
        refresh_when_shown(block_list.id)  # queued: this page shows the handles stored now
        shown = list(
            db_session().execute(
                select(
                    Entry.platform,
                    Entry.handle,
                    Entry.account_id,
                    Entry.reason,
                    Entry.account_state,
                )  # fmt: skip
                .where(Entry.list_id == block_list.id, Entry.status == LIVE)
                .order_by(Entry.id)
                .limit(PER_PAGE)
                .offset((number - 1) * PER_PAGE)
            )  # fmt: skip
        )
    total = sum(counts.values())
    return render_template(
        "blocklists/list.html", block_list=block_list, counts=counts, reasons=REASONS,
        total=total, entries=shown, visible=handles_visible(block_list), page=number,
        pages=max(1, -(-total // PER_PAGE)), platforms=PLATFORM_NAMES,
        choices=subscribe_choices(block_list.id), account_states=ACCOUNT_STATES,
    )  # fmt: skip
