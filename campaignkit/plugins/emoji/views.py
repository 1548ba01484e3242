"""Public emoji pages: the list of packs, a pack's gallery, its images, and submitting art.

Everything works without JavaScript: forms post, errors come back on the
same page (status 400) with what was typed, success redirects (303). Images
are served only from the re-encoded bytes, with the type Pillow wrote.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from campaignkit.core import (
    current_user,
    db_session,
    plugin_settings,
    rate_limited,
    signin_required,
)
from campaignkit.plugins.emoji.intake import IntakeError, clean_emojis, clean_name
from campaignkit.plugins.emoji.models import APPROVED, Art, Pack
from campaignkit.plugins.emoji.packs import PackError, submit_art

bp = Blueprint(
    "emoji", __name__, url_prefix="/emoji", static_folder="static", static_url_path="/static"
)
EXTENSIONS = {"PNG": "png", "WEBP": "webp"}


def pack_or_404(slug: str) -> Pack:
    """The pack at this address, or a 404."""
    pack = db_session().scalars(select(Pack).where(Pack.slug == slug)).first()
    if pack is None:
        abort(404, description="There is no emoji pack at this address.")
    return pack


def gallery(pack_id: int) -> list[Art]:
    """A pack's approved art (without the image bytes), by name."""
    query = select(Art).where(Art.pack_id == pack_id, Art.status == APPROVED).order_by(Art.name)
    return list(db_session().scalars(query))


def image_url(art: Art, endpoint: str = "emoji.image") -> str:
    """Where a piece's re-encoded image is served."""
    return url_for(endpoint, art_id=art.id, ext=EXTENSIONS[art.format])


@bp.get("")
def packs():
    """Every pack, with how many pieces of approved art it has."""
    counts = (
        select(Pack, func.count(Art.id))
        .outerjoin(Art, (Art.pack_id == Pack.id) & (Art.status == APPROVED))
        .group_by(Pack.id)
        .order_by(Pack.title)
    )
    return render_template("emoji/packs.html", packs=list(db_session().execute(counts)))


@bp.get("/<slug>")
def pack(slug: str):
    """A pack's gallery: its approved art with names, emoji and credits, and share buttons."""
    found = pack_or_404(slug)
    return render_template(
        "emoji/pack.html", pack=found, art=gallery(found.id), image_url=image_url,
        url=url_for(".pack", slug=found.slug, _external=True),
    )  # fmt: skip


def serve(art: Art | None, allowed: bool, cache: str = "public, max-age=3600") -> Response:
    """A piece's stored image with its own type, or a 404."""
    if art is None or not allowed:
        abort(404, description="There is no such picture.")
    return Response(
        art.image, mimetype=art.content_type,
        headers={"Cache-Control": cache, "X-Content-Type-Options": "nosniff"},
    )  # fmt: skip


@bp.get("/art/<int:art_id>.<ext>")
def image(art_id: int, ext: str):
    """An approved piece's image (PNG or WebP, as re-encoded at intake)."""
    art = db_session().get(Art, art_id)
    return serve(art, art is not None and art.status == APPROVED and EXTENSIONS[art.format] == ext)


def _submit_error(found: Pack, message: str):  # noqa: ANN202
    page = render_template(
        "emoji/submit.html",
        pack=found,
        error=message,
        form=request.form,
        max_mb=plugin_settings("emoji").max_upload_mb,
    )
    return page, 400


@bp.route("/<slug>/submit", methods=["GET", "POST"])
@signin_required
@rate_limited(lambda: plugin_settings("emoji").submit_rate)
def submit(slug: str):
    """Send artwork to a pack: a picture, its name, one to three emoji and the credit to show."""
    found = pack_or_404(slug)
    if request.method == "GET":
        return render_template(
            "emoji/submit.html",
            pack=found,
            error=None,
            form={},
            max_mb=plugin_settings("emoji").max_upload_mb,
        )
    upload = request.files.get("image")
    if upload is None or not upload.filename:
        return _submit_error(found, "Choose a picture to send.")
    limit = plugin_settings("emoji").max_upload_mb * 1024 * 1024
    try:
        name, emojis = (
            clean_name(request.form.get("name")),
            clean_emojis(request.form.get("emojis")),
        )
        data = upload.stream.read(limit + 1)
        submit_art(found.id, name, emojis, data, request.form.get("credit"),
                   (current_user.id, current_user.email), limit)  # fmt: skip
    except (IntakeError, PackError) as exc:
        return _submit_error(found, str(exc))
    flash("Thank you: your artwork waits for review. We will email you when it is decided.",
          "success")  # fmt: skip
    return redirect(url_for(".pack", slug=found.slug), 303)
