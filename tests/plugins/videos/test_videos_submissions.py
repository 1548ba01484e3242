"""Link submissions through the producer's form, and the "my videos" page."""

from __future__ import annotations

import pytest
from videos_helpers import submit_link

from campaignkit.core import write_session
from campaignkit.plugins.videos.models import StateChange, Submission
from campaignkit.plugins.videos.submissions import SubmissionRefused, create_submission


def test_a_producer_sends_a_link_for_a_claimed_brief(backend, producer, brief_id, csrf_token, rows):  # noqa: ANN001
    refused = submit_link(producer, csrf_token, brief_id)
    assert refused.status_code == 400 and "Claim the brief" in refused.get_data(as_text=True)
    producer.post(f"/videos/briefs/{brief_id}/claim", data={"csrf_token": csrf_token(producer)})
    assert submit_link(producer, csrf_token, brief_id).status_code == 303
    [row] = rows(Submission)
    assert (row.kind, row.link_url, row.state, row.media_status, row.brief_id) == (
        "link", "https://vimeo.com/123456", "submitted", "pending", brief_id
    )  # fmt: skip
    [change] = rows(StateChange)
    assert (change.from_state, change.to_state, change.by_id) == (
        None,
        "submitted",
        row.producer_id,
    )


def test_my_videos_shows_the_review_and_processing_state(backend, app, producer, csrf_token, rows):  # noqa: ANN001
    submit_link(producer, csrf_token)  # an open video, for no brief
    with app.app_context(), write_session() as session:
        row = session.get(Submission, rows(Submission)[0].id)
        row.media_status, row.media_error = (
            "failed",
            "The video is 3 minutes long; the brief allows 60 s.",
        )
    page = producer.get("/videos/mine").get_data(as_text=True)
    assert "Our library" in page and "submitted" in page and "failed" in page
    assert "the brief allows 60 s." in page


def test_bad_links_and_non_producers_are_refused(
    backend, app, producer, make_user, login, csrf_token, rows
):  # noqa: ANN001
    for url in ("http://vimeo.com/1", "javascript:alert(1)", "https://", "https://a b.example/"):
        refused = submit_link(producer, csrf_token, link_url=url)
        assert refused.status_code == 400 and "https://" in refused.get_data(as_text=True)
    assert submit_link(producer, csrf_token, title="").status_code == 400
    assert producer.get("/videos/submit?brief=99999").status_code == 404
    assert producer.get("/videos/submit?brief=abc").status_code == 400
    supporter = app.test_client()
    login(supporter, make_user("joe@example.org"))
    assert submit_link(supporter, csrf_token).status_code == 403
    assert rows(Submission) == []


def test_create_submission_refuses_someone_who_is_not_a_producer(backend, app, make_user):  # noqa: ANN001
    user = make_user("joe@example.org")
    refused = pytest.raises(SubmissionRefused, match="approved producers")
    with app.app_context(), write_session() as session, refused:
        create_submission(session, producer_id=user.id, brief_id=None, title="A film",
                          description="", kind="upload")  # fmt: skip
