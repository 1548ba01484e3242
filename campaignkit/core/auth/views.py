"""Sign-in, sign-out and the account page (blueprint "auth"; sign-up and links in ``recovery``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from campaignkit.core.auth.access import signin_required
from campaignkit.core.auth.accounts import (
    AccountError,
    end_all_sessions,
    find_user,
    normalise_email,
    send_verification,
    set_name,
    set_password,
    valid_email,
)
from campaignkit.core.auth.devices import known_device, remember_device
from campaignkit.core.auth.models import User, utcnow
from campaignkit.core.auth.passwords import password_problem, verify_password
from campaignkit.core.auth.redirects import safe_next
from campaignkit.core.auth.roles import auth_state, permissions_of
from campaignkit.core.auth.throttle import Refusal
from campaignkit.core.session import write_session

bp = Blueprint("auth", __name__)

WRONG_PASSWORD = "That email address and password do not match. Check them and try again."  # noqa: S105
TOO_MANY = "Too many failed sign-in attempts"


def start_session(user: User) -> None:
    """Sign a user in on this browser, starting from a fresh session."""
    session.clear()
    login_user(user)


def _client_address() -> str:
    return request.remote_addr or "unknown"


def _signin_form(email: str, next_target: str | None, error: str | None = None, status: int = 200):  # noqa: ANN202
    page = render_template(
        "auth/signin.html",
        email=email,
        next=next_target or "",
        error=error,
        allow_signup=auth_state().settings.allow_signup,
    )
    return page, status


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def refusal_message(refusal: Refusal) -> str:
    """What to tell a person whose sign-in was refused before the password was checked."""
    if refusal.reason == "backoff":
        return (
            f"{TOO_MANY} from here. Wait {_duration(refusal.wait_s)} and try again, "
            "or reset your password."
        )
    if refusal.reason == "account":
        return (
            f"{TOO_MANY} at this account. Sign in from a browser you have signed in "
            "with before, or reset your password to get in."
        )
    return f"{TOO_MANY} from your network. Try again later, or reset your password."


def check_password(user: User | None, email: str, password: str) -> tuple[bool, str | None]:
    """Verify a password with throttling; returns (ok, message for the person if not)."""
    state = auth_state()
    address, device = _client_address(), known_device(user)
    refusal = state.throttle.check(email, address, device)
    if refusal is not None:
        return False, refusal_message(refusal)
    ok, new_hash = verify_password(state.hasher, user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        state.throttle.failed(email, address, device)
        return False, WRONG_PASSWORD
    state.throttle.succeeded(email, address, device)
    with write_session() as db:
        stored = db.get(User, user.id)
        stored.last_signin_at = utcnow()
        if new_hash:
            stored.password_hash = new_hash
    return True, None


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    """Sign in with email and password; goes on to a safe ``next`` page."""
    next_target = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(next_target or url_for("core.home"))
        return _signin_form("", next_target)
    typed = request.form.get("email", "")
    email = normalise_email(typed)
    if not valid_email(typed):
        return _signin_form(email, next_target, "Enter a valid email address.", 400)
    password = request.form.get("password", "")
    user = find_user(email)
    ok, problem = check_password(user, email, password)
    if not ok:
        status = 429 if problem != WRONG_PASSWORD else 200
        return _signin_form(email, next_target, problem, status)
    start_session(user)
    flash("You are signed in.", "success")
    return remember_device(redirect(next_target or url_for("core.home")), user)


@bp.route("/signout", methods=["GET", "POST"])
def signout():
    """Ask to confirm (GET), then end this browser's session (POST)."""
    if request.method == "GET":
        return render_template("auth/signout.html")
    logout_user()
    session.clear()
    flash("You are signed out.", "success")
    return redirect(url_for("core.home"))


@bp.get("/account")
@signin_required
def account():
    """The signed-in person's account: address, role, password and sessions."""
    state = auth_state()
    return render_template(
        "auth/account.html",
        user=current_user,
        permissions=permissions_of(state.permissions, current_user.role),
        require_approval=state.settings.require_approval,
    )


@bp.post("/account/name")
@signin_required
def change_name():
    """Set or clear the first name shown as the host of the person's events."""
    try:
        name = set_name(current_user.id, request.form.get("name", ""))
    except AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("auth.account"))
    flash("Your name is saved." if name else "Your name is cleared.", "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/password")
@signin_required
def change_password():
    """Change the password; every other session of the account ends."""
    current = request.form.get("current_password", "")
    new = request.form.get("new_password", "")
    ok, problem = check_password(current_user, current_user.email, current)
    if not ok:
        wrong = problem == WRONG_PASSWORD
        flash("Your current password was not right." if wrong else problem, "error")
        return redirect(url_for("auth.account"))
    problem = password_problem(new, current_user.email)
    if problem is None and new != request.form.get("confirm_password", ""):
        problem = "The two new passwords are not the same."
    if problem:
        flash(problem, "error")
        return redirect(url_for("auth.account"))
    start_session(set_password(current_user.id, new))
    flash("Your password is changed. You were signed out everywhere else.", "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/sessions")
@signin_required
def end_sessions():
    """Sign out on every other device, staying signed in here."""
    start_session(end_all_sessions(current_user.id))
    flash("You are signed out everywhere else.", "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/verify")
@signin_required
def resend_verification():
    """Send the email verification link again."""
    if current_user.email_verified:
        flash("Your email address is already confirmed.", "info")
    elif send_verification(current_user):
        flash("We have sent you a new link. Check your inbox.", "success")
    else:
        flash("The mail could not be sent just now. Try again later.", "error")
    return redirect(url_for("auth.account"))
