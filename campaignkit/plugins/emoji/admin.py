"""Organiser pages: create and edit packs (``emoji.manage``), the review queue (``emoji.review``).

A rejection or a request for changes is mailed to the submitter with the
reason; mail is best effort (a refused message is logged and the decision stands).
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from campaignkit.core import (
    MailError,
    campaign_name,
    db_session,
    require_permission,
    send_mail,
)
from campaignkit.plugins.emoji.models import CHANGES, PENDING, REJECTED, Art, Pack
from campaignkit.plugins.emoji.packs import PackError, create_pack, review, update_pack
from campaignkit.plugins.emoji.views import serve

log = logging.getLogger(__name__)
bp = Blueprint("emoji_admin", __name__, url_prefix="/organise/emoji")
DECISIONS = {"approve": "approved", "reject": REJECTED, "changes": CHANGES}


@bp.route("", methods=["GET", "POST"])
@require_permission("emoji.manage")
def index():
    """Every pack, and the form to create one."""
    error = None
    if request.method == "POST":
        form = request.form
        try:
            pack_id = create_pack(
                form.get("slug", "").strip(), form.get("title", ""), form.get("licence", ""),
                form.get("description", ""), form.get("credits", ""),
            )  # fmt: skip
        except PackError as exc:
            error = str(exc)
        else:
            flash("Pack created.", "success")
            return redirect(url_for(".edit", pack_id=pack_id), 303)
    packs = db_session().scalars(select(Pack).order_by(Pack.title))
    page = render_template("emoji/admin_index.html", packs=list(packs), error=error,
                           form=request.form)  # fmt: skip
    return page, 400 if error else 200


@bp.route("/<int:pack_id>/edit", methods=["GET", "POST"])
@require_permission("emoji.manage")
def edit(pack_id: int):
    """Change a pack's title, licence, description and credits (its address stays)."""
    pack = db_session().get(Pack, pack_id)
    if pack is None:
        abort(404)
    error, form = None, request.form
    if request.method == "POST":
        try:
            update_pack(pack_id, form.get("title", ""), form.get("licence", ""),
                        form.get("description", ""), form.get("credits", ""))  # fmt: skip
        except PackError as exc:
            error = str(exc)
        else:
            flash("Pack saved.", "success")
            return redirect(url_for(".edit", pack_id=pack_id), 303)
    else:
        form = dict(title=pack.title, licence=pack.licence, description=pack.description,
                    credits=pack.credits)  # fmt: skip
    page = render_template("emoji/edit.html", pack=pack, error=error, form=form)
    return page, 400 if error else 200


@bp.get("/review")
@require_permission("emoji.review")
def queue():
    """Submissions waiting for a decision, oldest first."""
    query = (
        select(Art, Pack)
        .join(Pack, Pack.id == Art.pack_id)
        .where(Art.status == PENDING)
        .order_by(Art.created_at, Art.id)
    )
    return render_template("emoji/review.html", items=list(db_session().execute(query)))


@bp.get("/review/<int:art_id>/image")
@require_permission("emoji.review")
def review_image(art_id: int):
    """A submission's re-encoded image, for reviewers whatever its state."""
    art = db_session().get(Art, art_id)
    return serve(art, art is not None, cache="private, no-store")


@bp.post("/review/<int:art_id>")
@require_permission("emoji.review")
def decide(art_id: int):
    """Approve, reject (with a reason, mailed) or ask for changes (with a reason, mailed)."""
    decision = DECISIONS.get(request.form.get("decision", ""))
    if decision is None:
        abort(400, description="Choose approve, reject or ask for changes.")
    try:
        pack, art = review(art_id, decision, request.form.get("reason", ""))
    except PackError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".queue"), 303)
    if decision in (REJECTED, CHANGES) and art.submitter_email:
        tell_submitter(pack, art)
    flash(f"'{art.name}' is now {decision.replace('_', ' ')}.", "success")
    return redirect(url_for(".queue"), 303)


def tell_submitter(pack: Pack, art: Art) -> None:
    """Mail the submitter the decision on their artwork and why."""
    if art.status == REJECTED:
        subject = f"Your artwork '{art.name}' was not accepted"
        next_step = "Thank you for sending it all the same."
    else:
        subject = f"Please change your artwork '{art.name}'"
        next_step = "You are welcome to send it again once it is changed: " + url_for(
            "emoji.submit", slug=pack.slug, _external=True
        )
    body = (
        f"Thank you for sending '{art.name}' for the {pack.title} pack of {campaign_name()}.\n\n"
        f"The reviewer said:\n\n{art.review_reason}\n\n{next_step}\n"
    )
    try:
        send_mail(art.submitter_email, subject, body)
    except MailError:
        log.warning("could not mail the review of emoji art %s", art.id, exc_info=True)
