"""The plugin's tables: producers, briefs and their assets, claims, submissions,
reviews (the checklist each reviewer ticks), the state-change log and takedowns.

Times are timezone-aware UTC. A submission's ``state`` is the review workflow;
its ``media_*`` fields belong to the media processing (uploads, probing, oEmbed).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core import Model

# Producer applications
PENDING, APPROVED, REJECTED, REVOKED = "pending", "approved", "rejected", "revoked"
PRODUCER_STATUSES = (PENDING, APPROVED, REJECTED, REVOKED)

# Briefs
OPEN, CLOSED = "open", "closed"
FORMATS = ("9:16", "1:1", "16:9")

# Submission workflow
SUBMITTED, IN_REVIEW, CHANGES = "submitted", "in_review", "changes_requested"
PUBLISHED, TAKEN_DOWN = "published", "taken_down"
STATES = (SUBMITTED, IN_REVIEW, CHANGES, APPROVED, PUBLISHED, REJECTED, TAKEN_DOWN)
UPLOAD, LINK = "upload", "link"
KINDS = (UPLOAD, LINK)
MEDIA_STATUSES = ("pending", "processing", "ready", "failed")

#: The credit shown once a producer's identity has been erased.
ANONYMOUS_CREDIT = "a volunteer"


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


class Producer(Model):
    """A person's application to make videos, and the organiser's decision on it."""

    __tablename__ = "videos_producers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("ck_users.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    #: The name shown in credits ("" shows "a volunteer").
    credit_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    portfolio_url: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    skills: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(12), nullable=False, default=PENDING)
    #: The consent record of the producer agreement they accepted.
    consent_id: Mapped[int | None] = mapped_column(
        ForeignKey("ck_consents.id", ondelete="SET NULL"), nullable=True
    )
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("ck_users.id", ondelete="SET NULL"), nullable=True
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Brief(Model):
    """What the campaign needs: a video's message, format, length, deadline and claim limit."""

    __tablename__ = "videos_briefs"
    __table_args__ = (Index("ix_videos_briefs_status_deadline", "status", "deadline"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False, default="")
    audience: Mapped[str] = mapped_column(Text, nullable=False, default="")
    format: Mapped[str] = mapped_column(String(5), nullable=False)
    max_seconds: Mapped[int] = mapped_column(Integer, nullable=False)
    deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    dos: Mapped[str] = mapped_column(Text, nullable=False, default="")
    donts: Mapped[str] = mapped_column(Text, nullable=False, default="")
    max_claims: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    #: Claims held now; raised only by a conditional UPDATE, so it never passes max_claims.
    claim_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=OPEN)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("ck_users.id", ondelete="SET NULL"), nullable=True
    )
    #: When the claimants were mailed that the deadline is near (None: not yet).
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class BriefAsset(Model):
    """Material for a brief: a link (or, with ``file_key``, a stored file)."""

    __tablename__ = "videos_brief_assets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brief_id: Mapped[int] = mapped_column(
        ForeignKey("videos_briefs.id", ondelete="CASCADE"), nullable=False, index=True
    )
    label: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    file_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Claim(Model):
    """A producer working on a brief, so the work is not duplicated."""

    __tablename__ = "videos_claims"
    __table_args__ = (
        UniqueConstraint("brief_id", "producer_id", name="uq_videos_claims_brief_id_producer_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brief_id: Mapped[int] = mapped_column(
        ForeignKey("videos_briefs.id", ondelete="CASCADE"), nullable=False
    )
    producer_id: Mapped[int] = mapped_column(
        ForeignKey("ck_users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Submission(Model):
    """A video sent in by a producer (an upload or a link), against a brief or open."""

    __tablename__ = "videos_submissions"
    __table_args__ = (Index("ix_videos_submissions_state", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    producer_id: Mapped[int | None] = mapped_column(
        ForeignKey("ck_users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    brief_id: Mapped[int | None] = mapped_column(
        ForeignKey("videos_briefs.id"), nullable=True, index=True
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    link_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default=SUBMITTED)
    media_status: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")
    #: Why processing failed, in words the producer reads.
    media_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: The core job id, for the progress page.
    media_job_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    file_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    file_size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    content_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    duration_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    video_codec: Mapped[str | None] = mapped_column(String(40), nullable=True)
    audio_codec: Mapped[str | None] = mapped_column(String(40), nullable=True)
    poster_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    preview_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    captions_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    link_title: Mapped[str | None] = mapped_column(String(300), nullable=True)
    link_thumbnail_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    link_provider: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Review(Model):
    """One reviewer's checklist and decision on a submission.

    ``current`` goes False when changes are requested, so approvals given to
    an earlier version no longer count towards publishing.
    """

    __tablename__ = "videos_reviews"
    __table_args__ = (Index("ix_videos_reviews_submission_current", "submission_id", "current"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("videos_submissions.id", ondelete="CASCADE"), nullable=False
    )
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("ck_users.id", ondelete="SET NULL"), nullable=True
    )
    message_fits: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    no_copyrighted_music: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    consent_of_people: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    captions_present: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    digital_imprint: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: "approved", "changes_requested" or "rejected".
    decision: Mapped[str] = mapped_column(String(20), nullable=False)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    current: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class StateChange(Model):
    """One step of a submission's workflow: from which state to which, by whom, when."""

    __tablename__ = "videos_state_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("videos_submissions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_state: Mapped[str] = mapped_column(String(20), nullable=False)
    by_id: Mapped[int | None] = mapped_column(
        ForeignKey("ck_users.id", ondelete="SET NULL"), nullable=True
    )
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Takedown(Model):
    """A published video taken down: why, by whom, and when its files were purged."""

    __tablename__ = "videos_takedowns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("videos_submissions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    by_id: Mapped[int | None] = mapped_column(
        ForeignKey("ck_users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
