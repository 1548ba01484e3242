"""The plugin's tables: emoji packs and the artwork submitted to them.

Artwork is stored only as Pillow's re-encoding of what was uploaded (PNG or
WebP, metadata stripped); the uploaded bytes are never kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core import Model

PENDING, APPROVED, REJECTED, CHANGES = "pending", "approved", "rejected", "changes_requested"
STATUSES = (PENDING, APPROVED, REJECTED, CHANGES)
DEFAULT_LICENCE = "CC BY-SA 4.0"
#: The credit shown once a submitter's identity has been erased.
ANONYMOUS_CREDIT = "a volunteer"


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


class Pack(Model):
    """A pack of emoji and stickers; ``version`` goes up whenever its approved art changes."""

    __tablename__ = "emoji_packs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    licence: Mapped[str] = mapped_column(String(100), nullable=False, default=DEFAULT_LICENCE)
    credits: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: Bumped (with ``updated_at``) when approved art is added, changed or withdrawn:
    #: exports are cached by it.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    def touch(self) -> None:
        """Mark the pack's approved art as changed (cached exports go stale)."""
        self.version = (self.version or 0) + 1
        self.updated_at = now()


class Art(Model):
    """One piece of artwork in a pack: its name, emoji, review state and image."""

    __tablename__ = "emoji_art"
    __table_args__ = (
        UniqueConstraint("pack_id", "name", name="uq_emoji_art_pack_id_name"),
        Index("ix_emoji_art_pack_status", "pack_id", "status"),
        Index("ix_emoji_art_submitter_id", "submitter_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pack_id: Mapped[int] = mapped_column(
        ForeignKey("emoji_packs.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(32), nullable=False)
    emojis: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=PENDING)
    review_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: The account that submitted it (None: added from the command line, or erased).
    submitter_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: Where review decisions are mailed (None once erased, or for command-line art).
    submitter_email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    credit_name: Mapped[str] = mapped_column(String(80), nullable=False)
    #: The re-encoded image (never the uploaded bytes); "PNG" or "WEBP".
    image: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)
    format: Mapped[str] = mapped_column(String(8), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    frames: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    animated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    @property
    def content_type(self) -> str:
        """The image's MIME type."""
        return "image/webp" if self.format == "WEBP" else "image/png"


@dataclass(frozen=True)
class ArtRecord:
    """One approved piece of a pack, as exports need it."""

    name: str
    emojis: str
    image: bytes
    animated: bool
    format: str
    width: int
    height: int
    credit_name: str


def approved_art(session, pack_id: int) -> list[ArtRecord]:  # noqa: ANN001 - a Session
    """A pack's approved art, by name, with the image bytes (for exports and galleries)."""
    rows = session.execute(
        select(
            Art.name, Art.emojis, Art.image, Art.animated, Art.format, Art.width, Art.height,
            Art.credit_name,
        )
        .where(Art.pack_id == pack_id, Art.status == APPROVED)
        .order_by(Art.name)
    )  # fmt: skip
    return [ArtRecord(*row) for row in rows]
