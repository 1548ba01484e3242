"""Share buttons: plugins say how a link can be shared (WhatsApp, email, ...)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from campaignkit.core.registry import call_each


@dataclass(frozen=True)
class ShareTarget:
    """One way to share a link: a label, the URL that shares it, and a short key for styling."""

    key: str
    label: str
    href: str


def share_targets(url: str, text: str) -> list[ShareTarget]:
    """Every plugin's share targets for this link and text; a plugin that raises is left out."""
    manager = current_app.extensions["campaignkit"].manager
    targets: list[ShareTarget] = []
    for _plugin, contributed in call_each(manager, "campaignkit_share_targets", url=url, text=text):
        targets.extend(t for t in contributed if isinstance(t, ShareTarget))
    return targets
