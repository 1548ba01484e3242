"""Helpers for the emoji tests: small pictures made with Pillow, and posting the submit form."""

from __future__ import annotations

import io

from PIL import Image


def png(size: tuple[int, int] = (64, 64), colour=(200, 30, 40, 255)) -> bytes:
    """A small PNG."""
    out = io.BytesIO()
    Image.new("RGBA", size, colour).save(out, "PNG")
    return out.getvalue()


def animated_gif(frames: int, size=(1, 1)) -> bytes:
    images = [Image.new("RGB", size, (255 * (i % 2), 0, 0)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=40, loop=0)
    return out.getvalue()


def upload(
    client,
    csrf_token,
    slug="roses",
    name="red_rose",
    emojis="🌹",
    data=None,
    credit="Sam R",
    filename="rose.png",
):  # noqa: ANN001, ANN201
    """Post the submit form as ``client`` (a small PNG unless ``data`` is given)."""
    form = {
        "name": name, "emojis": emojis, "credit": credit, "csrf_token": csrf_token(client),
        "image": (io.BytesIO(png() if data is None else data), filename),
    }  # fmt: skip
    return client.post(f"/emoji/{slug}/submit", data=form, content_type="multipart/form-data")
