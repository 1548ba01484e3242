"""Share buttons: WhatsApp, X, Facebook, Telegram, email and a plain link.

Implements ``campaignkit_share_targets`` for any page that offers sharing,
and adds a "Share this site" box to the home page. Which networks appear is
set per kit or instance::

    [plugins.share]
    networks = ["whatsapp", "x", "email"]
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote, urlencode

from flask import render_template
from pydantic import BaseModel, ConfigDict

from campaignkit import hookimpl
from campaignkit.core import ShareTarget, plugin_settings, public_url_for

Network = Literal["whatsapp", "x", "facebook", "telegram", "email", "bluesky", "mastodon"]


class ShareSettings(BaseModel):
    """``[plugins.share]`` settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    networks: tuple[Network, ...] = ("whatsapp", "x", "facebook", "telegram", "email")


def build_targets(url: str, text: str, networks: tuple[str, ...]) -> list[ShareTarget]:
    """The share links for ``url`` and ``text`` on the chosen networks, in the chosen order."""
    message = f"{text} {url}".strip()
    links = {
        "whatsapp": ("WhatsApp", "https://wa.me/?" + urlencode({"text": message})),
        "x": ("X", "https://x.com/intent/post?" + urlencode({"text": text, "url": url})),
        "facebook": (
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        ),
        "telegram": ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": text})),
        "bluesky": ("Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": message})),
        "mastodon": ("Mastodon", "https://mastodonshare.com/?" + urlencode({"text": message})),
        "email": ("Email", f"mailto:?subject={quote(text)}&body={quote(message)}"),
    }
    targets = [ShareTarget(key, *links[key]) for key in networks]
    targets.append(ShareTarget("link", "Copy link", url))
    return targets


@hookimpl
def campaignkit_settings_schema():
    """The plugin's settings: which networks to offer."""
    return ShareSettings


@hookimpl
def campaignkit_share_targets(url, text):
    """Share links for the networks this instance offers."""
    return build_targets(url, text, plugin_settings("share").networks)


@hookimpl
def campaignkit_template_slots(slot, context):
    """A "share this site" box beside the home page."""
    if slot != "home_aside":
        return None
    site = context["site"]
    return render_template(
        "share/share_box.html", url=public_url_for("core.home"), text=site["name"]
    )
