"""Submitting an app: signed in, CSRF, checked links (no javascript:, data: or private addresses),
rate limited, pictures re-encoded; then reviewed by organisers with the reason mailed."""

from __future__ import annotations

import io

import pytest
from apps_helpers import PUBLIC_LINK
from PIL import Image

from campaignkit.plugins.apps.models import APPROVED, PENDING, REJECTED, App

BAD_SUBMISSIONS = [
    ({"url": "javascript:alert(1)"}, "full https:// address"),
    ({"url": "data:text/html,<script>alert(1)</script>"}, "full https:// address"),
    ({"url": "http://151.101.1.69/"}, "must be reached over https"),
    ({"url": "https://127.0.0.1:5000/admin"}, "private or reserved address"),
    ({"url": "https://10.0.0.7/"}, "private or reserved address"),
    ({"url": "https://[::ffff:192.168.1.1]/"}, "private or reserved address"),
    ({"url": "https://user:pw@151.101.1.69/"}, "no user name or password"),
    ({"title": ""}, "app&#39;s name"),
    ({"categories": []}, "at least one category"),
    ({"categories": ["poker"]}, "no category called poker"),
    ({"image_url": "javascript:alert(1)"}, "picture&#39;s address"),
]


@pytest.mark.parametrize("apps_settings", [{"submit_rate": "100 per hour"}])
def test_a_bad_submission_is_refused_naming_the_problem(submit, rows):  # noqa: ANN001
    for fields, message in BAD_SUBMISSIONS:
        response = submit(**fields)
        assert response.status_code == 400 and message in response.text, fields
    assert rows(App) == []


def test_a_submission_needs_sign_in_and_the_csrf_token(app, supporter, rows):  # noqa: ANN001
    form = {"title": "X", "url": PUBLIC_LINK, "categories": "games"}
    anonymous = app.test_client().get("/apps/submit")
    assert anonymous.status_code in (302, 303, 401) and "/signin" in anonymous.location
    assert supporter.post("/apps/submit", data=form).status_code == 400 and rows(App) == []


def test_a_submission_waits_for_review_and_a_second_of_the_same_link_is_refused(
    client, submit, rows
):  # noqa: ANN001
    made = submit()
    assert made.status_code == 303 and made.location.endswith("/apps")
    (app_row,) = rows(App)
    assert (app_row.status, app_row.categories, app_row.submitted_by) == (PENDING, "phonebank", 1)
    assert "Phone buddy" not in client.get("/apps").text
    again = submit(title="Copy")
    assert again.status_code == 400 and "already" in again.text and len(rows(App)) == 1


@pytest.mark.parametrize("apps_settings", [{"submit_rate": "2 per hour"}])
def test_submissions_are_rate_limited_per_person(submit, rows):  # noqa: ANN001
    assert submit(url=PUBLIC_LINK + "1").status_code == 303
    assert submit(url=PUBLIC_LINK + "2").status_code == 303
    assert submit(url=PUBLIC_LINK + "3").status_code == 429
    assert len(rows(App)) == 2


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 16, 46)).save(out, "PNG")
    return out.getvalue()


def test_an_uploaded_picture_is_re_encoded_and_a_fake_one_refused(  # noqa: PLR0913
    app, supporter, organiser, csrf_token, rows
):  # noqa: ANN001
    form = {"title": "Pic", "url": PUBLIC_LINK, "categories": "games"}
    fake = {**form, "csrf_token": csrf_token(supporter),
            "image": (io.BytesIO(b"<svg onload=alert(1)>"), "x.png")}  # fmt: skip
    refused = supporter.post("/apps/submit", data=fake, content_type="multipart/form-data")
    assert refused.status_code == 400 and "not a picture" in refused.text and rows(App) == []
    good = {**form, "csrf_token": csrf_token(supporter), "image": (io.BytesIO(_png()), "a.png")}
    assert (
        supporter.post("/apps/submit", data=good, content_type="multipart/form-data").status_code
        == 303
    )
    (row,) = rows(App)
    assert app.test_client().get(f"/apps/{row.id}/image.jpg").status_code == 404  # not yet listed
    organiser.post(f"/organise/apps/{row.id}/review",
                   data={"action": "approve", "csrf_token": csrf_token(organiser)})  # fmt: skip
    picture = app.test_client().get(f"/apps/{row.id}/image.jpg")
    assert picture.status_code == 200 and picture.data[:3] == b"\xff\xd8\xff"
    assert f"/apps/{row.id}/image.jpg" in app.test_client().get("/apps").text


def test_an_organiser_approves_and_rejects_with_the_reason_mailed(  # noqa: PLR0913
    client, submit, organiser, csrf_token, rows, mailbox
):  # noqa: ANN001
    submit()
    submit(url=PUBLIC_LINK + "/other", title="Spam app")
    first, second = rows(App)
    queue = organiser.get("/organise/apps").text
    assert "Phone buddy" in queue and "Spam app" in queue
    no_reason = {"action": "reject", "reason": " ", "csrf_token": csrf_token(organiser)}
    organiser.post(f"/organise/apps/{second.id}/review", data=no_reason)
    assert rows(App, id=second.id)[0].status == PENDING
    reject = {"action": "reject", "reason": "Not about the campaign.",
              "csrf_token": csrf_token(organiser)}  # fmt: skip
    rejected = organiser.post(f"/organise/apps/{second.id}/review", data=reject)
    assert "Spam app: rejected." in organiser.get(rejected.location).text
    approve = {"action": "approve", "csrf_token": csrf_token(organiser)}
    assert organiser.post(f"/organise/apps/{first.id}/review", data=approve).status_code == 303
    assert [r.status for r in rows(App)] == [APPROVED, REJECTED]
    mails = mailbox.to("sam@example.org")
    assert any("Not about the campaign." in m.get_content() for m in mails)
    assert any("is now listed" in m.get_content() for m in mails)
    page = client.get("/apps").text
    assert "Phone buddy" in page and "Spam app" not in page


def test_only_reviewers_reach_the_review_pages(supporter, submit, csrf_token, rows):  # noqa: ANN001
    submit()
    (row,) = rows(App)
    assert supporter.get("/organise/apps").status_code == 403
    approve = {"action": "approve", "csrf_token": csrf_token(supporter)}
    assert supporter.post(f"/organise/apps/{row.id}/review", data=approve).status_code == 403
    assert rows(App)[0].status == PENDING
