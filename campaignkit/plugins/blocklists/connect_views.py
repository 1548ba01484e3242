"""The pages that connect an account: X and Mastodon through OAuth, Bluesky with an app password.

Each form is a POST with a CSRF token and a rate limit per address. The OAuth flows keep
their state in the supporter's session and come back to our own callback (built from the
public URL); after it, the supporter always lands on "Your blocklists", never on an
address taken from the request.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for

from campaignkit.core import (
    current_user,
    plugin_settings,
    rate_limited,
    signin_required,
    write_session,
)
from campaignkit.plugins.blocklists import connect_bluesky, connect_mastodon, connect_x
from campaignkit.plugins.blocklists.account_views import bp
from campaignkit.plugins.blocklists.apply_queue import request_apply
from campaignkit.plugins.blocklists.connect_x import ConnectError
from campaignkit.plugins.blocklists.connections import store_connection
from campaignkit.plugins.blocklists.models import PLATFORM_NAMES


def connect_rate() -> str:
    """Connect attempts per address (each one reaches out to another server): a setting."""
    return plugin_settings("blocklists").connect_rate


def _stored(account, server: str, credentials: dict):  # noqa: ANN001, ANN202
    with write_session() as db:
        connection = store_connection(db, current_user.id, account, server, credentials)
        db.flush()
        connection_id = connection.id
    request_apply(connection_id)  # a reconnected account goes on with its lists
    flash(f"Your {PLATFORM_NAMES[account.platform]} account {account.handle} is connected. "
          "Subscribe it to a list from the list's page.", "success")  # fmt: skip
    return redirect(url_for(".index"), 303)


def _failed(error: ConnectError):  # noqa: ANN202
    flash(str(error), "error")
    return redirect(url_for(".index"), 303)


@bp.post("/x/connect")
@signin_required
@rate_limited(connect_rate)
def x_connect():
    """Send the supporter to X's consent page (OAuth 2.0 with PKCE)."""
    try:
        return redirect(connect_x.start(session), 303)
    except ConnectError as error:
        return _failed(error)


@bp.get("/x/callback")
@signin_required
def x_callback():
    """X sends the supporter back here with a code and our state."""
    try:
        account, credentials = connect_x.finish(session, request.args)
    except ConnectError as error:
        return _failed(error)
    return _stored(account, "", credentials)


@bp.post("/mastodon/connect")
@signin_required
@rate_limited(connect_rate)
def mastodon_connect():
    """Send the supporter to their own server's consent page."""
    try:
        return redirect(connect_mastodon.start(session, request.form.get("server", "")), 303)
    except ConnectError as error:
        return _failed(error)


@bp.get("/mastodon/callback")
@signin_required
def mastodon_callback():
    """The Mastodon server sends the supporter back here with a code and our state."""
    try:
        account, credentials, server = connect_mastodon.finish(session, request.args)
    except ConnectError as error:
        return _failed(error)
    return _stored(account, server, credentials)


@bp.route("/bluesky", methods=["GET", "POST"])
@signin_required
@rate_limited(connect_rate)
def bluesky_connect():
    """A handle and an app password; only the session Bluesky gives back is kept."""
    error = None
    if request.method == "POST":
        try:
            account, credentials, service = connect_bluesky.connect(
                request.form.get("handle", ""), request.form.get("app_password", "")
            )
        except ConnectError as exc:
            error = str(exc)
        else:
            return _stored(account, service, credentials)
    page = render_template(
        "blocklists/connect_bluesky.html", error=error,
        handle=request.form.get("handle", "") if error else "",
        app_passwords_url=connect_bluesky.APP_PASSWORDS_URL,
    )  # fmt: skip
    return page, 400 if error else 200
