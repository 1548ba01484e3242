"""Profile-picture frames ("twibbons"): the table, and checking and storing an organiser's frame.

A frame is a square PNG whose see-through part is where a supporter's photo
shows. It goes through the same intake as artwork (``intake.clean_image``:
size cap, decompression-bomb limit, decoded and re-encoded by Pillow,
metadata stripped, type from the decoded image), but only PNG is taken, it
must be still, square and have transparent pixels, and it is stored as a
fresh ``FRAME_SIDE`` x ``FRAME_SIDE`` PNG. Supporters' photos are never stored:
a frame row keeps only how many framed pictures were made with it.
"""

from __future__ import annotations

import io
from datetime import datetime

from PIL import Image
from sqlalchemy import Boolean, DateTime, Integer, LargeBinary, String, update
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core import Model, one_line, write_session
from campaignkit.plugins.emoji.intake import IntakeError, clean_image
from campaignkit.plugins.emoji.models import now

#: The side of a stored frame and of every framed picture made with it.
FRAME_SIDE = 800
#: The smallest frame taken (it is scaled up to FRAME_SIDE).
MIN_FRAME_SIDE = 400
#: The share of a frame's pixels that must be see-through (alpha below half).
MIN_SEE_THROUGH = 0.10
MAX_TITLE = 200


class Frame(Model):
    """A profile-picture frame: its title, re-encoded PNG, and the count of pictures made."""

    __tablename__ = "emoji_frames"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE), nullable=False)
    #: A FRAME_SIDE-square RGBA PNG written by Pillow (never the uploaded bytes).
    image: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)
    #: A retired frame is not offered to supporters (organisers can restore it).
    retired: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: How many framed pictures were downloaded: the only thing kept about supporters.
    made_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


def clean_frame(data: bytes, max_bytes: int) -> bytes:
    """An uploaded frame checked and re-encoded as a FRAME_SIDE-square PNG; raises IntakeError."""
    clean = clean_image(data, max_bytes, max_side=FRAME_SIDE, formats={"PNG"})
    if clean.animated:
        raise IntakeError("The frame must be a still PNG, not an animation.")
    if abs(clean.width - clean.height) > max(clean.width, clean.height) // 100:
        raise IntakeError(
            f"The frame must be square: this one is {clean.width} × {clean.height} pixels."
        )
    if clean.width < MIN_FRAME_SIDE:
        raise IntakeError(
            f"The frame is too small: at least {MIN_FRAME_SIDE} × {MIN_FRAME_SIDE} pixels, please."
        )
    with Image.open(io.BytesIO(clean.data)) as decoded:
        picture = decoded.convert("RGBA")
    if picture.size != (FRAME_SIDE, FRAME_SIDE):
        picture = picture.resize((FRAME_SIDE, FRAME_SIDE), Image.Resampling.LANCZOS)
    see_through = sum(picture.getchannel("A").histogram()[:128]) / FRAME_SIDE**2
    if see_through < MIN_SEE_THROUGH:
        raise IntakeError(
            "The frame has no see-through part for the photo: save it as a PNG with "
            "transparent pixels where the photo should show."
        )
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)
    return out.getvalue()


def add_frame(title: str, data: bytes, max_bytes: int) -> int:
    """Check and store a new frame; its id. Raises IntakeError for a bad title or file."""
    title = one_line(title)
    if not title or len(title) > MAX_TITLE:
        raise IntakeError(f"Give the frame a title of up to {MAX_TITLE} characters.")
    image = clean_frame(data, max_bytes)
    with write_session() as session:
        stamp = now()
        frame = Frame(title=title, image=image, retired=False, made_count=0,
                      created_at=stamp, updated_at=stamp)  # fmt: skip
        session.add(frame)
        session.flush()
        return frame.id


def set_retired(frame_id: int, retired: bool) -> bool:
    """Retire (stop offering) or restore a frame; False if there is no such frame."""
    with write_session() as session:
        frame = session.get(Frame, frame_id)
        if frame is None:
            return False
        frame.retired, frame.updated_at = retired, now()
        return True


def delete_frame(frame_id: int) -> bool:
    """Delete a frame and its count; False if there is no such frame."""
    with write_session() as session:
        frame = session.get(Frame, frame_id)
        if frame is None:
            return False
        session.delete(frame)
        return True


def count_made(frame_id: int) -> None:
    """Add one to the frame's count of pictures made (one UPDATE, safe under concurrency)."""
    with write_session() as session:
        session.execute(
            update(Frame).where(Frame.id == frame_id).values(made_count=Frame.made_count + 1)
        )
