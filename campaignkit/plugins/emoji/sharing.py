"""A pack's Open Graph image: a grid of its approved art drawn with Pillow.

Link previews in chat apps and social networks show it. It holds up to
``GRID`` pieces (the first by name) on a plain background, and is cached
briefly, so a pack that grows shows its new art soon after.
"""

from __future__ import annotations

import io

from flask import Response
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from campaignkit.core import db_session
from campaignkit.plugins.emoji.models import APPROVED, Art
from campaignkit.plugins.emoji.views import bp, pack_or_404

WIDTH, HEIGHT = 1200, 630
COLUMNS, ROWS = 5, 2
GRID = COLUMNS * ROWS
CELL = 180
BACKGROUND, INK = (255, 255, 255), (20, 20, 30)


def og_png(title: str, images: list[bytes]) -> bytes:
    """A 1200x630 PNG with the title and up to ``GRID`` pictures (first frames) in a grid."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    draw.text((60, 40), title[:40], font=ImageFont.load_default(size=56), fill=INK)
    left = (WIDTH - COLUMNS * (CELL + 20)) // 2 + 10
    for index, data in enumerate(images[:GRID]):
        with Image.open(io.BytesIO(data)) as stored:  # our own re-encoded PNG or WebP
            picture = stored.convert("RGBA")
        picture.thumbnail((CELL, CELL))
        row, column = divmod(index, COLUMNS)
        x = left + column * (CELL + 20) + (CELL - picture.width) // 2
        y = 150 + row * (CELL + 30) + (CELL - picture.height) // 2
        canvas.paste(picture, (x, y), picture)
    out = io.BytesIO()
    canvas.save(out, "PNG", optimize=True)
    return out.getvalue()


@bp.get("/<slug>/og.png")
def og_image(slug: str):
    """The pack's share image: its title over a grid of its approved art."""
    pack = pack_or_404(slug)
    query = (
        select(Art.image)
        .where(Art.pack_id == pack.id, Art.status == APPROVED)
        .order_by(Art.name)
        .limit(GRID)
    )
    png = og_png(pack.title, list(db_session().scalars(query)))
    return Response(png, mimetype="image/png", headers={"Cache-Control": "public, max-age=300"})
