"""Organiser pages: write a cascade, start and stop it, and watch its reach.

Everything here needs ``cascade.manage``. Starting a cascade the first time
makes its root node: the link the organisers send out themselves.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from campaignkit.core import (
    PICTURE_MAX_BYTES,
    PictureError,
    clean_picture,
    clean_text,
    current_user,
    db_session,
    max_length,
    one_line,
    public_url_for,
    require_permission,
    write_session,
)
from campaignkit.plugins.cascade.models import DRAFT, RUNNING, STOPPED, Cascade, Node
from campaignkit.plugins.cascade.opening import new_code
from campaignkit.plugins.cascade.stats import (
    forwards_by_target,
    generations,
    largest_subtrees,
    opens_per_hour,
    reach_svg,
    top_seats,
)

bp = Blueprint("cascade_admin", __name__, url_prefix="/organise/cascade")
MAX_TEXT = 2000


def _cascade(cascade_id: int) -> Cascade:
    cascade = db_session().get(Cascade, cascade_id)
    if cascade is None:
        abort(404)
    return cascade


def read_cascade_form(form) -> dict:  # noqa: ANN001 - a MultiDict
    """Check the form; raises ValueError naming what to fix."""
    title = one_line(form.get("title"))
    text = clean_text(form.get("text", "")).strip()
    link = one_line(form.get("link"))
    limit = max_length(Cascade.title)
    if not title or len(title) > limit:
        raise ValueError(f"Please give a title (up to {limit} characters).")
    if not text or len(text) > MAX_TEXT:
        raise ValueError(f"Please write the message (up to {MAX_TEXT} characters).")
    if link:
        parts = urlsplit(link)
        if parts.scheme != "https" or not parts.hostname or len(link) > max_length(Cascade.link):
            raise ValueError("The link must be a full https:// address.")
    return {"title": title, "text": text, "link": link}


def _read_upload(values: dict) -> dict:
    upload = request.files.get("image")
    if upload is not None and upload.filename:
        values["image"] = clean_picture(upload.stream.read(PICTURE_MAX_BYTES + 1))
    return values


@bp.route("", methods=["GET", "POST"])
@require_permission("cascade.manage")
def index():
    """Every cascade, and the form to write one."""
    error = None
    if request.method == "POST":
        try:
            values = _read_upload(read_cascade_form(request.form))
        except (ValueError, PictureError) as exc:
            error = str(exc)
        else:
            with write_session() as session:
                cascade = Cascade(
                    **values, status=DRAFT, created_by=current_user.id,
                    created_at=datetime.now(UTC),
                )  # fmt: skip
                session.add(cascade)
                session.flush()
                cascade_id = cascade.id
            flash("Cascade saved as a draft: start it when it is ready.", "success")
            return redirect(url_for(".view", cascade_id=cascade_id), 303)
    cascades = list(db_session().scalars(select(Cascade).order_by(Cascade.id.desc())))
    page = render_template(
        "cascade/admin_index.html", cascades=cascades, error=error, form=request.form
    )
    return page, 400 if error else 200


def root_code(cascade_id: int) -> str | None:
    """The code of the cascade's root node (the organisers' own link), once started."""
    query = select(Node.code).where(Node.cascade_id == cascade_id, Node.parent_id.is_(None))
    return db_session().scalar(query)


@bp.get("/<int:cascade_id>")
@require_permission("cascade.manage")
def view(cascade_id: int):
    """A cascade's reach: over time, by generation, by seat and the tree's largest branches."""
    cascade = _cascade(cascade_id)
    session = db_session()
    code = root_code(cascade.id)
    gens = generations(session, cascade.id)
    return render_template(
        "cascade/view.html", cascade=cascade,
        root_url=public_url_for("cascade.open_link", code=code) if code else None,
        chart=reach_svg(opens_per_hour(session, cascade.id)), generations=gens,
        opens=sum(count for generation, count in gens if generation > 0),
        seats=top_seats(session, cascade.id), forwards=forwards_by_target(session, cascade.id),
        subtrees=largest_subtrees(session, cascade.id),
    )  # fmt: skip


@bp.post("/<int:cascade_id>/status")
@require_permission("cascade.manage")
def set_status(cascade_id: int):
    """Start (making the root link the first time) or stop a cascade."""
    status = request.form.get("status")
    if status not in (RUNNING, STOPPED):
        abort(400, description="Choose start or stop.")
    with write_session() as session:
        cascade = session.get(Cascade, cascade_id, with_for_update=True)
        if cascade is None:
            abort(404)
        cascade.status = status
        has_root = session.scalar(
            select(Node.id).where(Node.cascade_id == cascade_id, Node.parent_id.is_(None))
        )
        if status == RUNNING and has_root is None:
            session.add(
                Node(
                    code=new_code(cascade_id),
                    cascade_id=cascade_id,
                    parent_id=None,
                    generation=0,
                    opened_at=datetime.now(UTC),
                    forwards_whatsapp=0,
                    forwards_telegram=0,
                    forwards_signal=0,
                    forwards_sms=0,
                    forwards_copy=0,
                )  # fmt: skip
            )
    flash("Cascade started." if status == RUNNING else "Cascade stopped.", "success")
    return redirect(url_for(".view", cascade_id=cascade_id), 303)
