"""Share buttons: plugins say how a link can be shared (WhatsApp, email, ...)."""

from __future__ import annotations

from campaignkit.core.hooktypes import ShareTarget
from campaignkit.core.pages import contributed_items
from campaignkit.core.registry import call_each
from campaignkit.core.state import current_manager


def share_targets(url: str, text: str) -> list[ShareTarget]:
    """Every plugin's share targets for this link and text; a plugin that fails is left out."""
    manager = current_manager()
    hook = "campaignkit_share_targets"
    targets: list[ShareTarget] = []
    for plugin, contributed in call_each(manager, hook, url=url, text=text):
        targets.extend(contributed_items(plugin, hook, contributed, ShareTarget))
    return targets
