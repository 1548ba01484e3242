"""The table of resumable (tus) uploads: who is sending what, how large, and where it goes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core import Model


class TusUpload(Model):
    """One resumable upload: its random id (in its address), its size, and its file's key.

    How much has arrived is the unfinished file's size in the store, so a connection
    cut in the middle of a PATCH keeps every byte that was written.
    """

    __tablename__ = "videos_tus_uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    producer_id: Mapped[int] = mapped_column(
        ForeignKey("ck_users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    file_key: Mapped[str] = mapped_column(String(200), nullable=False)
    length: Mapped[int] = mapped_column(BigInteger, nullable=False)
    #: The client's Upload-Metadata header, as sent (base64 values), for HEAD to return.
    metadata_header: Mapped[str] = mapped_column(Text, nullable=False, default="")
    brief_id: Mapped[int | None] = mapped_column(
        ForeignKey("videos_briefs.id", ondelete="SET NULL"), nullable=True
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: The submission made once the whole file arrived (None until then).
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("videos_submissions.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
