"""Sign-up (open or through an invitation), email verification and password reset.

These pages never say whether an address has an account: signing up with a
taken address and asking for a reset both answer exactly as for a new one,
and the mail tells the owner what happened. Knowing someone is a member of
a campaign says something about their politics.
"""

from __future__ import annotations

import hashlib
from contextlib import suppress

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select, update

from campaignkit.core.auth.accounts import (
    AccountError,
    clean_name,
    create_user,
    find_user,
    load_user,
    normalise_email,
    send_reset,
    send_verification,
    set_password,
    valid_email,
)
from campaignkit.core.auth.devices import remember_device
from campaignkit.core.auth.models import Invite, User, utcnow
from campaignkit.core.auth.passwords import password_problem
from campaignkit.core.auth.roles import auth_state
from campaignkit.core.auth.tokens import RESET, VERIFY, TokenError, hash_secret, read_link_token
from campaignkit.core.auth.views import bp, start_session
from campaignkit.core.emails import clean_email
from campaignkit.core.mail import MailError, send_mail
from campaignkit.core.ratelimit import rate_limited
from campaignkit.core.session import db_session, write_session
from campaignkit.core.state import current_instance

#: The purpose a sign-up's consent record names.
SIGNUP_PURPOSE = "account"
NO_CONSENT = "Tick the box to agree, or we cannot make an account for you."
WORDING_CHANGED = "The words you agree to have just changed. Read them again and tick the box."
CHECK_INBOX = "Check your inbox: we have sent you a link to confirm your address. Then sign in."
INVITE_UNUSABLE = "This invitation link has expired, been used up or withdrawn."


def _invite(token: str | None) -> Invite | None:
    if token is None:
        return None
    invite = db_session().scalar(select(Invite).where(Invite.token_hash == hash_secret(token)))
    return invite if invite is not None and invite.usable() else None


def _use_invite(invite_id: int) -> bool:
    """Count one use of an invitation, unless another sign-up took its last use first."""
    now = utcnow()
    with write_session() as session:
        result = session.execute(
            update(Invite)
            .where(
                Invite.id == invite_id,
                Invite.uses < Invite.max_uses,
                Invite.revoked_at.is_(None),
                Invite.expires_at > now,
            )
            .values(uses=Invite.uses + 1)
        )
    return result.rowcount == 1


def signup_consent() -> tuple[str, str]:
    """The exact words shown beside the sign-up box, and their version (``[privacy]``)."""
    instance = current_instance()
    settings = instance.config.privacy
    wording = settings.signup_consent.replace("{campaign}", instance.config.campaign.name)
    return wording, settings.signup_consent_version


def wording_digest(wording: str) -> str:
    """A short digest of consent wording, sent with the form to prove which words were shown."""
    return hashlib.sha256(wording.encode()).hexdigest()[:16]


def _signup_page(email: str, error: str | None, token: str | None, status: int = 200):  # noqa: ANN202
    wording, _version = signup_consent()
    page = render_template(
        "auth/signup.html",
        email=email,
        name=request.form.get("name", ""),
        error=error,
        token=token,
        consent_text=wording,
        consent_digest=wording_digest(wording),
    )
    return page, status


def _signup_problem(typed_email: str, password: str) -> str | None:
    if not valid_email(typed_email):
        return "Enter a valid email address."
    problem = password_problem(password, normalise_email(typed_email))
    if problem is None and password != request.form.get("confirm_password", ""):
        problem = "The two passwords are not the same."
    if problem is None:
        try:
            clean_name(request.form.get("name"))
        except AccountError as exc:
            problem = str(exc)
    if problem is None and request.form.get("consent") != "yes":
        problem = NO_CONSENT
    shown = request.form.get("consent_wording")
    if problem is None and shown is not None and shown != wording_digest(signup_consent()[0]):
        problem = WORDING_CHANGED  # the form was loaded before [privacy] signup_consent changed
    return problem


def _tell_owner_of_taken_address(email: str) -> None:
    with suppress(MailError):
        send_mail(
            email,
            "Someone tried to sign up with your address",
            "Someone (perhaps you) tried to make a new account with this address, but you "
            "already have one. To get in, sign in or reset your password:\n\n"
            + url_for("auth.reset_request", _external=True),
        )


