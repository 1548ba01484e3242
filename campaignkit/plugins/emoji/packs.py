"""Packs and artwork: create and edit packs, submit art, review it, add approved art.

Every write is one transaction, so a refused file or a taken name stores
nothing. Approving calls ``campaignkit_emoji_approved`` after the commit.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from campaignkit.core import call_plugins, clean_text, one_line, write_session
from campaignkit.plugins.emoji.intake import clean_image
from campaignkit.plugins.emoji.models import (
    APPROVED,
    CHANGES,
    DEFAULT_LICENCE,
    PENDING,
    REJECTED,
    Art,
    Pack,
    now,
)

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
MAX_TITLE, MAX_LICENCE, MAX_CREDIT, MAX_TEXT = 200, 100, 80, 5000


class PackError(ValueError):
    """A pack or review request that cannot be done, with a message saying why."""


#: Addresses the plugin's own pages use under /emoji/.
RESERVED_SLUGS = {"static", "art", "frames"}


def slug_error(slug: str) -> str | None:
    """What is wrong with a pack address, or None."""
    if not SLUG.match(slug or ""):
        return "Use lower-case letters, digits and hyphens for the address, e.g. 'red-roses'."
    if slug in RESERVED_SLUGS:
        return f"The address '{slug}' is used by the emoji pages: choose another."
    return None


def pack_values(title: str, licence: str, description: str, credits: str = "") -> dict:
    """A pack's checked fields; raises PackError naming what to fix."""
    title, licence = one_line(title), one_line(licence) or DEFAULT_LICENCE
    if not title or len(title) > MAX_TITLE:
        raise PackError(f"Give the pack a title of up to {MAX_TITLE} characters.")
    if len(licence) > MAX_LICENCE:
        raise PackError(f"The licence may have up to {MAX_LICENCE} characters.")
    description, credits = clean_text(description or "").strip(), clean_text(credits or "").strip()
    if len(description) > MAX_TEXT or len(credits) > MAX_TEXT:
        raise PackError(f"The description and credits may have up to {MAX_TEXT} characters.")
    return dict(title=title, licence=licence, description=description, credits=credits)


def create_pack(slug: str, title: str, licence: str = DEFAULT_LICENCE, description: str = "",
                credits: str = "") -> int:  # fmt: skip
    """Store a new pack; its id. Raises PackError for bad fields or a taken address."""
    if error := slug_error(slug):
        raise PackError(error)
    values = pack_values(title, licence, description, credits)
    try:
        with write_session() as session:
            stamp = now()
            pack = Pack(slug=slug, **values, version=1, created_at=stamp, updated_at=stamp)
            session.add(pack)
            session.flush()
            return pack.id
    except IntegrityError:
        raise PackError(f"A pack already uses the address '{slug}'.") from None


def update_pack(pack_id: int, title: str, licence: str, description: str, credits: str) -> None:
    """Change a pack's words (not its address); changed credits make exports stale."""
    values = pack_values(title, licence, description, credits)
    with write_session() as session:
        pack = session.get(Pack, pack_id, with_for_update=True)
        if pack is None:
            raise PackError("There is no such pack.")
        for name, value in values.items():
            setattr(pack, name, value)
        pack.touch()


def credit_value(credit: str | None) -> str:
    """A checked credit display name (one line, up to 80 characters); raises PackError."""
    credit = one_line(credit or "")
    if not credit or len(credit) > MAX_CREDIT:
        raise PackError(f"Give the name to credit, up to {MAX_CREDIT} characters.")
    return credit


