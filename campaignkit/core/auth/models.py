"""Tables for people and access: users, invitations, API tokens and failed sign-ins.

A user row is the subject that personal-data export and erasure will work
on: everything else that names a person points at it by ``user_id``, and the
throttle table stores only hashes of the addresses it counts.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core.db import Model

#: Approval states of a member when ``[accounts] require_approval`` is on.
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def aware(moment: datetime | None) -> datetime | None:
    """A stored time as timezone-aware UTC (SQLite hands times back without a zone)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class User(Model):
    """A person who can sign in.

    ``session_version`` is part of the id kept in the session cookie: raising
    it (on a password change or "sign out everywhere") ends every session.
    """

    __tablename__ = "ck_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    #: The first name (or name to be known by) the person gave; "" when none. Shown as an
    #: event's host, never the address.
    name: Mapped[str] = mapped_column(String(60), default="", server_default="")
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    role: Mapped[str] = mapped_column(String(40), default="supporter")
    approval: Mapped[str] = mapped_column(String(20), default=APPROVED)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    email_verified_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    joined_via: Mapped[str] = mapped_column(String(40), default="signup")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_signin_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    # Flask-Login's user interface
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        """Always True for a loaded user (Flask-Login)."""
        return True

    @property
    def is_active(self) -> bool:
        """False once the account is disabled (Flask-Login)."""
        return self.disabled_at is None

    def get_id(self) -> str:
        """The session id: user id and session version, so old sessions stop matching."""
        return f"{self.id}:{self.session_version}"

    @property
    def email_verified(self) -> bool:
        """True once the person has followed a verification link."""
        return self.email_verified_at is not None


class Invite(Model):
    """An invitation link: signing up through it skips approval, until it expires or runs out."""

    __tablename__ = "ck_invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("ck_users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    def usable(self, now: datetime | None = None) -> bool:
        """True while the invite is not revoked, not expired and has uses left."""
        now = now or utcnow()
        return (
            self.revoked_at is None and aware(self.expires_at) > now and self.uses < self.max_uses
        )


class ApiToken(Model):
    """A scoped API token; only the sha256 of the secret is stored."""

    __tablename__ = "ck_api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(Text, default="")  # space-separated permissions
    user_id: Mapped[int] = mapped_column(ForeignKey("ck_users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @property
    def scope_list(self) -> list[str]:
        """The permissions this token was given."""
        return self.scopes.split()


class SigninFailure(Model):
    """One failed sign-in, counted per hashed account and per hashed address."""

    __tablename__ = "ck_signin_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
