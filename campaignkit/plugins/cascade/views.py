"""Public cascade pages: open a link, forward it on, and say which seat you are in.

``/c/<code>`` shows the message with forward buttons whose links carry the
opener's own code. The first visit from a browser makes its node (one write)
and remembers it in a signed cookie, so reloads are not counted twice.
"""

from __future__ import annotations

import time
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select, update

from campaignkit.core import (
    GeocodeError,
    app_store,
    call_plugins,
    current_user,
    db_session,
    geocode,
    has_permission,
    plugin_settings,
    public_url_for,
    rate_limited,
    write_session,
)
from campaignkit.plugins.cascade.models import DRAFT, RUNNING, TARGETS, Cascade, Node
from campaignkit.plugins.cascade.opening import (
    COOKIE,
    cascade_id_of,
    cookie_value,
    count_forward,
    open_child,
    own_node,
    remembered_codes,
)

bp = Blueprint("cascade", __name__)
NOT_FOUND = "This cascade link was never issued. Check you copied all of it."
COOKIE_AGE = 365 * 24 * 3600
LABELS = {"whatsapp": "WhatsApp", "telegram": "Telegram", "signal": "Signal", "sms": "SMS",
          "copy": "Copy the message"}  # fmt: skip


def visible_cascade(cascade_id: int | None) -> Cascade:
    """The cascade if this person may see it; 404 for unknown ones and others' drafts."""
    cascade = db_session().get(Cascade, cascade_id) if cascade_id is not None else None
    if cascade is None or (
        cascade.status == DRAFT and not has_permission(current_user, "cascade.manage")
    ):
        abort(404, description=NOT_FOUND)
    return cascade


def passed_on(cascade_id: int) -> int:
    """How many people opened the cascade (its nodes but the root), cached ``counter_seconds``."""
    cache = app_store("cascade.counts")
    found = cache.get(cascade_id)
    if found is not None and found[0] > time.monotonic():  # fresh enough
        return found[1]
    query = select(func.count()).where(Node.cascade_id == cascade_id, Node.parent_id.is_not(None))
    count = db_session().scalar(query) or 0
    cache[cascade_id] = (time.monotonic() + plugin_settings("cascade").counter_seconds, count)
    return count


def message_of(cascade: Cascade, url: str) -> str:
    """The words forwarded: the message, the organisers' link, and the opener's own link."""
    return " ".join(part for part in (cascade.text.strip(), cascade.link, url) if part)


def forward_links(cascade: Cascade, url: str) -> dict[str, str]:
    """Where each forward button leads, for the opener's own ``url``.

    WhatsApp and Telegram come from the ``campaignkit_share_targets`` hook when
    an enabled plugin offers them; SMS and the copy page are the plugin's own.
    """
    text = " ".join(part for part in (cascade.text.strip(), cascade.link) if part)
    offered = {}
    for _plugin, targets in call_plugins("campaignkit_share_targets", url=url, text=text):
        for target in targets or []:
            offered.setdefault(target.key, target.href)
    message = message_of(cascade, url)
    return {
        "whatsapp": offered.get("whatsapp") or "https://wa.me/?" + urlencode({"text": message}),
        "telegram": offered.get("telegram")
        or "https://t.me/share/url?" + urlencode({"url": url, "text": text}),
        "sms": "sms:?&body=" + quote(message),
    }


def has_image(cascade: Cascade) -> bool:
    """Whether the cascade has a picture (without loading it)."""
    query = select(Cascade.id).where(Cascade.id == cascade.id, Cascade.image.is_not(None))
    return db_session().scalar(query) is not None


def render_open(cascade: Cascade, code: str | None, status: int = 200):  # noqa: ANN201
    """The message page, with forward buttons for ``code`` (None: the cascade has stopped)."""
    url = public_url_for(".open_link", code=code) if code else ""
    page = render_template(
        "cascade/open.html", cascade=cascade, code=code, url=url, labels=LABELS,
        targets=TARGETS, count=passed_on(cascade.id), has_image=has_image(cascade),
        message=message_of(cascade, url), sharing=request.args.get("share"),
    )  # fmt: skip
    return page, status


