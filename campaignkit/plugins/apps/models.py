"""The plugin's table: one row per app in the directory, from the organisers or a supporter.

An app has a link, a title, a description, a picture (an https address, or an
upload kept re-encoded as JPEG), its categories, where it is in review
(pending, approved, rejected) and what the link check last found.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core import Model

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATES = (PENDING, APPROVED, REJECTED)
#: The Bern Kit's categories, in its order: (key, label). Keys are the CSV's flag columns.
CATEGORIES = (
    ("official", "Official"),
    ("information", "Information"),
    ("activism", "Activism"),
    ("voting", "Voting"),
    ("phonebank", "Phonebank"),
    ("communication", "Communication"),
    ("games", "Games"),
)
CATEGORY_KEYS = tuple(key for key, _label in CATEGORIES)
#: What the link check found: not yet checked, answering, or not answering.
UNCHECKED, LINK_OK, LINK_DEAD = "unchecked", "ok", "dead"


class App(Model):
    """An app in the directory (or waiting for review)."""

    __tablename__ = "apps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(500), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: A picture's https address, when it is not an upload.
    image_url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    #: An uploaded picture, re-encoded as JPEG (None: no upload).
    image: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    #: Whether ``image`` holds an upload (read without loading the picture).
    has_upload: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: Category keys, comma-separated, in CATEGORIES order.
    categories: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=PENDING, index=True)
    reject_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    submitted_by: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    link_status: Mapped[str] = mapped_column(String(10), nullable=False, default=UNCHECKED)
    link_note: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    link_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @property
    def category_keys(self) -> list[str]:
        """The app's category keys, in CATEGORIES order."""
        stored = set(self.categories.split(","))
        return [key for key in CATEGORY_KEYS if key in stored]

    @property
    def category_labels(self) -> list[str]:
        """The app's category names as people read them."""
        labels = dict(CATEGORIES)
        return [labels[key] for key in self.category_keys if key in labels]
