"""Producers: applying with the agreement's consent recorded, and organisers deciding."""

from __future__ import annotations

from sqlalchemy import select
from videos_helpers import apply

from campaignkit.core import ConsentRecord
from campaignkit.plugins.videos.models import Producer
from campaignkit.plugins.videos.producers import AGREEMENT_PURPOSE, AGREEMENT_WORDING


def _role(database, email: str) -> str:  # noqa: ANN001
    from campaignkit.core.auth.models import User

    with database.new_session() as session:
        return session.scalar(select(User.role).where(User.email == email))


def test_an_application_records_the_agreement_and_approval_gives_the_producer_role(
    backend, app, make_user, login, csrf_token, organiser, rows, database
):  # noqa: ANN001
    client = app.test_client()
    login(client, make_user("sam@example.org", role="supporter"))
    assert client.get("/videos/briefs").status_code == 403
    assert apply(client, csrf_token).status_code == 303
    [row] = rows(Producer)
    assert (row.status, row.credit_name, row.portfolio_url) == (
        "pending", "Sam Films", "https://films.example/sam"
    )  # fmt: skip
    [consent] = rows(ConsentRecord, purpose=AGREEMENT_PURPOSE)
    assert consent.wording == AGREEMENT_WORDING and consent.id == row.consent_id
    assert "sam@example.org" in organiser.get("/videos/producers").get_data(as_text=True)
    form = {"decision": "approve", "csrf_token": csrf_token(organiser)}
    assert organiser.post(f"/videos/producers/{row.id}/decision", data=form).status_code == 303
    assert _role(database, "sam@example.org") == "producer"
    assert rows(Producer)[0].status == "approved"
    assert client.get("/videos/briefs").status_code == 200
    form = {"decision": "revoke", "csrf_token": csrf_token(organiser)}
    assert organiser.post(f"/videos/producers/{row.id}/decision", data=form).status_code == 303
    assert _role(database, "sam@example.org") == "supporter"
    assert client.get("/videos/briefs").status_code == 403


def test_an_application_without_the_agreement_or_with_a_bad_link_is_refused(
    backend, app, make_user, login, csrf_token, rows
):  # noqa: ANN001
    client = app.test_client()
    login(client, make_user("sam@example.org"))
    refused = apply(client, csrf_token, agree="")
    assert refused.status_code == 400 and "producer agreement" in refused.get_data(as_text=True)
    refused = apply(client, csrf_token, portfolio_url="javascript:alert(1)")
    assert refused.status_code == 400 and "https://" in refused.get_data(as_text=True)
    assert rows(Producer) == [] and rows(ConsentRecord, purpose=AGREEMENT_PURPOSE) == []


def test_only_those_who_approve_members_decide_on_producers(
    backend, app, make_user, login, csrf_token, rows
):  # noqa: ANN001
    client = app.test_client()
    login(client, make_user("sam@example.org"))
    apply(client, csrf_token)
    producer_id = rows(Producer)[0].id
    form = {"decision": "approve", "csrf_token": csrf_token(client)}
    assert client.post(f"/videos/producers/{producer_id}/decision", data=form).status_code == 403
    assert client.get("/videos/producers").status_code == 403
    assert rows(Producer)[0].status == "pending"
    assert app.test_client().get("/videos/apply").status_code == 302  # to sign in
