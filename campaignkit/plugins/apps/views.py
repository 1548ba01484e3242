"""Public pages: the directory (filtered by category), its JSON feed, an app's picture, and
"submit your app" for signed-in supporters.

The directory shows the kit's own tools first (the public pages the enabled
plugins put in the navigation) and then the approved community apps.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaignkit.core import (
    PictureError,
    call_plugins,
    current_user,
    db_session,
    plugin_settings,
    public_url,
    public_url_for,
    rate_limited,
    signin_required,
    write_session,
)
from campaignkit.plugins.apps.csvfile import image_address
from campaignkit.plugins.apps.entries import EntryError, clean_entry
from campaignkit.plugins.apps.images import MAX_BYTES, clean_image, fetch_image
from campaignkit.plugins.apps.models import APPROVED, CATEGORIES, PENDING, UNCHECKED, App

bp = Blueprint("apps", __name__, static_folder="static", static_url_path="/apps/static")


def builtin_tools() -> list[dict]:
    """The kit's own public pages, from the navigation everyone sees (not home or sign-in)."""
    skip = {url_for("core.home"), url_for("apps.directory"), url_for("auth.signin")}
    tools = []
    for _plugin, items in call_plugins("campaignkit_nav_items", user=None):
        tools.extend(item for item in items or [] if item.url not in skip)
    tools.sort(key=lambda item: item.order)
    return [{"title": item.label, "url": item.url} for item in tools]


def listed_apps(category: str | None) -> list[App]:
    """Approved apps, newest first, in ``category`` when one is given."""
    apps = db_session().scalars(select(App).where(App.status == APPROVED).order_by(App.id.desc()))
    return [app for app in apps if category is None or category in app.category_keys]


@bp.get("/apps")
def directory():
    """The directory: the kit's tools and the community apps, filtered by ``?category=``."""
    category = request.args.get("category") or None
    if category is not None and category not in dict(CATEGORIES):
        abort(404, description="There is no such category.")
    tools = builtin_tools() if category in (None, "official") else []
    return render_template(
        "apps/directory.html", tools=tools, apps=listed_apps(category), categories=CATEGORIES,
        category=category, image_address=image_address,
    )  # fmt: skip


@bp.get("/apps.json")
def feed():
    """The directory as JSON: the kit's tools and the approved apps, with absolute addresses."""
    base = public_url().rstrip("/")
    tools = [{**tool, "url": base + tool["url"], "categories": ["Official"], "builtin": True}
             for tool in builtin_tools()]  # fmt: skip
    apps = [
        {
            "title": app.title,
            "description": app.description,
            "url": app.url,
            "image": image_address(app) or None,
            "categories": app.category_labels,
            "builtin": False,
        }  # fmt: skip
        for app in listed_apps(None)
    ]
    return jsonify({"directory": public_url_for("apps.directory"), "apps": tools + apps})


@bp.get("/apps/<int:app_id>/image.jpg")
def image(app_id: int):
    """An app's uploaded picture (approved apps only); 404 when it has none."""
    app = db_session().get(App, app_id)
    if app is None or app.status != APPROVED or not app.has_upload:
        abort(404)
    return Response(app.image, mimetype="image/jpeg",
                    headers={"Cache-Control": "public, max-age=300"})  # fmt: skip


def _submitter_key() -> str:
    return f"user:{current_user.id}"


@bp.route("/apps/submit", methods=["GET", "POST"])
@signin_required
@rate_limited(lambda: plugin_settings("apps").submit_rate, key=_submitter_key)
def submit():
    """ "Submit your app": checked, then kept for the organisers to review."""
    error = None
    if request.method == "POST":
        fields = {**request.form.to_dict(), "categories": request.form.getlist("categories")}
        try:
            values = clean_entry(fields, tuple(plugin_settings("apps").insecure_servers))
            upload = request.files.get("image")
            if upload is not None and upload.filename:
                picture = clean_image(upload.stream.read(MAX_BYTES + 1))
                values.update(image=picture, has_upload=True, image_url="")
            elif values["image_url"]:
                settings = plugin_settings("apps")
                picture = fetch_image(
                    values["image_url"], tuple(settings.insecure_servers), settings.check_timeout_s
                )
                values.update(image=picture, has_upload=True)
            _save_submission(values)
        except (EntryError, PictureError) as exc:
            error = str(exc)
        else:
            flash("Thank you: the organisers will review your app before it is listed.", "success")
            return redirect(url_for(".directory"), 303)
    page = render_template(
        "apps/submit.html", error=error, form=request.form, categories=CATEGORIES,
        chosen=request.form.getlist("categories"),
    )  # fmt: skip
    return page, 400 if error else 200


def _save_submission(values: dict) -> None:
    """Store a supporter's app as pending; EntryError when its link is listed already."""
    listed = EntryError("That link is in the directory already (or waiting for review).")
    try:
        with write_session() as session:
            if session.scalar(select(App.id).where(App.url == values["url"])) is not None:
                raise listed
            session.add(App(**values, status=PENDING, submitted_by=current_user.id,
                            created_at=datetime.now(UTC), reject_reason="",
                            link_status=UNCHECKED, link_note=""))  # fmt: skip
    except IntegrityError:  # the same link sent twice at once
        raise listed from None