@bp.get("/c/<code>")
@rate_limited(lambda: plugin_settings("cascade").open_rate, methods=("GET",))
def open_link(code: str):
    """Resolve a cascade link, then send the browser (303) to the message with its own code.

    The first visit from a browser adds its node under ``code`` in one write
    and remembers it in the signed cookie; a later visit reads the cookie and
    writes nothing. Unknown codes are a 404; a stopped cascade counts nothing.
    """
    cascade_id = cascade_id_of(code)
    codes = remembered_codes(request.cookies.get(COOKIE))
    mine = codes.get(str(cascade_id)) if cascade_id is not None else None
    if mine is not None:
        return redirect(url_for(".message", code=mine), 303)
    made = open_child(code)
    if made is None:  # never issued, or the cascade is a draft or stopped
        if cascade_id is None or own_node(code) is None:
            abort(404, description=NOT_FOUND)
        visible_cascade(cascade_id)  # drafts stay 404
        return redirect(url_for(".message", code=code), 303)
    response = redirect(url_for(".message", code=made), 303)
    response.set_cookie(
        COOKIE, cookie_value(codes, cascade_id, made), max_age=COOKIE_AGE, httponly=True,
        secure=request.is_secure, samesite="Lax",
    )  # fmt: skip
    return response


@bp.get("/c/<code>/message")
def message(code: str):
    """The message with the public counter and forward buttons carrying ``code`` (no write)."""
    node = own_node(code)
    if node is None:
        abort(404, description=NOT_FOUND)
    cascade = visible_cascade(node.cascade_id)
    return render_open(cascade, code if cascade.status == RUNNING else None)


@bp.post("/c/<code>/forward")
@rate_limited(lambda: plugin_settings("cascade").forward_rate)
def forward(code: str):
    """Count one forward from this node, then go on to the chosen app (or the copy page)."""
    target = request.form.get("target", "")
    if target not in TARGETS:
        abort(400, description="Choose WhatsApp, Telegram, Signal, SMS or copy.")
    if not count_forward(code, target):
        abort(404, description=NOT_FOUND)
    if target in ("signal", "copy"):
        return redirect(url_for(".message", code=code, share=target) + "#message", 303)
    cascade = visible_cascade(cascade_id_of(code))
    links = forward_links(cascade, public_url_for(".open_link", code=code))
    return redirect(links[target], 303)


@bp.post("/c/<code>/seat")
@rate_limited(lambda: plugin_settings("cascade").forward_rate)
def give_seat(code: str):
    """Note the seat of the opener's postcode on their node (the postcode is not kept).

    Only the browser that opened the link (its signed cookie names the code) may.
    """
    codes = remembered_codes(request.cookies.get(COOKIE))
    if codes.get(str(cascade_id_of(code))) != code:
        abort(403, description="Only the person who opened this link can give their area.")
    try:
        place = geocode(request.form.get("postcode", ""))
    except GeocodeError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".message", code=code), 303)
    seat = place.seat
    if seat is None:
        flash("We could not find the seat for that postcode.", "error")
        return redirect(url_for(".message", code=code), 303)
    with write_session() as session:
        query = update(Node).where(Node.code == code).values(seat=seat.code, seat_name=seat.name)
        if session.execute(query).rowcount != 1:
            abort(404, description=NOT_FOUND)
    flash(f"Thank you: counted in {seat.name}.", "success")
    return redirect(url_for(".message", code=code), 303)


@bp.get("/cascade/<int:cascade_id>/image.jpg")
def image(cascade_id: int):
    """The cascade's picture; 404 when it has none."""
    cascade = visible_cascade(cascade_id)
    data = db_session().get(Cascade, cascade.id).image
    if not data:
        abort(404)
    return Response(data, mimetype="image/jpeg", headers={"Cache-Control": "public, max-age=300"})