@bp.route("/signup", methods=["GET", "POST"])
@bp.route("/join/<token>", methods=["GET", "POST"])
@rate_limited(lambda: auth_state().settings.signup_rate)
def signup(token: str | None = None):
    """Make an account; through an invitation link it needs no organiser approval."""
    settings = auth_state().settings
    invite = _invite(token)
    if token is not None and invite is None:
        abort(410, description=INVITE_UNUSABLE)
    if invite is None and not settings.allow_signup:
        abort(403, description="Joining is by invitation only. Ask an organiser for a link.")
    typed = request.form.get("email", "")
    email = normalise_email(typed)
    if request.method == "GET":
        return _signup_page("", None, token)
    password = request.form.get("password", "")
    problem = _signup_problem(typed, password)
    if problem is not None:
        return _signup_page(email, problem, token, 400)
    email = clean_email(typed)
    if find_user(email) is not None:
        _tell_owner_of_taken_address(email)
        flash(CHECK_INBOX, "success")
        return redirect(url_for("auth.signin"))
    if invite is not None and not _use_invite(invite.id):
        abort(410, description=INVITE_UNUSABLE)
    approved = invite is not None or not settings.require_approval
    wording, version = signup_consent()
    consent = {
        "purpose": SIGNUP_PURPOSE,
        "wording": wording,
        "version": version,
        "source": "join (invitation)" if invite else "signup",
        "method": "checkbox",
    }
    try:
        user = create_user(
            email,
            password,
            name=request.form.get("name", ""),
            approved=approved,
            joined_via="invite" if invite else "signup",
            consent=consent,
        )
    except AccountError:  # taken by a sign-up a moment ago: answer as above
        flash(CHECK_INBOX, "success")
        return redirect(url_for("auth.signin"))
    send_verification(user)
    flash(CHECK_INBOX, "success")
    return redirect(url_for("auth.signin"))


def _message(title: str, text: str, status: int = 200):  # noqa: ANN202
    return render_template("auth/message.html", title=title, text=text), status


@bp.get("/verify/<token>")
def verify(token: str):
    """Confirm an email address from the link that was mailed to it."""
    max_age = auth_state().settings.verify_hours * 3600
    try:
        user = read_link_token(token, VERIFY, max_age, load_user)
    except TokenError as exc:
        return _message("This link does not work", str(exc), 400)
    with write_session() as session:
        session.get(User, user.id).email_verified_at = utcnow()
    return _message("Address confirmed", "Thank you: your email address is confirmed.")


@bp.route("/reset", methods=["GET", "POST"])
@rate_limited(lambda: auth_state().settings.reset_rate)
def reset_request():
    """Ask for a password reset link; the answer is the same whether or not the address is known."""
    if request.method == "GET":
        return render_template("auth/reset_request.html", email="")
    typed = request.form.get("email", "")
    user = find_user(clean_email(typed)) if valid_email(typed) else None
    if user is not None and user.is_active:
        send_reset(user)
    flash("If that address has an account, we have sent it a link to choose a new password.")
    return redirect(url_for("auth.signin"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """Choose a new password from a mailed link; signs in and ends every other session."""
    state = auth_state()
    try:
        user = read_link_token(token, RESET, state.settings.reset_minutes * 60, load_user)
    except TokenError as exc:
        return _message("This link does not work", str(exc), 400)
    if request.method == "GET":
        return render_template("auth/reset.html", token=token, error=None)
    password = request.form.get("password", "")
    problem = password_problem(password, user.email)
    if problem is None and password != request.form.get("confirm_password", ""):
        problem = "The two passwords are not the same."
    if problem:
        return render_template("auth/reset.html", token=token, error=problem), 400
    updated = set_password(user.id, password)
    state.throttle.reset_account(updated.email)  # the owner proved the address
    start_session(updated)
    flash("Your new password is set and you are signed in.", "success")
    return remember_device(redirect(url_for("auth.account")), updated)
