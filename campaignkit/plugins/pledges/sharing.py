"""What a pledge shows elsewhere: its Open Graph image (made with Pillow) and the embed widget.

The image shows the title and the current count and is cached briefly, so a
link shared later shows a fresher number. The widget is a small read-only
page that other sites may frame.
"""

from __future__ import annotations

import io
import textwrap

from flask import Response, render_template, url_for
from PIL import Image, ImageDraw, ImageFont

from campaignkit.core import allow_framing
from campaignkit.plugins.pledges.views import bp, visible_pledge

WIDTH, HEIGHT = 1200, 630
BACKGROUND, INK, BAR, TRACK = (255, 255, 255), (20, 20, 30), (200, 16, 46), (230, 230, 235)
#: Framing is what the widget is for (with ``allow_framing``); other pages keep core's headers.
EMBED_POLICY = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors *"
)


def og_png(title: str, count: int, goal: int) -> bytes:
    """A 1200x630 PNG with the title, the count and a progress bar."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    heading = ImageFont.load_default(size=64)
    big = ImageFont.load_default(size=96)
    small = ImageFont.load_default(size=40)
    y = 60
    for line in textwrap.wrap(title, 30)[:3]:
        draw.text((60, y), line, font=heading, fill=INK)
        y += 80
    draw.text((60, 340), f"{count:,}", font=big, fill=BAR)
    draw.text((60, 450), f"signed of {goal:,}", font=small, fill=INK)
    draw.rectangle((60, 530, WIDTH - 60, 570), fill=TRACK)
    filled = int((WIDTH - 120) * min(count, goal) / max(goal, 1))
    if filled:
        draw.rectangle((60, 530, 60 + filled, 570), fill=BAR)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


@bp.get("/<slug>/og.png")
def og_image(slug: str):
    """The pledge's share image, showing the current count."""
    pledge = visible_pledge(slug)
    png = og_png(pledge.title, pledge.signed_count, pledge.goal)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "public, max-age=300"})


@bp.get("/<slug>/embed")
@allow_framing
def embed(slug: str):
    """The embeddable widget: the count, a progress bar and a link to sign (read-only)."""
    pledge = visible_pledge(slug)
    page = render_template(
        "pledges/embed.html", pledge=pledge, url=url_for(".page", slug=slug, _external=True)
    )
    return page, 200, {"Content-Security-Policy": EMBED_POLICY}
