"""Briefs: posting, the filtered list, claims within the limit (also at once), reminders."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from videos_helpers import apply, day, post_brief

from campaignkit.core import enqueue_job
from campaignkit.plugins.videos.models import Brief, BriefAsset, Claim, Producer, Submission


def _another_producer(app, organiser, make_user, login, csrf_token, rows, email):  # noqa: ANN001, ANN202
    client = app.test_client()
    login(client, make_user(email))
    apply(client, csrf_token)
    producer_id = rows(Producer)[-1].id
    form = {"decision": "approve", "csrf_token": csrf_token(organiser)}
    organiser.post(f"/videos/producers/{producer_id}/decision", data=form)
    return client


def test_an_organiser_posts_a_brief_with_its_assets(backend, organiser, csrf_token, rows):  # noqa: ANN001
    response = post_brief(organiser, csrf_token)
    assert response.status_code == 303
    [brief] = rows(Brief)
    assert (brief.format, brief.max_seconds, brief.max_claims, brief.status) == (
        "9:16", 60, 1, "open"
    )  # fmt: skip
    assets = rows(BriefAsset)
    assert [(a.label, a.url) for a in assets] == [
        ("Logo", "https://assets.example/logo.png"), ("", "https://assets.example/font")
    ]  # fmt: skip
    page = organiser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Save our library." in page and "https://assets.example/logo.png" in page


def test_a_bad_brief_is_refused_with_a_message(backend, organiser, producer, csrf_token, rows):  # noqa: ANN001
    for change, words in (
        ({"format": "4:3"}, "Choose a format"),
        ({"max_seconds": "٦٠"}, "length limit"),
        ({"deadline": "2026-02-30"}, "deadline"),
        ({"assets": "javascript:alert(1)"}, "https://"),
        ({"title": ""}, "title"),
    ):
        refused = post_brief(organiser, csrf_token, **change)
        assert refused.status_code == 400 and words in refused.get_data(as_text=True)
    assert rows(Brief) == []
    assert post_brief(producer, csrf_token).status_code == 403


def test_producers_filter_the_list_by_format_and_deadline(backend, organiser, producer, csrf_token):  # noqa: ANN001
    post_brief(organiser, csrf_token, title="Square soon", format="1:1", deadline=day(3))
    post_brief(organiser, csrf_token, title="Wide later", format="16:9", deadline=day(30))
    post_brief(organiser, csrf_token, title="Already past", format="1:1", deadline=day(-2))
    everything = producer.get("/videos/briefs").get_data(as_text=True)
    assert "Square soon" in everything and "Wide later" in everything
    assert "Already past" not in everything
    square = producer.get("/videos/briefs?format=1:1").get_data(as_text=True)
    assert "Square soon" in square and "Wide later" not in square
    soon = producer.get(f"/videos/briefs?due_by={day(7)}").get_data(as_text=True)
    assert "Square soon" in soon and "Wide later" not in soon
    assert producer.get("/videos/briefs?format=4:3").status_code == 400


def test_claims_stop_at_the_limit_and_a_release_frees_a_place(
    backend, app, organiser, producer, brief_id, make_user, login, csrf_token, rows
):  # noqa: ANN001
    other = _another_producer(app, organiser, make_user, login, csrf_token, rows, "kim@example.org")
    form = lambda client: {"csrf_token": csrf_token(client)}  # noqa: E731
    assert producer.post(f"/videos/briefs/{brief_id}/claim", data=form(producer)).status_code == 303
    other.post(f"/videos/briefs/{brief_id}/claim", data=form(other))
    page = other.get(f"/videos/briefs/{brief_id}").get_data(as_text=True)
    assert "Every place on this brief is taken" in page
    assert len(rows(Claim)) == 1 and rows(Brief)[0].claim_count == 1
    assert "Close the brief" not in page
    assert "Close the brief" in organiser.get(f"/videos/briefs/{brief_id}").get_data(as_text=True)
    producer.post(f"/videos/briefs/{brief_id}/release", data=form(producer))
    assert rows(Claim) == [] and rows(Brief)[0].claim_count == 0
    other.post(f"/videos/briefs/{brief_id}/claim", data=form(other))
    assert len(rows(Claim)) == 1 and rows(Brief)[0].claim_count == 1


def test_two_claims_at_once_never_pass_the_limit(
    backend, app, organiser, producer, brief_id, make_user, login, csrf_token, rows
):  # noqa: ANN001
    other = _another_producer(app, organiser, make_user, login, csrf_token, rows, "kim@example.org")
    clients = [(producer, csrf_token(producer)), (other, csrf_token(other))]
    start = threading.Barrier(len(clients))
    answers = []

    def claim(client, token) -> None:  # noqa: ANN001
        start.wait()
        response = client.post(f"/videos/briefs/{brief_id}/claim", data={"csrf_token": token})
        answers.append(response.status_code)

    threads = [threading.Thread(target=claim, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [303, 303]
    assert len(rows(Claim)) == 1 and rows(Brief)[0].claim_count == 1


def test_claimants_are_mailed_once_when_the_deadline_is_near(
    backend, app, organiser, producer, csrf_token, rows, mailbox, immediate_jobs, database
):  # noqa: ANN001
    post_brief(organiser, csrf_token, title="Due tomorrow", deadline=day(1))
    post_brief(organiser, csrf_token, title="Due next month", deadline=day(30), max_claims="2")
    soon, later = (b.id for b in rows(Brief))
    for brief_id in (soon, later):
        producer.post(f"/videos/briefs/{brief_id}/claim", data={"csrf_token": csrf_token(producer)})
    moment = datetime.now(UTC)
    with database.write() as session:  # an erased producer's video for the brief
        session.add(Submission(brief_id=soon, producer_id=None, title="Erased", kind="link",
                               created_at=moment, updated_at=moment))  # fmt: skip
    with app.app_context():
        enqueue_job("campaignkit.plugins.videos.reminders.remind_deadlines")
        enqueue_job("campaignkit.plugins.videos.reminders.remind_deadlines")
    [message] = mailbox.to("sam@example.org")
    assert (
        "Due tomorrow" in message.get_content()
        and f"/videos/briefs/{soon}" in message.get_content()
    )
    assert rows(Brief)[0].reminded_at is not None and rows(Brief)[1].reminded_at is None
