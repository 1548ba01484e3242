"""Account operations shared by the pages and the command line.

Every change goes through ``write_session()``; the functions take and return
plain values (ids, emails) so callers never hold a row across transactions.
"""

from __future__ import annotations

import logging

from flask import url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaignkit.core.auth.models import APPROVED, PENDING, User, utcnow
from campaignkit.core.auth.passwords import hash_password
from campaignkit.core.auth.roles import DEFAULT_ROLE, ROLES, auth_state
from campaignkit.core.auth.tokens import RESET, VERIFY, make_link_token
from campaignkit.core.emails import EmailInvalid, clean_email, is_email
from campaignkit.core.inputs import max_length, one_line
from campaignkit.core.mail import MailError, send_mail
from campaignkit.core.records import record_consent
from campaignkit.core.session import db_session, write_session
from campaignkit.core.state import current_instance

log = logging.getLogger(__name__)


class AccountError(Exception):
    """An account operation that cannot be done; the message is for the person."""


def normalise_email(email: str) -> str:
    """An email address as stored: trimmed and lower-cased."""
    return (email or "").strip().lower()


def valid_email(email: str) -> bool:
    """True for exactly one email address (``campaignkit.core.emails.clean_email`` accepts it)."""
    return is_email(email)


def find_user(email: str) -> User | None:
    """The user with this email address, if any."""
    return db_session().scalar(select(User).where(User.email == normalise_email(email)))


def load_user(user_id: object) -> User | None:
    """A user by id (None for anything that is not an existing id)."""
    try:
        number = int(user_id)
    except (TypeError, ValueError):
        return None
    return db_session().get(User, number) if 0 < number < 2**31 else None


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: the user whose id *and* session version match the cookie."""
    user_id, _, version = str(session_id).partition(":")
    user = load_user(user_id)
    if user is None or not user.is_active or str(user.session_version) != version:
        return None
    return user


def clean_name(typed: str | None) -> str:
    """A first name as stored: one line, trimmed ("" for none); AccountError if unusable.

    The name is shown to others (as an event's host), so an email address is
    refused rather than published.
    """
    name = one_line(typed)
    longest = max_length(User.name)
    if longest is not None and len(name) > longest:
        raise AccountError(f"Your name can be at most {longest} characters long.")
    if "@" in name:
        raise AccountError("Give a name, not an email address: others see it.")
    return name


def create_user(
    email: str,
    password: str | None,
    role: str = DEFAULT_ROLE,
    *,
    name: str = "",
    approved: bool = True,
    verified: bool = False,
    joined_via: str = "signup",
    consent: dict[str, str] | None = None,
) -> User:
    """Create a user and return it; raises AccountError for a taken or bad address.

    ``consent`` (``record_consent``'s keyword arguments but the address) is
    recorded in the same transaction as the account. ``name`` is the optional
    first name others may see (``clean_name`` checks it).
    """
    try:
        email = clean_email(email)
    except EmailInvalid as exc:
        raise AccountError(str(exc)) from None
    name = clean_name(name)
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}' (roles: {', '.join(ROLES)}).")
    hashed = hash_password(auth_state().hasher, password) if password else None
    try:
        with write_session() as session:
            user = User(
                email=email,
                name=name,
                password_hash=hashed,
                role=role,
                approval=APPROVED if approved else PENDING,
                session_version=1,
                email_verified_at=utcnow() if verified else None,
                joined_via=joined_via,
                created_at=utcnow(),
            )
            session.add(user)
            session.flush()
            if consent is not None:
                record_consent(session, email=email, user_id=user.id, **consent)
    except IntegrityError:
        raise AccountError("An account with that email address already exists.") from None
    return user


def set_password(user_id: int, password: str) -> User:
    """Set a new password and end every session of the user; returns the updated user."""
    hashed = hash_password(auth_state().hasher, password)
    with write_session() as session:
        user = session.get(User, user_id)
        user.password_hash = hashed
        user.session_version += 1
        if user.email_verified_at is None:
            # A reset link reached the address, so the address is proven.
            user.email_verified_at = utcnow()
    return user


def set_name(user_id: int, typed: str | None) -> str:
    """Set (or clear, with "") the account's first name; returns it as stored."""
    name = clean_name(typed)
    with write_session() as session:
        session.get(User, user_id).name = name
    return name


def end_all_sessions(user_id: int) -> User:
    """Sign the user out everywhere by raising the session version."""
    with write_session() as session:
        user = session.get(User, user_id)
        user.session_version += 1
    return user


def set_role(user_id: int, role: str) -> None:
    """Give a user another role."""
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}' (roles: {', '.join(ROLES)}).")
    with write_session() as session:
        session.get(User, user_id).role = role


def _send(to: str, subject: str, body: str) -> bool:
    try:
        send_mail(to, subject, body)
    except MailError:
        log.exception("could not send %r", subject)
        return False
    return True


def send_verification(user: User) -> bool:
    """Mail a link that proves the address; returns False if the mail could not be sent."""
    link = url_for("auth.verify", token=make_link_token(user, VERIFY), _external=True)
    hours = auth_state().settings.verify_hours
    name = current_instance().config.campaign.name
    body = (
        f"Please confirm your email address for {name} by opening this link:\n\n{link}\n\n"
        f"The link works once and for {hours} hours. If you did not sign up, ignore this mail."
    )
    return _send(user.email, f"Confirm your email address for {name}", body)


def send_reset(user: User, *, welcome: bool = False) -> bool:
    """Mail a link to set a new password; returns False if the mail could not be sent."""
    link = url_for("auth.reset", token=make_link_token(user, RESET), _external=True)
    minutes = auth_state().settings.reset_minutes
    name = current_instance().config.campaign.name
    opening = (
        f"An account for {name} has been made for you. Choose your password here:"
        if welcome
        else f"Someone asked to reset the password of your {name} account. To choose a new one:"
    )
    body = (
        f"{opening}\n\n{link}\n\nThe link works once and for {minutes} minutes. "
        "If you did not ask for this, ignore this mail; your password stays as it is."
    )
    return _send(user.email, f"Set your password for {name}", body)
