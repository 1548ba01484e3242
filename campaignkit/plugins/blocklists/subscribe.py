"""Subscribing a connected account to a list, changing how, and unsubscribing.

A subscription asks for one list to be applied to one of the supporter's connections:
as mutes or blocks (block only where the platform allows it; on X only when the
instance turns ``x_allow_block`` on), for every account on the list ("any of my lists")
or only for accounts on all of that connection's lists ("only accounts on all my
lists"). The subscribe form is on the list's public page; changes and unsubscribing are
on "Your blocklists". The apply job does the muting; these pages only record the wish.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import select

from campaignkit.core import form_int, signin_required, write_session
from campaignkit.plugins.blocklists.account_views import bp as account_bp
from campaignkit.plugins.blocklists.apply_queue import request_apply
from campaignkit.plugins.blocklists.connections import allowed_actions, own_connection
from campaignkit.plugins.blocklists.models import PLATFORM_NAMES, now
from campaignkit.plugins.blocklists.subscribers import ALL, ANY, Connection, Subscription
from campaignkit.plugins.blocklists.views import bp, list_by_slug

MODES = {ANY: "any of my lists", ALL: "only accounts on all my lists"}


class SubscribeError(ValueError):
    """The form asked for something this connection cannot do; the message says what."""


def read_choice(form, platform: str) -> tuple[str, str]:  # noqa: ANN001 - a MultiDict
    """The (action, mode) asked for, checked against what the platform allows."""
    action, mode = form.get("action", "mute"), form.get("mode", ANY)
    if action not in allowed_actions(platform):
        raise SubscribeError(f"{PLATFORM_NAMES[platform]} accounts can only be muted here.")
    if mode not in MODES:
        raise SubscribeError("Choose “any of my lists” or “only accounts on all my lists”.")
    return action, mode


def _own_subscription(session, subscription_id: int) -> tuple[Subscription, Connection]:  # noqa: ANN001
    found = session.get(Subscription, subscription_id)
    if found is None:
        abort(404, description="There is no such subscription.")
    return found, own_connection(session, found.connection_id)


@bp.post("/<slug>/subscribe")
@signin_required
def subscribe(slug: str):
    """Subscribe one of the supporter's connections to this list (or change its choice)."""
    block_list = list_by_slug(slug)
    connection_id = form_int("connection", 0, 0, 2**31 - 1)
    with write_session() as session:
        connection = own_connection(session, connection_id)
        try:
            action, mode = read_choice(request.form, connection.platform)
        except SubscribeError as error:
            flash(str(error), "error")
            return redirect(url_for(".page", slug=slug), 303)
        found = session.scalars(
            select(Subscription).where(
                Subscription.connection_id == connection.id, Subscription.list_id == block_list.id
            )
        ).first()
        if found is None:
            found = Subscription(connection_id=connection.id, list_id=block_list.id,
                                 created_at=now())  # fmt: skip
            session.add(found)
        found.action, found.mode = action, mode
        handle, platform = connection.handle, PLATFORM_NAMES[connection.platform]
        connection_id = connection.id
    request_apply(connection_id)
    flash(f"Your {platform} account {handle} is subscribed to “{block_list.title}”: the "
          f"accounts on it will be {action}d at {platform}'s pace.", "success")  # fmt: skip
    return redirect(url_for("blocklists_account.index"), 303)


@account_bp.post("/subscriptions/<int:subscription_id>")
@signin_required
def change_subscription(subscription_id: int):
    """Change a subscription's action (mute or block) or mode (any or all)."""
    with write_session() as session:
        found, connection = _own_subscription(session, subscription_id)
        try:
            found.action, found.mode = read_choice(request.form, connection.platform)
        except SubscribeError as error:
            flash(str(error), "error")
            return redirect(url_for(".index"), 303)
        connection_id = connection.id
    request_apply(connection_id)
    flash("Subscription changed.", "success")
    return redirect(url_for(".index"), 303)


@account_bp.post("/subscriptions/<int:subscription_id>/unsubscribe")
@signin_required
def unsubscribe(subscription_id: int):
    """End a subscription; what came only from this list is undone by the apply job."""
    with write_session() as session:
        found, connection = _own_subscription(session, subscription_id)
        session.delete(found)
        connection_id = connection.id
    request_apply(connection_id)
    flash("Unsubscribed. What was muted or blocked only because of this list will be undone; "
          "what you did yourself, or another list still asks for, stays.", "success")  # fmt: skip
    return redirect(url_for(".index"), 303)
