"""Helpers for the videos tests: posting the plugin's forms as a person would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

CHECKLIST_TICKS = {
    "message_fits": "yes",
    "no_copyrighted_music": "yes",
    "consent_of_people": "yes",
    "captions_present": "yes",
    "digital_imprint": "yes",
}


def day(offset_days: int) -> str:
    """A date ``offset_days`` from today, as the date field sends it."""
    return (datetime.now(UTC) + timedelta(days=offset_days)).date().isoformat()


def apply(client, csrf_token, **changes):  # noqa: ANN001, ANN201
    """Post the producer application form (agreement ticked unless told otherwise)."""
    form = {"credit_name": "Sam Films", "portfolio_url": "https://films.example/sam",
            "skills": "Editing, captions", "agree": "yes", "csrf_token": csrf_token(client),
            **changes}  # fmt: skip
    return client.post("/videos/apply", data=form)


def post_brief(client, csrf_token, **changes):  # noqa: ANN001, ANN201
    """Post a brief as an organiser (a 9:16, 60-second brief due in ten days, one claim)."""
    form = {"title": "Why the library matters", "message": "Save our library.",
            "audience": "Parents", "format": "9:16", "max_seconds": "60", "deadline": day(10),
            "max_claims": "1", "dos": "Smile", "donts": "No music you do not own",
            "assets": "Logo | https://assets.example/logo.png\nhttps://assets.example/font",
            "csrf_token": csrf_token(client), **changes}  # fmt: skip
    return client.post("/videos/briefs/new", data=form)


def submit_link(client, csrf_token, brief_id=None, **changes):  # noqa: ANN001, ANN201
    """Send a link submission (against ``brief_id`` when given)."""
    form = {"title": "Our library", "link_url": "https://vimeo.com/123456",
            "description": "A short film.", "csrf_token": csrf_token(client),
            **changes}  # fmt: skip
    url = f"/videos/submit?brief={brief_id}" if brief_id else "/videos/submit"
    return client.post(url, data=form)


def review(client, csrf_token, submission_id, decision, comment="", ticks=None):  # noqa: ANN001, ANN201
    """Post a reviewer's decision (every checklist item ticked unless ``ticks`` is given)."""
    form = {"decision": decision, "comment": comment, "csrf_token": csrf_token(client),
            **(CHECKLIST_TICKS if ticks is None else ticks)}  # fmt: skip
    return client.post(f"/videos/review/{submission_id}", data=form)
