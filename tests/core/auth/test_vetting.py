"""Member vetting: approval before members-only content, and invitation links that skip it."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import Blueprint
from sqlalchemy import select

from campaignkit import hookimpl
from campaignkit.core import current_member_approved, members_only
from campaignkit.core.auth.models import Invite, User, utcnow
from campaignkit.core.session import db_session, write_session
from campaignkit.testing import TEST_PASSWORD

club = Blueprint("club", __name__)


@club.get("/club")
@members_only
def inside():
    """Members-only content."""
    return f"welcome, approved={current_member_approved()}"


class ClubPlugin:
    """A plugin with members-only content."""

    @hookimpl
    def campaignkit_blueprints(self):
        return [club]


@pytest.fixture
def club_app(make_app):  # noqa: ANN001, ANN201
    """The app with the members-only test page."""
    return make_app(extra_plugins=[("club", ClubPlugin())])


def _join(client, csrf_token, email: str, path: str = "/signup"):  # noqa: ANN001, ANN202
    data = {
        "email": email,
        "password": TEST_PASSWORD,
        "confirm_password": TEST_PASSWORD,
        "consent": "yes",
        "csrf_token": csrf_token(client),
    }
    return client.post(path, data=data)


def _approval(app, email: str) -> str | None:  # noqa: ANN001
    with app.app_context():
        user = db_session().scalar(select(User).where(User.email == email))
        return user.approval if user else None


@pytest.mark.parametrize("accounts_settings", [{"require_approval": True}])
def test_new_member_waits_for_an_organiser(club_app, csrf_token, login, make_user):  # noqa: ANN001
    newcomer = club_app.test_client()
    assert _join(newcomer, csrf_token, "new@example.org").status_code == 302
    assert _approval(club_app, "new@example.org") == "pending"
    login(newcomer, "new@example.org")
    refused = newcomer.get("/club")
    assert refused.status_code == 403
    assert "not approved your membership yet" in refused.get_data(as_text=True)

    organiser = club_app.test_client()
    login(organiser, make_user("organiser@example.org", "organiser"))
    listing = organiser.get("/organise/members?status=pending").get_data(as_text=True)
    assert "new@example.org" in listing and "organiser@example.org" not in listing
    with club_app.app_context():
        user_id = db_session().scalar(select(User.id).where(User.email == "new@example.org"))
    decide = {"decision": "approved", "csrf_token": csrf_token(organiser)}
    assert organiser.post(f"/organise/members/{user_id}/approval", data=decide).status_code == 302
    assert _approval(club_app, "new@example.org") == "approved"
    assert newcomer.get("/club").get_data(as_text=True) == "welcome, approved=True"

    reject = {"decision": "rejected", "csrf_token": csrf_token(organiser)}
    organiser.post(f"/organise/members/{user_id}/approval", data=reject)
    assert newcomer.get("/club").status_code == 403
    bogus = {"decision": "promote", "csrf_token": csrf_token(organiser)}
    assert organiser.post(f"/organise/members/{user_id}/approval", data=bogus).status_code == 400
    assert _approval(club_app, "new@example.org") == "rejected"


def test_without_required_approval_members_get_in_at_once(club_app, csrf_token, login):  # noqa: ANN001
    client = club_app.test_client()
    assert client.get("/club").status_code == 302
    _join(client, csrf_token, "new@example.org")
    login(client, "new@example.org")
    assert client.get("/club").status_code == 200


@pytest.mark.parametrize("accounts_settings", [{"require_approval": True, "allow_signup": False}])
def test_invitation_links_skip_approval_until_used_up_or_expired(
    club_app, csrf_token, login, make_user
):  # noqa: ANN001
    organiser = club_app.test_client()
    login(organiser, make_user("organiser@example.org", "organiser"))
    page = organiser.post(
        "/organise/invites",
        data={
            "note": "street stall",
            "max_uses": "2",
            "days": "7",
            "csrf_token": csrf_token(organiser),
        },
    ).get_data(as_text=True)
    link = next(part for part in page.split('"') if "/join/inv_" in part)
    path = urlsplit(link).path
    with club_app.app_context():
        stored = db_session().scalars(select(Invite)).one()
        assert stored.token_hash not in page and path.rsplit("/", 1)[1] not in stored.token_hash

    visitor = club_app.test_client()
    assert visitor.get("/signup").status_code == 403  # invitation only
    for email in ["one@example.org", "two@example.org"]:
        joiner = club_app.test_client()
        assert joiner.get(path).status_code == 200
        assert _join(joiner, csrf_token, email, path).status_code == 302
        assert _approval(club_app, email) == "approved"
        login(joiner, email)
        assert joiner.get("/club").status_code == 200
    late = club_app.test_client()
    assert late.get(path).status_code == 410
    assert _join(late, csrf_token, "three@example.org", path).status_code == 410
    assert _approval(club_app, "three@example.org") is None

    with club_app.app_context(), write_session() as session:
        invite = session.scalars(select(Invite)).one()
        invite.max_uses = 5
        invite.expires_at = utcnow() - timedelta(minutes=1)
    assert "expired" in late.get(path).get_data(as_text=True)
    assert late.get("/join/inv_not-a-real-token").status_code == 410


@pytest.mark.parametrize("accounts_settings", [{"require_approval": True}])
def test_withdrawn_invitation_stops_working(club_app, csrf_token, login, make_user):  # noqa: ANN001
    organiser = club_app.test_client()
    login(organiser, make_user("organiser@example.org", "organiser"))
    page = organiser.post(
        "/organise/invites",
        data={"max_uses": "5", "days": "1", "csrf_token": csrf_token(organiser)},
    ).get_data(as_text=True)
    path = urlsplit(next(part for part in page.split('"') if "/join/inv_" in part)).path
    with club_app.app_context():
        invite_id = db_session().scalar(select(Invite.id))
    organiser.post(
        f"/organise/invites/{invite_id}/revoke", data={"csrf_token": csrf_token(organiser)}
    )
    assert club_app.test_client().get(path).status_code == 410


def test_organisers_cannot_reject_staff_accounts(app, csrf_token, login, make_user):  # noqa: ANN001
    admin = make_user("admin@example.org", "admin")
    organiser = app.test_client()
    login(organiser, make_user("organiser@example.org", "organiser"))
    data = {"decision": "rejected", "csrf_token": csrf_token(organiser)}
    refused = organiser.post(f"/organise/members/{admin.id}/approval", data=data)
    assert refused.status_code == 403
    assert _approval(app, "admin@example.org") == "approved"


def test_only_admins_set_roles_on_the_members_page(app, csrf_token, login, make_user):  # noqa: ANN001
    member = make_user("member@example.org")
    organiser, admin = app.test_client(), app.test_client()
    login(organiser, make_user("organiser@example.org", "organiser"))
    login(admin, make_user("admin@example.org", "admin"))
    path = f"/organise/members/{member.id}/role"
    assert "Set role" not in organiser.get("/organise/members").get_data(as_text=True)
    assert (
        organiser.post(path, data={"role": "host", "csrf_token": csrf_token(organiser)}).status_code
        == 403
    )
    assert (
        admin.post(path, data={"role": "emperor", "csrf_token": csrf_token(admin)}).status_code
        == 400
    )
    assert (
        admin.post(path, data={"role": "host", "csrf_token": csrf_token(admin)}).status_code == 302
    )
    with app.app_context():
        assert db_session().get(User, member.id).role == "host"
