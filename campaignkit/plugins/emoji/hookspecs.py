"""The hooks the emoji plugin offers to other plugins, declared and documented once.

The plugin adds them through ``campaignkit_addhooks`` when it is registered,
so they exist only where emoji is enabled; ``docs/hooks.md`` lists them
under "Emoji plugin". A plugin that implements them but should also load
without emoji marks its implementations ``@hookimpl(optionalhook=True)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from campaignkit import hookspec

if TYPE_CHECKING:
    from campaignkit.plugins.emoji.models import Art, Pack


# ---------------------------------------------------------------- emoji plugin


@hookspec
def campaignkit_emoji_approved(pack: Pack, art: Art) -> None:
    """React to artwork approved into a pack (for example, post the new sticker to a chat).

    Called after the approval is committed, from the review queue or from
    ``campaignkit emoji add``. ``art.image`` holds the re-encoded picture
    (``art.content_type`` says PNG or WebP). Read the rows, do not change
    them. A plugin that raises is logged and skipped, so one plugin cannot
    stop an approval.
    """
