"""What was published to each Telegram sticker set, so a later sync knows which sticker is which.

One row per pack, set and art name: the sticker's ``file_unique_id`` (stable; read back from
``getStickerSet`` after it was added) and the hashes of the sticker bytes and emoji list that
were sent. ``pending`` names a call that was sent but whose outcome is not yet recorded
("add" or "replace"); ``pending_call`` holds what it sent (hashes, size, first emoji) and the
stickers the set held just before it: if the run stopped there, the next one finds the
sticker that call made instead of adding it again (``reconcile``).
Every change is committed at once, so an interrupted sync leaves a record that is true.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core import Model, read_session, write_session


class PublishedSticker(Model):
    """One sticker the bot put in a pack's Telegram set (or is putting there: ``pending``)."""

    __tablename__ = "emoji_telegram_stickers"
    __table_args__ = (
        UniqueConstraint("pack_id", "set_name", "art_name", name="uq_emoji_telegram_stickers_art"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pack_id: Mapped[int] = mapped_column(
        ForeignKey("emoji_packs.id", ondelete="CASCADE"), nullable=False
    )
    set_name: Mapped[str] = mapped_column(String(64), nullable=False)
    art_name: Mapped[str] = mapped_column(String(32), nullable=False)
    #: None until the sticker has been seen in the set.
    file_unique_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    image_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    emoji_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    pending: Mapped[str | None] = mapped_column(String(10), nullable=True)
    #: JSON: what the pending call sent and the set's file_unique_ids just before it.
    pending_call: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


@dataclass(frozen=True)
class Record:
    """A ``PublishedSticker`` row as plain data."""

    art_name: str
    file_unique_id: str | None
    image_sha256: str
    emoji_sha256: str
    pending: str | None = None
    pending_call: dict | None = None

    def but(self, **changes) -> Record:  # noqa: ANN003
        """A copy with some fields changed."""
        return replace(self, **changes)


class PackLedger:
    """The records of one pack's set, read and written one committed change at a time."""

    def __init__(self, pack_id: int, set_name: str) -> None:
        self.pack_id, self.set_name = pack_id, set_name

    def _rows(self, session, art_name: str | None = None):  # noqa: ANN001, ANN202
        query = select(PublishedSticker).where(
            PublishedSticker.pack_id == self.pack_id, PublishedSticker.set_name == self.set_name
        )
        if art_name is not None:
            query = query.where(PublishedSticker.art_name == art_name)
        return session.scalars(query.order_by(PublishedSticker.id))

    def load(self) -> dict[str, Record]:
        """Every record of the set, by art name, oldest first."""
        with read_session() as session:
            return {
                row.art_name: Record(
                    row.art_name,
                    row.file_unique_id,
                    row.image_sha256,
                    row.emoji_sha256,
                    row.pending,
                    json.loads(row.pending_call) if row.pending_call else None,
                )  # fmt: skip
                for row in self._rows(session)
            }

    def save(self, record: Record) -> None:
        """Store (insert or update) one record and commit."""
        with write_session() as session:
            row = self._rows(session, record.art_name).first()
            if row is None:
                row = PublishedSticker(
                    pack_id=self.pack_id, set_name=self.set_name, art_name=record.art_name
                )
                session.add(row)
            row.file_unique_id, row.pending = record.file_unique_id, record.pending
            row.image_sha256, row.emoji_sha256 = record.image_sha256, record.emoji_sha256
            row.pending_call = (
                None
                if record.pending_call is None
                else json.dumps(record.pending_call, ensure_ascii=False)
            )
            row.updated_at = datetime.now(UTC)

    def forget(self, art_name: str | None = None) -> None:
        """Delete one art's record (or, with no name, every record of the set) and commit."""
        with write_session() as session:
            query = delete(PublishedSticker).where(
                PublishedSticker.pack_id == self.pack_id,
                PublishedSticker.set_name == self.set_name,
            )
            if art_name is not None:
                query = query.where(PublishedSticker.art_name == art_name)
            session.execute(query)


def plain_emoji(emoji: str | None) -> str:
    """An emoji without variation selectors (Telegram may drop them)."""
    return (emoji or "").replace("\ufe0f", "")


def stickers_by_id(sticker_set: dict | None) -> dict[str, dict]:
    """A StickerSet's stickers by file_unique_id (none for no set)."""
    stickers = (sticker_set or {}).get("stickers") or []
    return {s["file_unique_id"]: s for s in stickers if isinstance(s, dict)}


def _made_by(sticker: dict, call: dict) -> bool:
    """Whether a sticker looks like the one a pending call sent (size and first emoji)."""
    size = (sticker.get("width"), sticker.get("height"))
    emoji = plain_emoji(sticker.get("emoji"))
    return size == (call["width"], call["height"]) and emoji == call["first_emoji"]


def reconcile(ledger: PackLedger, sticker_set: dict) -> dict[str, Record]:
    """Bring the records in line with the set: settle pending calls, drop vanished stickers.

    A pending call whose sticker is in the set (new since the call, not anyone else's, the
    right size and emoji) is recorded as done; one whose sticker is not is forgotten, so the
    art is sent again. A recorded sticker that is no longer in the set is forgotten too.
    """
    present = stickers_by_id(sticker_set)
    records = ledger.load()
    ours = {r.file_unique_id for r in records.values() if r.file_unique_id}
    free = [uid for uid in present if uid not in ours]
    settled: dict[str, Record] = {}
    for name, record in records.items():
        call = record.pending_call
        if record.pending and call is not None:
            if record.pending == "replace" and record.file_unique_id in present:
                settled[name] = record  # the replacement never happened: it is sent again
                continue
            found = next(
                (u for u in free if u not in call["before"] and _made_by(present[u], call)), None
            )
            if found is None:
                ledger.forget(name)
                continue
            free.remove(found)
            record = Record(name, found, call["image"], call["emoji"])
            ledger.save(record)
        if record.file_unique_id is None or record.file_unique_id not in present:
            ledger.forget(name)
            continue
        settled[name] = record
    return settled
