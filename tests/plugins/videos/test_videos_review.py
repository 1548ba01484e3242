"""The review queue: the checklist, decisions mailed to the producer, the log, two reviewers."""

from __future__ import annotations

import threading

import pytest
from videos_helpers import apply, review, submit_link

from campaignkit.plugins.videos.models import Producer, Review, StateChange, Submission


@pytest.fixture
def submission_id(producer, csrf_token, rows) -> int:  # noqa: ANN001
    """An open link video sam@example.org has sent."""
    assert submit_link(producer, csrf_token).status_code == 303
    return rows(Submission)[-1].id


def _state(rows, submission_id: int) -> str:  # noqa: ANN001
    return rows(Submission, id=submission_id)[0].state


def test_approval_needs_the_whole_checklist_and_every_step_is_logged(
    backend, organiser, producer, submission_id, csrf_token, rows, make_user
):  # noqa: ANN001
    assert producer.get("/videos/review").status_code == 403
    assert "Our library" in organiser.get("/videos/review").get_data(as_text=True)
    organiser.post(
        f"/videos/review/{submission_id}/start", data={"csrf_token": csrf_token(organiser)}
    )
    assert _state(rows, submission_id) == "in_review"
    ticks = {"message_fits": "yes", "no_copyrighted_music": "yes", "consent_of_people": "yes",
             "captions_present": "yes"}  # fmt: skip
    review(organiser, csrf_token, submission_id, "approve", ticks=ticks)
    assert _state(rows, submission_id) == "in_review" and rows(Review) == []
    page = organiser.get(f"/videos/review/{submission_id}").get_data(as_text=True)
    assert "Tick every item of the checklist" in page
    review(organiser, csrf_token, submission_id, "approve")
    assert _state(rows, submission_id) == "approved"
    organiser_id = rows(Review)[0].reviewer_id
    steps = [(c.from_state, c.to_state, c.by_id) for c in rows(StateChange)]
    producer_id = rows(Submission)[0].producer_id
    assert steps == [
        (None, "submitted", producer_id),
        ("submitted", "in_review", organiser_id),
        ("in_review", "approved", organiser_id),
    ]
    assert all(c.created_at is not None for c in rows(StateChange))


def test_changes_are_mailed_to_the_producer_who_sends_the_video_back(
    backend, organiser, producer, submission_id, csrf_token, rows, mailbox
):  # noqa: ANN001
    review(organiser, csrf_token, submission_id, "changes", ticks={})
    assert _state(rows, submission_id) == "submitted"  # a comment is needed
    review(organiser, csrf_token, submission_id, "changes", "Please add captions.", ticks={})
    assert _state(rows, submission_id) == "changes_requested"
    [message] = mailbox.to("sam@example.org")
    assert "Please add captions." in message.get_content()
    assert "Please add captions." in producer.get("/videos/mine").get_data(as_text=True)
    form = {"link_url": "https://vimeo.com/654321", "csrf_token": csrf_token(producer)}
    producer.post(f"/videos/mine/{submission_id}/resubmit", data=form)
    row = rows(Submission)[0]
    assert (row.state, row.link_url) == ("submitted", "https://vimeo.com/654321")
    review(organiser, csrf_token, submission_id, "reject", "Not for this campaign.")
    assert _state(rows, submission_id) == "rejected"
    assert "Not for this campaign." in mailbox.to("sam@example.org")[-1].get_content()


@pytest.mark.parametrize("videos_settings", [{"reviewers_required": 2}])
def test_two_reviewers_must_approve_before_publishing(
    backend, app, organiser, submission_id, csrf_token, rows, make_user, login
):  # noqa: ANN001
    review(organiser, csrf_token, submission_id, "approve")
    review(organiser, csrf_token, submission_id, "approve")  # the same reviewer twice
    assert _state(rows, submission_id) == "in_review"
    publish = {"csrf_token": csrf_token(organiser)}
    organiser.post(f"/videos/review/{submission_id}/publish", data=publish)
    assert _state(rows, submission_id) == "in_review"
    moderator = app.test_client()
    login(moderator, make_user("mod@example.org", role="moderator"))
    review(moderator, csrf_token, submission_id, "approve")
    assert _state(rows, submission_id) == "approved"
    refused = {"csrf_token": csrf_token(moderator)}
    assert (
        moderator.post(f"/videos/review/{submission_id}/publish", data=refused).status_code == 403
    )
    organiser.post(f"/videos/review/{submission_id}/publish", data=publish)
    assert _state(rows, submission_id) == "published"


def test_only_publishers_are_offered_publishing_and_takedown(
    backend, app, organiser, submission_id, csrf_token, make_user, login
):  # noqa: ANN001
    review(organiser, csrf_token, submission_id, "approve")
    moderator = app.test_client()
    login(moderator, make_user("mod@example.org", role="moderator"))
    page = moderator.get(f"/videos/review/{submission_id}").get_data(as_text=True)
    assert "Your review" in page  # a reviewer may still review
    assert "Publish to the gallery" not in page and "Take down" not in page
    page = organiser.get(f"/videos/review/{submission_id}").get_data(as_text=True)
    assert "Publish to the gallery" in page and "Take down" in page


def test_changes_make_earlier_approvals_stale(
    backend, app, organiser, producer, submission_id, csrf_token, rows
):  # noqa: ANN001
    review(organiser, csrf_token, submission_id, "approve")
    review(organiser, csrf_token, submission_id, "changes", "Shorter, please.")
    assert [r.current for r in rows(Review)] == [False, False]
    producer.post(
        f"/videos/mine/{submission_id}/resubmit", data={"csrf_token": csrf_token(producer)}
    )
    organiser.post(
        f"/videos/review/{submission_id}/publish", data={"csrf_token": csrf_token(organiser)}
    )
    assert _state(rows, submission_id) == "submitted"


@pytest.mark.parametrize("videos_settings", [{"reviewers_required": 2}])
def test_two_approvals_at_once_both_count(
    backend, app, organiser, submission_id, csrf_token, rows, make_user, login
):  # noqa: ANN001
    moderator = app.test_client()
    login(moderator, make_user("mod@example.org", role="moderator"))
    tokens = [(organiser, csrf_token(organiser)), (moderator, csrf_token(moderator))]
    start = threading.Barrier(len(tokens))

    def approve(client, token) -> None:  # noqa: ANN001
        start.wait()
        review(client, lambda _client: token, submission_id, "approve")

    threads = [threading.Thread(target=approve, args=pair) for pair in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(rows(Review)) == 2 and _state(rows, submission_id) == "approved"


def test_nobody_reviews_their_own_video(backend, organiser, csrf_token, rows):  # noqa: ANN001
    apply(organiser, csrf_token)
    form = {"decision": "approve", "csrf_token": csrf_token(organiser)}
    organiser.post(f"/videos/producers/{rows(Producer)[0].id}/decision", data=form)
    submit_link(organiser, csrf_token)
    [own] = rows(Submission)
    review(organiser, csrf_token, own.id, "approve")
    assert _state(rows, own.id) == "submitted" and rows(Review) == []
