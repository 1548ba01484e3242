"""Public pledge pages: the pledge with its count, signing, confirming and the thank-you page.

Everything works without JavaScript: the form posts, errors come back on the
same page (status 400) with what was typed, and success redirects (303).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import func, select

from campaignkit.core import (
    current_user,
    db_session,
    deferred_hit,
    has_permission,
    plugin_settings,
    rate_limited,
    read_signed_cookie,
    set_signed_cookie,
)
from campaignkit.plugins.pledges.models import DRAFT, OPEN, Pledge, Signature
from campaignkit.plugins.pledges.notify import (
    CONFIRM_SALT,
    next_steps,
    pledge_signed,
    read_token,
    send_confirmation,
    signer_place,
)
from campaignkit.plugins.pledges.signing import (
    CONSENT_WORDING,
    SHOW_NAME_WORDING,
    SignError,
    confirm,
    read_form,
    sign,
)

bp = Blueprint("pledges", __name__, url_prefix="/pledges")
#: The cookie that tells a pledge's thank-you page which signature is this browser's.
SIGNED_COOKIE = "ck_pledge_signed"
#: How long after signing the thank-you page still shows whose signature it was.
SIGNED_COOKIE_AGE_S = 24 * 3600
HONEYPOT = "website"


def settings():  # noqa: ANN201 - PledgesSettings
    """This instance's ``[plugins.pledges]`` settings."""
    return plugin_settings("pledges")


def visible_pledge(slug: str) -> Pledge:
    """The pledge if this person may see it; 404 for unknown ones and other people's drafts."""
    pledge = db_session().scalars(select(Pledge).where(Pledge.slug == slug)).first()
    if pledge is None:
        abort(404, description="There is no pledge at this address.")
    if pledge.status == DRAFT and not has_permission(current_user, "pledges.manage"):
        abort(404, description="There is no pledge at this address.")
    return pledge


def recent_signers(pledge: Pledge) -> list[tuple[str, str]]:
    """(first name, area) of the latest counted signers who agreed to be shown."""
    query = (
        select(Signature.name, Signature.seat_name, Signature.postcode)
        .where(Signature.pledge_id == pledge.id, Signature.show_name.is_(True))
        .where(Signature.confirmed_at.is_not(None))
        .order_by(Signature.confirmed_at.desc(), Signature.id.desc())
        .limit(settings().recent_signers)
    )
    return [
        (name.split()[0], seat or postcode.split()[0])
        for name, seat, postcode in db_session().execute(query)
    ]


def waiting_count(pledge: Pledge) -> int:
    """Signatures waiting for their email link to be followed (0 without double opt-in)."""
    if not settings().double_opt_in:
        return 0
    query = select(func.count()).where(
        Signature.pledge_id == pledge.id, Signature.confirmed_at.is_(None)
    )
    return db_session().scalar(query) or 0


def has_image(pledge: Pledge) -> bool:
    """Whether the pledge has a picture (without loading it)."""
    query = select(Pledge.id).where(Pledge.id == pledge.id, Pledge.image.is_not(None))
    return db_session().scalar(query) is not None


def render_pledge(pledge: Pledge, error: str | None = None, status: int = 200):  # noqa: ANN201
    """The pledge page, with an error and the typed values when signing failed."""
    page = render_template(
        "pledges/pledge.html", pledge=pledge, error=error, form=request.form if error else {},
        recent=recent_signers(pledge), consent_text=CONSENT_WORDING,
        show_name_text=SHOW_NAME_WORDING, honeypot=HONEYPOT, has_image=has_image(pledge),
        url=url_for(".page", slug=pledge.slug, _external=True), waiting=waiting_count(pledge),
    )  # fmt: skip
    return page, status


def open_pledges(limit: int | None = None) -> list[Pledge]:
    """The pledges taking signatures now, newest first."""
    query = select(Pledge).where(Pledge.status == OPEN).order_by(Pledge.created_at.desc())
    return list(db_session().scalars(query.limit(limit)))


