"""Organiser pages: creating and editing a pledge, the dashboard, CSV export (logged), closing."""

from __future__ import annotations

import io

import pytest
from pledges_helpers import png, sign_form

from campaignkit.core.privacy.models import ExportRecord
from campaignkit.plugins.pledges.models import Pledge, Signature


@pytest.fixture
def pledge_settings() -> dict:  # noqa: D103 - overrides the conftest fixture
    return {"double_opt_in": False}


def test_organiser_creates_watches_exports_and_closes(
    app,
    client,
    make_user,
    login,
    csrf_token,
    rows,  # noqa: ANN001
):
    login(client, make_user("org@example.org", role="organiser"))
    form = {
        "title": "Buses for all", "slug": "buses", "text": "I will ride.", "goal": "3",
        "threshold": "2", "status": "open", "csrf_token": csrf_token(client),
    }  # fmt: skip
    created = client.post("/organise/pledges", data=form)
    assert created.status_code == 303
    duplicate = client.post("/organise/pledges", data={**form, "csrf_token": csrf_token(client)})
    assert duplicate.status_code == 400 and "already" in duplicate.get_data(as_text=True)
    signer = app.test_client()
    for email in ("a@example.org", "b@example.org"):
        data = {**sign_form(email=email), "csrf_token": csrf_token(signer)}
        assert signer.post("/pledges/buses/sign", data=data).status_code == 303
    dashboard = client.get(created.location).get_data(as_text=True)
    assert "<svg" in dashboard and "Cities of London and Westminster</td><td>2" in dashboard
    assert "threshold of 2 signatures was reached" in dashboard

    export = client.get(created.location + "/signatures.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert export.get_data(as_text=True).count("@example.org") == 2
    (logged,) = rows(ExportRecord)
    assert logged.rows == 2 and "buses" in logged.what

    assert 'class="card danger-zone"' in dashboard and 'name="confirm"' in dashboard
    unconfirmed = {"status": "closed", "csrf_token": csrf_token(client)}
    refused = client.post(created.location + "/status", data=unconfirmed)
    assert refused.status_code == 303 and rows(Pledge)[0].status == "open"
    assert "Tick the box to confirm" in client.get(refused.location).get_data(as_text=True)
    closing = {**unconfirmed, "confirm": "yes"}
    assert client.post(created.location + "/status", data=closing).status_code == 303
    assert rows(Pledge)[0].status == "closed"
    late = {**sign_form(email="c@example.org"), "csrf_token": csrf_token(signer)}
    assert signer.post("/pledges/buses/sign", data=late).status_code == 400


def test_export_needs_the_permission(app, client, make_user, login, add_pledge, rows):  # noqa: ANN001
    pledge = add_pledge()
    login(client, make_user("vol@example.org", role="volunteer"))
    assert client.get(f"/organise/pledges/{pledge.id}/signatures.csv").status_code == 403
    assert client.get("/organise/pledges").status_code == 403
    assert app.test_client().get(f"/organise/pledges/{pledge.id}/signatures.csv").status_code == 302
    assert rows(ExportRecord) == []


def test_organiser_edits_an_open_pledge_and_its_signatures_stay(
    app,
    client,
    make_user,
    login,
    csrf_token,
    add_pledge,
    rows,  # noqa: ANN001
):
    pledge = add_pledge(threshold=5)
    signer = app.test_client()
    for email in ("a@example.org", "b@example.org"):
        data = {**sign_form(email=email), "csrf_token": csrf_token(signer)}
        assert signer.post("/pledges/save-the-library/sign", data=data).status_code == 303
    login(client, make_user("org@example.org", role="organiser"))
    url = f"/organise/pledges/{pledge.id}/edit"
    assert url in client.get(f"/organise/pledges/{pledge.id}").get_data(as_text=True)
    shown = client.get(url).get_data(as_text=True)
    assert 'value="Save the library"' in shown and 'name="slug"' not in shown  # open: fixed
    edit = {
        "title": "Save our library", "text": "I will read there.", "goal": "50", "threshold": "2",
        "deadline": "2030-01-31", "share_text": "Sign now", "slug": "moved",
        "csrf_token": csrf_token(client),
    }  # fmt: skip
    image = (io.BytesIO(png()), "library.png")
    saved = client.post(url, data={**edit, "image": image}, content_type="multipart/form-data")
    assert saved.status_code == 303
    (stored,) = rows(Pledge)
    assert (stored.slug, stored.title, stored.text, stored.goal, stored.threshold) == (
        "save-the-library", "Save our library", "I will read there.", 50, 2
    )  # fmt: skip
    assert stored.share_text == "Sign now" and stored.deadline.date().isoformat() == "2030-01-31"
    assert stored.signed_count == 2 and stored.threshold_reached_at is not None
    assert len(rows(Signature, pledge_id=pledge.id)) == 2
    page = client.get("/pledges/save-the-library").get_data(as_text=True)
    assert "Save our library" in page and "<strong>2</strong> signed · goal 50" in page
    assert "The threshold of 2 has been reached" in page and 'class="pledge-image"' in page

    bad = client.post(
        url, data={**edit, "goal": "0", "title": "Typed", "csrf_token": csrf_token(client)}
    )
    assert bad.status_code == 400
    assert "from 1 to" in bad.get_data(as_text=True) and 'value="Typed"' in bad.get_data(
        as_text=True
    )
    raised = client.post(url, data={**edit, "threshold": "9", "csrf_token": csrf_token(client)})
    assert raised.status_code == 303
    (stored,) = rows(Pledge)
    assert (stored.title, stored.goal, stored.signed_count) == ("Save our library", 50, 2)
    assert stored.threshold_reached_at is None  # 2 signed: a threshold of 9 is not reached


def test_a_draft_may_change_its_address_and_supporters_may_not_edit(
    app,
    client,
    make_user,
    login,
    csrf_token,
    add_pledge,
    rows,  # noqa: ANN001
):
    draft = add_pledge(slug="draft", status="draft")
    url = f"/organise/pledges/{draft.id}/edit"
    edit = {"title": "Trees", "slug": "trees", "text": "I will plant.", "goal": "5"}
    supporter = app.test_client()
    login(supporter, make_user("sup@example.org", role="supporter"))
    assert supporter.get(url).status_code == 403
    assert (
        supporter.post(url, data={**edit, "csrf_token": csrf_token(supporter)}).status_code == 403
    )
    assert app.test_client().get(url).status_code == 302
    assert rows(Pledge)[0].slug == "draft"
    login(client, make_user("org@example.org", role="organiser"))
    assert 'name="slug"' in client.get(url).get_data(as_text=True)
    assert client.post(url, data={**edit, "csrf_token": csrf_token(client)}).status_code == 303
    assert [(p.slug, p.title, p.status) for p in rows(Pledge)] == [("trees", "Trees", "draft")]
    assert client.post(url, data=edit).status_code == 400  # no CSRF token
