"""The plugin's part of personal-data export and erasure: who submitted which app.

Export lists the apps a person submitted and what became of them; erasure
takes their account off them (a listed app stays listed: it is the app's
public page, not the person's).
"""

from __future__ import annotations

from sqlalchemy import select, update

from campaignkit.plugins.apps.models import App


def export(subject, session) -> dict | None:  # noqa: ANN001
    """The apps the subject's account submitted; None if none."""
    if subject.user_id is None:
        return None
    rows = list(session.scalars(select(App).where(App.submitted_by == subject.user_id)))
    if not rows:
        return None
    return {
        "apps_submitted": [
            {
                "title": a.title,
                "url": a.url,
                "status": a.status,
                "reject_reason": a.reject_reason,
                "submitted_at": a.created_at,
            }  # fmt: skip
            for a in rows
        ]
    }


def erase(subject, session) -> int:  # noqa: ANN001
    """Take the subject's account off the apps they submitted; returns how many."""
    if subject.user_id is None:
        return 0
    query = update(App).where(App.submitted_by == subject.user_id).values(submitted_by=None)
    return session.execute(query).rowcount