def _store_art(pack_id: int, name: str, emojis: str, data: bytes, credit: str, status: str,
               submitter: tuple[int, str] | None, max_bytes: int) -> tuple[Pack, Art]:  # fmt: skip
    """Check the image and store the piece; a submitter's own piece sent back for changes
    (or rejected) under the same name is replaced and waits for review again."""
    image = clean_image(data, max_bytes)
    fields = dict(
        emojis=emojis, status=status, review_reason="", credit_name=credit, image=image.data,
        format=image.format, width=image.width, height=image.height, frames=image.frames,
        animated=image.animated, updated_at=now(),
    )  # fmt: skip
    try:
        with write_session() as session:
            pack = session.get(Pack, pack_id, with_for_update=True)
            if pack is None:
                raise PackError("There is no such pack.")
            art = _resubmitted(session, pack.id, name, submitter)
            if art is None:
                art = Art(
                    pack_id=pack.id, name=name, created_at=fields["updated_at"],
                    submitter_id=submitter[0] if submitter else None,
                    submitter_email=submitter[1] if submitter else None,
                )  # fmt: skip
                session.add(art)
            for key, value in fields.items():
                setattr(art, key, value)
            if status == APPROVED:
                pack.touch()
            session.flush()
            return pack, art
    except IntegrityError:
        raise PackError(f"The pack already has art called '{name}': choose another name.") from None


def _resubmitted(session, pack_id: int, name: str, submitter: tuple[int, str] | None):  # noqa: ANN001, ANN202
    """The submitter's own piece of this name that was sent back or rejected, or None."""
    if submitter is None:
        return None
    return session.scalars(
        select(Art).where(
            Art.pack_id == pack_id, Art.name == name, Art.submitter_id == submitter[0],
            Art.status.in_((CHANGES, REJECTED)),
        ).with_for_update()
    ).first()  # fmt: skip


def submit_art(pack_id: int, name: str, emojis: str, data: bytes, credit: str,
               submitter: tuple[int, str], max_bytes: int) -> Art:  # fmt: skip
    """A volunteer's submission (``submitter``: their account id and address), waiting for
    review; raises IntakeError or PackError."""
    return _store_art(pack_id, name, emojis, data, credit_value(credit), PENDING, submitter,
                      max_bytes)[1]  # fmt: skip


def add_approved_art(slug: str, name: str, emojis: str, data: bytes, credit: str | None,
                     max_bytes: int) -> Art:  # fmt: skip
    """Art an organiser adds directly (approved); credited to ``credit`` or the pack's title."""
    with write_session() as session:
        pack = session.scalars(select(Pack).where(Pack.slug == slug)).first()
        if pack is None:
            raise PackError(f"There is no pack called '{slug}'.")
        pack_id, title = pack.id, pack.title
    credit = credit_value(credit or title[:MAX_CREDIT])
    pack, art = _store_art(pack_id, name, emojis, data, credit, APPROVED, None, max_bytes)
    call_plugins("campaignkit_emoji_approved", pack=pack, art=art)
    return art


def review(art_id: int, decision: str, reason: str = "") -> tuple[Pack, Art]:
    """Approve, reject or ask for changes to a submission; returns the (detached) rows.

    A rejection or a request for changes needs a reason (it is mailed to the
    submitter). Approving calls ``campaignkit_emoji_approved`` after the commit.
    """
    if decision not in (APPROVED, REJECTED, CHANGES):
        raise PackError("Choose approve, reject or ask for changes.")
    reason = clean_text(reason or "").strip()[:MAX_TEXT]
    if decision != APPROVED and not reason:
        raise PackError("Say why, so the volunteer knows what to do.")
    with write_session() as session:
        art = session.scalars(
            select(Art).where(Art.id == art_id).options(undefer(Art.image)).with_for_update()
        ).first()
        if art is None:
            raise PackError("That artwork no longer exists.")
        pack = session.get(Pack, art.pack_id, with_for_update=True)
        newly_approved = decision == APPROVED and art.status != APPROVED
        if APPROVED in (art.status, decision) and art.status != decision:
            pack.touch()  # approved art changes either way
        art.status, art.review_reason, art.updated_at = decision, reason, now()
    if newly_approved:
        call_plugins("campaignkit_emoji_approved", pack=pack, art=art)
    return pack, art
