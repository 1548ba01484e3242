"""Organiser pages: creating a pledge, the dashboard, CSV export (permission, logged), closing."""

from __future__ import annotations

import pytest
from pledges_helpers import sign_form

from campaignkit.core.privacy.models import ExportRecord
from campaignkit.plugins.pledges.models import Pledge


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

    closing = {"status": "closed", "csrf_token": csrf_token(client)}
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
