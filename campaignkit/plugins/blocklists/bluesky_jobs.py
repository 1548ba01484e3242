"""Background jobs and maintainer buttons for Bluesky moderation lists: publish, import."""

from __future__ import annotations

from flask import redirect, request, url_for
from huey import Huey

from campaignkit.core import Progress, enqueue_job, job, plugin_settings, require_permission
from campaignkit.plugins.blocklists.admin import bp, list_or_404, maintainer_id, render_entries
from campaignkit.plugins.blocklists.bluesky_publish import (
    LIST_LINK,
    LIST_URI,
    import_modlist,
    publish,
)

PUBLISH_JOB = f"{__name__}.publish_on_bluesky"
IMPORT_JOB = f"{__name__}.import_bluesky_list"


def register(huey: Huey) -> None:
    """Declare the publish and import jobs on a queue."""

    @job(huey, title="Publish a list on Bluesky")
    def publish_on_bluesky(progress: Progress, slug: str) -> str:
        """Publish or sync a list's Bluesky moderation list."""
        progress.update(0, total=1, message="Signing in to Bluesky")
        result = publish(slug, plugin_settings("blocklists"))
        progress.update(1, total=1, message=result.summary())
        return result.summary()

    @job(huey, title="Import a Bluesky moderation list")
    def import_bluesky_list(progress: Progress, slug: str, source: str, actor_id: int) -> str:
        """Put the accounts of a Bluesky moderation list on a list, with progress."""

        def report(done: int, total: int | None, message: str) -> None:
            progress.update(done, total=total, message=message)

        settings = plugin_settings("blocklists")
        return import_modlist(slug, source, settings, actor_id=actor_id, progress=report)


def _to_job(job_id: str, list_id: int):  # noqa: ANN202 - a redirect
    back = url_for(".entries", list_id=list_id)
    return redirect(url_for("core.job_page", job_id=job_id, back=back), 303)


@bp.post("/<int:list_id>/publish-bluesky")
@require_permission("blocklists.maintain")
def publish_bluesky(list_id: int):
    """Publish or sync the list as a Bluesky moderation list, in the background."""
    block_list = list_or_404(list_id)
    return _to_job(enqueue_job(PUBLISH_JOB, block_list.slug), list_id)


@bp.post("/<int:list_id>/import-bluesky")
@require_permission("blocklists.maintain")
def import_bluesky(list_id: int):
    """Start importing a Bluesky moderation list given by its address."""
    block_list = list_or_404(list_id)
    source = request.form.get("list_url", "").strip()[:500]
    if not (LIST_URI.fullmatch(source) or LIST_LINK.fullmatch(source)):
        message = ("Give the Bluesky list's at:// URI or its bsky.app address "
                   "(https://bsky.app/profile/NAME/lists/ID).")  # fmt: skip
        return render_entries(block_list, message, 400)
    return _to_job(enqueue_job(IMPORT_JOB, block_list.slug, source, maintainer_id()), list_id)
