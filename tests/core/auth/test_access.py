"""Every route is either deliberately public or guarded, and every guard fails closed.

The walk covers the whole URL map of an app with core, the default plugins and
a test plugin that declares a permission and guards its own pages.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Blueprint, jsonify

from campaignkit import hookimpl
from campaignkit.core import (
    PluginError,
    access_rule,
    current_member_approved,
    members_only,
    require_permission,
)

#: Endpoints anyone may reach. Adding one here is a decision: say why.
PUBLIC_ENDPOINTS = {
    "core.home",
    "core.healthz",
    "core.theme_css",
    "core.static",
    # Job ids are random UUIDs handed only to whoever started the job.
    "core.job_page",
    "core.job_json",
    # Signing in, joining and recovering an account happen before anyone is signed in.
    "auth.signin",
    "auth.signout",
    "auth.signup",
    "auth.verify",
    "auth.reset_request",
    "auth.reset",
    # Campaign events are for the public: finding them, their pages and calendar files, and
    # RSVPs (guests give a name, an email and consent; members-only events 404 inside the view).
    "events.find",
    "events.detail",
    "events.rsvp",
    # Withdrawing acts only on the visitor's own RSVP (their account's, or the one this
    # browser made, named by the opaque claim kept in its signed session).
    "events.withdraw_rsvp",
    # The link mailed to whoever RSVPed: a signed token naming the event and the address.
    "events.withdraw_by_link",
    "events.ics",
    "events.feed",
    "events_api.search",
    # The API's contract and its readable page: what the public operations take and answer.
    "api_docs.openapi_json",
    "api_docs.docs",
    # Guarded inside the view: organisers ("site.metrics") or a scraper's [server] metrics_token,
    # answered 401 (not a sign-in redirect) so a scraper sees what is wrong.
    "metrics.metrics",
    "demo.public",
    # Position -> seat from the kit's public boundaries; no personal data, used before sign-in.
    "marginals_api.seat_at",
    # Postcode -> ranked seats from public results and public events; used before sign-in.
    "marginals_api.nearest",
    # The volunteer's postcode box and seat pages: public results and public events only.
    "marginals.find",
    "marginals.seat",
    "marginals.seat_map",
    "marginals.static",
    # Pledges are public: their pages, signing (name, email, postcode and consent; drafts 404
    # inside the view), the thank-you page and the signed link mailed to confirm a signature
    # (its GET shows a button; the POST, with a CSRF token, confirms).
    "pledges.index",
    "pledges.page",
    "pledges.sign_pledge",
    "pledges.thanks",
    "pledges.confirm",
    # The signed link in every mailing to signers (it names one signature and its address).
    "pledges.unsubscribe",
    # The share image and the embeddable widget show only the title and the count.
    "pledges.og_image",
    "pledges.embed",
    "pledges.image",
    # Emoji packs are public: the list, a pack's gallery (display-name credits only), the
    # images of approved art (others 404 inside the view), the share image of approved art,
    # the gallery's stylesheet, and each chat app's download (built on request, rate-limited).
    "emoji.packs",
    "emoji.pack",
    "emoji.image",
    "emoji.og_image",
    "emoji.static",
    "apps.static",
    "apps.directory",
    "apps.feed",
    "apps.image",
    "emoji.download",
    "emoji.prepare_download",
    # Blocklists are public about themselves: the lists, each list's purpose, rules and counts
    # (a private list's handles show to signed-in members only, inside the view), and the
    # appeal form for a listed person, who needs no account (rate-limited, CSRF, consent).
    "blocklists.lists",
    "blocklists.page",
    "blocklists.appeal",
    # Profile-picture frames are public: the list, a frame's page and image (retired ones 404
    # inside the view) and the photo form (rate-limited; the photo is never stored).
    "emoji.frames",
    "emoji.frame",
    "emoji.frame_image",
    "emoji.make_frame",
    # Published videos are public: the gallery and each video's page (a video not published
    # 404s inside the view). Everything else in videos needs a producer's or reviewer's role.
    "videos.gallery",
    "videos.video",
    # A published video's files (the upload, poster, preview and captions); anything not
    # published 404s inside the view unless it is the producer's own or the viewer reviews.
    "videos_media.file",
    "videos_media.poster",
    "videos_media.preview",
    "videos_media.captions",
    # tus: OPTIONS is public as the protocol says; every other method checks in the view and
    # answers 403 to anyone but a producer, 404 for someone else's upload (test_videos_tus_access).
    "videos_media.tus_collection",
    "videos_media.tus_upload",
    # Cascade links are for anyone a message reaches: codes are unguessable, opens and
    # forwards are rate-limited, drafts 404 inside the view and nodes hold no personal data.
    "cascade.open_link",
    "cascade.message",
    "cascade.forward",
    "cascade.give_seat",
    "cascade.image",
}

demo = Blueprint("demo", __name__)


@demo.get("/demo")
def public():
    """A public page of the test plugin."""
    return "hello"


@demo.route("/demo/organise", methods=["GET", "POST"])
@require_permission("demo.organise")
def organise():
    """An organiser page of the test plugin."""
    return "organised"


@demo.get("/demo/members")
@members_only
def members():
    """Members-only content of the test plugin."""
    return "members " + str(current_member_approved())


@demo.get("/api/demo")
@require_permission("demo.organise")
def api():
    """An API endpoint of the test plugin."""
    return jsonify(ok=True)


class DemoPlugin:
    """A plugin with a permission for hosts and its own pages."""

    @hookimpl
    def campaignkit_permissions(self):
        return {"demo.organise": ["host"]}

    @hookimpl
    def campaignkit_blueprints(self):
        return [demo]


def _urls(app):  # noqa: ANN001, ANN202
    """(endpoint, method, url) for every rule of the app."""
    for rule in app.url_map.iter_rules():
        url = rule.build(dict.fromkeys(rule.arguments, "1"), append_unknown=False)[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


@pytest.fixture
def demo_app(make_app):  # noqa: ANN001, ANN201
    """The app with the test plugin; CSRF off so each guard is tested on its own."""
    app = make_app(extra_plugins=[("demo", DemoPlugin())])
    app.config["WTF_CSRF_ENABLED"] = False
    return app


@pytest.mark.parametrize("accounts_settings", [{"require_approval": True}])
def test_every_route_is_public_or_guarded_and_refuses_outsiders(demo_app, make_user, login):  # noqa: ANN001
    supporter = make_user("supporter@example.org", "supporter")
    pending = make_user("pending@example.org", "organiser", approved=False)
    outsiders = {"supporter": demo_app.test_client(), "pending organiser": demo_app.test_client()}
    login(outsiders["supporter"], supporter)
    login(outsiders["pending organiser"], pending)
    anonymous = demo_app.test_client()
    guarded = 0
    for endpoint, method, url in _urls(demo_app):
        view = demo_app.view_functions[endpoint]
        rule = access_rule(view)
        if endpoint in PUBLIC_ENDPOINTS:
            assert rule is None, f"{endpoint} is listed as public but guarded"
            continue
        assert rule is not None, f"{endpoint} ({url}) is neither public nor guarded"
        guarded += 1
        response = anonymous.open(url, method=method)
        if url.startswith("/api/"):
            assert response.status_code == 401, (endpoint, method, response.status_code)
            assert response.is_json and response.json["error"]["code"] == "unauthorized"
        else:
            assert response.status_code == 302, (endpoint, method, response.status_code)
            assert urlsplit(response.location).path == "/signin", (endpoint, response.location)
        if rule.kind == "signed-in":
            continue
        for who, client in outsiders.items():
            if rule.kind == "members" and who == "supporter":
                continue  # an approved supporter is a member
            response = client.open(url, method=method)
            assert response.status_code == 403, (endpoint, method, who, response.status_code)
    assert guarded >= 12


def test_roles_holding_a_permission_get_in(demo_app, make_user, login):  # noqa: ANN001
    for email, role, status in [
        ("host@example.org", "host", 200),
        ("admin@example.org", "admin", 200),
        ("volunteer@example.org", "volunteer", 403),
        ("organiser@example.org", "organiser", 403),
    ]:
        client = demo_app.test_client()
        login(client, make_user(email, role))
        assert client.get("/demo/organise").status_code == status, role
    organiser = demo_app.test_client()
    login(organiser, "organiser@example.org")
    assert organiser.get("/organise/members").status_code == 200
    assert organiser.get("/organise/invites").status_code == 200


def test_forbidden_page_says_why(demo_app, make_user, login):  # noqa: ANN001
    client = demo_app.test_client()
    login(client, make_user("volunteer@example.org", "volunteer"))
    page = client.get("/organise/members")
    assert page.status_code == 403
    assert "Your role does not allow this" in page.get_data(as_text=True)


def test_anonymous_redirect_keeps_the_page_to_come_back_to(demo_app):  # noqa: ANN001
    response = demo_app.test_client().get("/demo/organise?tab=2")
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.location).query)["next"] == ["/demo/organise?tab=2"]


def test_a_permission_for_an_unknown_role_stops_start_up(make_app):  # noqa: ANN001
    class Broken:
        @hookimpl
        def campaignkit_permissions(self):
            return {"broken.thing": ["wizard"]}

    with pytest.raises(PluginError, match="plugin 'broken'.*unknown roles wizard"):
        make_app(extra_plugins=[("broken", Broken())])
