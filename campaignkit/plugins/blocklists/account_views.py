""" "Your blocklists": a supporter's connected accounts, their subscriptions and auto rules.

Phone-first and without JavaScript. Every page needs sign-in and shows or changes only
the signed-in supporter's own connections (anyone else's id is a 404); every form has a
CSRF token. Disconnecting deletes the connection, its credentials and everything hanging
off it; the mutes and blocks already made stay on the supporter's account, theirs to undo.
The auto rule is only stored here (opt-in and its two thresholds); the periodic job that
applies it reads these columns.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from campaignkit.core import (
    allow_form_targets,
    current_user,
    db_session,
    plugin_settings,
    signin_required,
    write_session,
)
from campaignkit.plugins.blocklists.connect_bluesky import APP_PASSWORDS_URL
from campaignkit.plugins.blocklists.connections import (
    allowed_actions,
    connections_of,
    delete_connections,
    own_connection,
)
from campaignkit.plugins.blocklists.models import PLATFORM_NAMES, BlockList
from campaignkit.plugins.blocklists.subscribers import Subscription
from campaignkit.plugins.blocklists.vault import VaultKeyError

bp = Blueprint("blocklists_account", __name__, url_prefix="/account/blocklists")
log = logging.getLogger(__name__)
MAX_AGE_DAYS, MAX_FOLLOWERS = 3650, 1_000_000  # the auto rule's highest thresholds


def subscriptions_by_connection(connection_ids: list[int]) -> dict[int, list]:
    """Each connection's subscriptions, with their list's slug and title, in list order."""
    found: dict[int, list] = {i: [] for i in connection_ids}
    if not connection_ids:
        return found
    rows = db_session().execute(
        select(Subscription, BlockList.slug, BlockList.title)
        .join(BlockList, BlockList.id == Subscription.list_id)
        .where(Subscription.connection_id.in_(connection_ids))
        .order_by(BlockList.title, Subscription.id)
    )  # fmt: skip
    for subscription, slug, title in rows:
        found[subscription.connection_id].append((subscription, slug, title))
    return found


def connect_targets() -> list[str]:
    """Where the connect forms lead (CSP form-action): X's sign-in page, Mastodon servers."""
    settings = plugin_settings("blocklists")
    x_page = urlsplit(settings.x_authorize_url)
    targets = [f"{x_page.scheme}://{x_page.netloc}", "https:"]  # https: any Mastodon server
    return targets + [f"http://{server}" for server in settings.insecure_servers]


@bp.errorhandler(VaultKeyError)
def keys_missing(error: VaultKeyError):  # noqa: ANN201
    """No key to encrypt credentials with: tell the supporter, log the fix for the admins."""
    log.error("blocklists: cannot store a connected account: %s", error)
    flash("Connecting accounts is not set up on this site yet (its encryption key is "
          "missing); please tell the organisers. Nothing was stored.", "error")  # fmt: skip
    return redirect(url_for(".index"), 303)


@bp.get("")
@signin_required
@allow_form_targets(connect_targets)
def index():
    """The supporter's connected accounts, each with its subscriptions, and ways to connect."""
    connections = connections_of(current_user.id)
    settings = plugin_settings("blocklists")
    return render_template(
        "blocklists/account.html", connections=connections, platforms=PLATFORM_NAMES,
        subscriptions=subscriptions_by_connection([c.id for c in connections]),
        actions={c.id: allowed_actions(c.platform) for c in connections},
        x_ready=bool(settings.x_client_id), app_passwords_url=APP_PASSWORDS_URL,
    )  # fmt: skip


@bp.post("/<int:connection_id>/disconnect")
@signin_required
def disconnect(connection_id: int):
    """Delete the connection, its credentials, its subscriptions and the apply job's ledger."""
    with write_session() as session:
        found = own_connection(session, connection_id)
        name = f"{PLATFORM_NAMES[found.platform]} account {found.handle}"
        delete_connections(session, current_user.id, connection_id)
    flash(f"Your {name} is disconnected: its keys and subscriptions are deleted here. The "
          "mutes and blocks already made stay on that account; you can undo them in the "
          "app.", "success")  # fmt: skip
    return redirect(url_for(".index"), 303)


def read_thresholds(form) -> tuple[int, int]:  # noqa: ANN001 - a MultiDict
    """The auto rule's (days, followers) from the form; ValueError says what to fix."""
    try:
        days, followers = int(form.get("max_age_days", "")), int(form.get("min_followers", ""))
    except ValueError:
        raise ValueError("Please give the two thresholds as whole numbers.") from None
    if not 1 <= days <= MAX_AGE_DAYS:
        raise ValueError(f"The account age must be between 1 and {MAX_AGE_DAYS} days.")
    if not 0 <= followers <= MAX_FOLLOWERS:
        raise ValueError(f"The follower count must be between 0 and {MAX_FOLLOWERS:,}.")
    return days, followers


@bp.post("/<int:connection_id>/auto-rules")
@signin_required
def auto_rules(connection_id: int):
    """Turn the auto rule on or off for one connection, with its two thresholds."""
    try:
        days, followers = read_thresholds(request.form)
    except ValueError as error:
        own_connection(db_session(), connection_id)  # a 404 first for someone else's
        flash(str(error), "error")
        return redirect(url_for(".index"), 303)
    with write_session() as session:
        found = own_connection(session, connection_id)
        found.auto_rules = request.form.get("auto_rules") == "on"
        found.auto_max_age_days, found.auto_min_followers = days, followers
        on = found.auto_rules
    flash("Auto rule turned on." if on else "Auto rule is off; the thresholds are kept.",
          "success")  # fmt: skip
    return redirect(url_for(".index"), 303)
