"""The maintainers' "Look up handles now" button, on a list's entries page."""

from __future__ import annotations

from flask import redirect, url_for

from campaignkit.core import require_permission
from campaignkit.plugins.blocklists.admin import bp, list_or_404
from campaignkit.plugins.blocklists.lookup_jobs import start_lookup


@bp.post("/<int:list_id>/lookup")
@require_permission("blocklists.maintain")
def look_up_now(list_id: int):
    """Start the handle lookup job for the list; shows the job's progress."""
    block_list = list_or_404(list_id)
    job_id = start_lookup(block_list.slug)
    back = url_for(".entries", list_id=list_id)
    return redirect(url_for("core.job_page", job_id=job_id, back=back), 303)
