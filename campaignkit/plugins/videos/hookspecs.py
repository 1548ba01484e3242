"""The hooks the videos plugin offers to other plugins, declared and documented once.

The plugin adds them through ``campaignkit_addhooks`` when it is registered,
so they exist only where videos is enabled; ``docs/hooks.md`` lists them
under "Videos plugin". A plugin that implements them but should also load
without videos marks its implementations ``@hookimpl(optionalhook=True)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from campaignkit import hookspec

if TYPE_CHECKING:
    from campaignkit.plugins.videos.models import Submission


# ---------------------------------------------------------------- videos plugin


@hookspec
def campaignkit_video_published(video: Submission) -> None:
    """React to a video being published to the public gallery.

    Called after the change is committed, once each time a reviewer with
    ``videos.publish`` publishes a submission (``video.state`` is
    "published", ``video.published_at`` set). Read the row, do not change
    it; ``public_url_for("videos.video", video_id=video.id)`` is its page. A
    plugin that raises is logged and skipped, so one plugin cannot stop a
    publication.
    """