@bp.get("")
def index():
    """Every open pledge, so supporters can find them from the menu."""
    return render_template("pledges/index.html", pledges=open_pledges())


@bp.get("/<slug>")
def page(slug: str):
    """A pledge: its words, the live count and progress, recent signers and the form."""
    return render_pledge(visible_pledge(slug))


@bp.post("/<slug>/sign")
@rate_limited(lambda: plugin_settings("pledges").sign_rate, deferred=True)
def sign_pledge(slug: str):
    """Sign: checked, stored once per address, then confirmed by email (unless turned off).

    The pledge is read inside the signing transaction (one query on the way
    to a success); the page with the error is drawn only when signing failed.
    The rate limit's hit is counted with the others of the signing batch, before
    it is written (``deferred_hit``); a form refused earlier is counted on return.
    """
    if request.form.get(HONEYPOT):
        visible_pledge(slug)  # unknown pledges and others' drafts stay 404
        return redirect(url_for(".thanks", slug=slug), 303)  # a robot: store nothing
    try:
        form = read_form(request.form)
        signed = sign(slug, form, double_opt_in=settings().double_opt_in, hit=deferred_hit())
    except SignError as exc:
        return render_pledge(visible_pledge(slug), str(exc), 400)
    if signed.created and not signed.confirmed:
        send_confirmation(signed.pledge, signed.signature_id, signed.signature.email)
    pledge_signed(signed)
    thanks_path = url_for(".thanks", slug=slug)
    response = redirect(thanks_path, 303)
    mine = f"{slug}:{signed.signature_id}:{int(signed.created)}"
    set_signed_cookie(response, SIGNED_COOKIE, mine, path=thanks_path)
    return response


def mine_signed(slug: str) -> tuple[int | None, bool]:
    """The signature this browser just made to the pledge (its id, and whether it was new),
    from the cookie signing left; (None, False) without one."""
    parts = (read_signed_cookie(SIGNED_COOKIE, SIGNED_COOKIE_AGE_S) or "").rsplit(":", 2)
    if len(parts) != 3 or parts[0] != slug or not parts[1].isdigit():
        return None, False
    return int(parts[1]), parts[2] == "1"


@bp.get("/<slug>/thanks")
def thanks(slug: str):
    """After signing: what happens next, and a next step from other plugins."""
    pledge = visible_pledge(slug)
    signature_id, new = mine_signed(slug)
    signature = None if signature_id is None else db_session().get(Signature, signature_id)
    steps = []
    if signature is not None:
        steps = next_steps(pledge, signature, signer_place(signature.postcode))
    return render_template(
        "pledges/thanks.html", pledge=pledge, signature=signature, new=new,
        steps=steps, double_opt_in=settings().double_opt_in, waiting=waiting_count(pledge),
        url=url_for(".page", slug=pledge.slug, _external=True),
    )  # fmt: skip


@bp.route("/confirm/<token>", methods=["GET", "POST"], endpoint="confirm")
def confirm_signature(token: str):
    """The link in the confirmation mail: a button whose POST makes the signature count (once).

    GET only shows the button, so a mail scanner that opens links confirms nothing.
    """
    found = read_token(CONFIRM_SALT, token)
    if found is None:
        abort(404, description="This confirmation link is not valid. Check you copied all of it.")
    signature = db_session().get(Signature, found[0])
    if signature is None or signature.email != found[1]:
        abort(404, description="This signature no longer exists.")
    pledge = db_session().get(Pledge, signature.pledge_id)
    already = signature.confirmed_at is not None
    if request.method == "GET":
        return render_template("pledges/confirm.html", pledge=pledge, token=token, already=already)
    if already:
        flash("Your signature was already confirmed: it is counted once.", "success")
    elif confirm(*found) is None:
        abort(404, description="This signature no longer exists.")
    else:
        flash("Thank you: your signature is confirmed and counted.", "success")
    return redirect(url_for(".page", slug=pledge.slug), 303)
