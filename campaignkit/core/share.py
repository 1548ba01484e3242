"""Share buttons: plugins say how a link can be shared (WhatsApp, email, ...)."""

from __future__ import annotations

from dataclasses import dataclass

from campaignkit.core.pages import contributed_items
from campaignkit.core.registry import call_each
from campaignkit.core.state import current_manager


@dataclass(frozen=True)
class ShareTarget:
    """One way to share a link: a label, the URL that shares it, and a short key for styling."""

    key: str
    label: str
    href: str


def share_targets(url: str, text: str) -> list[ShareTarget]:
    """Every plugin's share targets for this link and text; a plugin that fails is left out."""
    manager = current_manager()
    hook = "campaignkit_share_targets"
    targets: list[ShareTarget] = []
    for plugin, contributed in call_each(manager, hook, url=url, text=text):
        targets.extend(contributed_items(plugin, hook, contributed, ShareTarget))
    return targets
