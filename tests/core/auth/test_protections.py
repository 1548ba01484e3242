"""CSRF, cookie flags, security headers, safe redirects and form rate limits, failing closed."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest
from flask import Blueprint, abort
from sqlalchemy import select

from campaignkit import hookimpl
from campaignkit.core import allow_form_targets, allow_framing
from campaignkit.core.auth.models import User
from campaignkit.core.auth.redirects import safe_next
from campaignkit.core.session import db_session
from campaignkit.testing import TEST_PASSWORD, free_port

REDIRECT_VECTORS = [
    "\\\\example.com",
    "/\\example.com",
    "\\/example.com",
    "////example.com",
    "/%09/example.com",
    "/\t/example.com",
    "//example.com",
    "https://example.com",
    "http:example.com",
    "javascript:alert(1)",
    "/%2F/example.com",
    "/%5Cexample.com",
    "/%252F%252Fexample.com",
    " //example.com",
]


def _stays_on_site(location: str) -> bool:
    parts = urlsplit(location)
    return (
        parts.netloc in ("", "localhost")
        and parts.scheme in ("", "http")
        and not parts.path.startswith("//")
        and "\\" not in location
        and "example.com" not in parts.netloc
    )


@pytest.mark.parametrize("vector", REDIRECT_VECTORS)
def test_safe_next_refuses_every_vector(vector):  # noqa: ANN001
    assert safe_next(vector) is None


def test_safe_next_keeps_local_paths():
    for path in ["/", "/account", "/organise/members?status=pending", "/search?q=a%20b"]:
        assert safe_next(path) == path


def test_no_redirect_vector_leaves_the_site(client, csrf_token, make_user, login):  # noqa: ANN001
    user = make_user()
    for vector in REDIRECT_VECTORS:
        form = client.get("/signin", query_string={"next": vector}).get_data(as_text=True)
        assert "example.com" not in form and "javascript" not in form, vector
        data = {
            "email": user.email,
            "password": TEST_PASSWORD,
            "next": vector,
            "csrf_token": csrf_token(client),
        }
        response = client.post("/signin", data=data)
        assert response.status_code == 302, vector
        assert _stays_on_site(response.location), (vector, response.location)
        assert urlsplit(response.location).path == "/", (vector, response.location)
        again = client.get("/signin", query_string={"next": vector})
        assert again.status_code == 302 and urlsplit(again.location).path == "/", vector
        client.post("/signout", data={"csrf_token": csrf_token(client)})
    data = {"email": user.email, "password": TEST_PASSWORD, "csrf_token": csrf_token(client)}
    response = client.post("/signin", data={**data, "next": "/account?tab=1"})
    assert response.location == "/account?tab=1"


def test_forms_without_a_csrf_token_are_refused(app, client, csrf_token, make_user, login):  # noqa: ANN001
    user = make_user("member@example.org")
    refused = client.post("/signin", data={"email": user.email, "password": TEST_PASSWORD})
    assert refused.status_code == 400
    assert "CSRF token is missing" in refused.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # still not signed in

    signup = {
        "email": "x@example.org",
        "password": TEST_PASSWORD,
        "confirm_password": TEST_PASSWORD,
        "consent": "yes",
    }
    assert client.post("/signup", data=signup).status_code == 400
    wrong = client.post("/signup", data={**signup, "csrf_token": "forged"})
    assert wrong.status_code == 400

    organiser = make_user("organiser@example.org", "organiser")
    pending = make_user("pending@example.org", approved=False)
    login(client, organiser)
    decision = {"decision": "rejected"}
    assert client.post(f"/organise/members/{pending.id}/approval", data=decision).status_code == 400
    change = {
        "current_password": TEST_PASSWORD,
        "new_password": "x" * 20,
        "confirm_password": "x" * 20,
    }
    assert client.post("/account/password", data=change).status_code == 400
    assert client.post("/signout").status_code == 400
    with app.app_context():
        users = {u.email: u for u in db_session().scalars(select(User))}
    assert set(users) == {"member@example.org", "organiser@example.org", "pending@example.org"}
    assert users["pending@example.org"].approval == "pending"
    assert users["organiser@example.org"].password_hash == organiser.password_hash
    assert client.get("/account").status_code == 200  # the refused sign-out changed nothing


LOCATE_SCRIPT = '<script src="/seats/static/marginals/locate.js" defer></script>'


def test_security_headers_and_no_inline_scripts(client, make_user, login):  # noqa: ANN001
    login(client, make_user("admin@example.org", "admin"))
    for path in ["/", "/signout", "/account", "/organise/members", "/organise/tokens"]:
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        page = response.get_data(as_text=True)
        # The one script is an external file: "use my location" on the postcode box.
        page = page.replace(LOCATE_SCRIPT, "")
        assert "<script" not in page and "style=" not in page and " on" + "click" not in page


widget = Blueprint("widget", __name__)


@widget.post("/widget/sign-in-elsewhere")
@allow_form_targets(lambda: ["https://accounts.example"])
def sign_in_elsewhere():
    """A form's answer that leads to another site (an OAuth sign-in)."""
    return "", 303, {"Location": "https://accounts.example/authorize"}


@widget.get("/widget/<int:number>")
@allow_framing
def framed(number: int):
    """A page other sites may frame (404 for numbers above 9)."""
    if number > 9:
        abort(404)
    return "widget", 200, {"Content-Security-Policy": "frame-ancestors *"}


class WidgetPlugin:
    """A plugin with one frameable page."""

    @hookimpl
    def campaignkit_blueprints(self):
        return [widget]


def test_only_views_that_allow_framing_drop_x_frame_options(make_app):  # noqa: ANN001
    client = make_app(extra_plugins=[("widget", WidgetPlugin())]).test_client()
    response = client.get("/widget/1")
    assert response.status_code == 200 and "X-Frame-Options" not in response.headers
    assert response.headers["Content-Security-Policy"] == "frame-ancestors *"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for path in ["/widget/10", "/signin", "/"]:
        assert client.get(path).headers["X-Frame-Options"] == "DENY", path


def test_only_views_that_name_form_targets_widen_form_action(make_app):  # noqa: ANN001
    app = make_app(extra_plugins=[("widget", WidgetPlugin())])
    app.config["WTF_CSRF_ENABLED"] = False
    policy = app.test_client().post("/widget/sign-in-elsewhere").headers["Content-Security-Policy"]
    assert "form-action 'self' https://accounts.example;" in policy
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    plain = app.test_client().get("/signin").headers["Content-Security-Policy"]
    assert "form-action 'self';" in plain and "accounts.example" not in plain


def test_session_cookie_flags(app):  # noqa: ANN001
    plain = app.test_client().get("/signin").headers["Set-Cookie"]
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    secure = app.test_client().get("/signin", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in secure and "HttpOnly" in secure


@pytest.mark.parametrize("server_settings", [{"trusted_proxy_hops": 1}])
def test_cookie_is_secure_behind_a_trusted_https_proxy(app):  # noqa: ANN001
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    cookie = app.test_client().get("/signin", headers=forwarded).headers["Set-Cookie"]
    assert "Secure" in cookie


@pytest.mark.parametrize(
    "accounts_settings", [{"signup_rate": "2 per hour", "reset_rate": "1/hour"}]
)
def test_public_forms_are_rate_limited(client, csrf_token):  # noqa: ANN001
    for attempt in range(3):
        data = {
            "email": f"person{attempt}@example.org",
            "password": TEST_PASSWORD,
            "confirm_password": TEST_PASSWORD,
            "consent": "yes",
            "csrf_token": csrf_token(client),
        }
        response = client.post("/signup", data=data)
        assert response.status_code == (302 if attempt < 2 else 429)
    reset = {"email": "person0@example.org", "csrf_token": csrf_token(client)}
    assert client.post("/reset", data=reset).status_code == 302
    assert client.post("/reset", data=reset).status_code == 429
    assert client.get("/signup").status_code == 200  # only posting is limited


@pytest.mark.parametrize("accounts_settings", [{"reset_rate": "1 per hour"}])
def test_rate_limits_are_shared_between_apps_through_the_instance_or_redis(
    backend,
    configure,
    csrf_token,
    make_app,  # noqa: ANN001
):
    def ask_twice() -> list[int]:
        statuses = []
        for app in (make_app(), make_app()):  # two app processes' worth of state
            client = app.test_client()
            data = {"email": "someone@example.org", "csrf_token": csrf_token(client)}
            statuses.append(client.post("/reset", data=data).status_code)
        return statuses

    assert ask_twice() == [302, 429]  # the instance's own store, shared by both
    if backend != "sqlite":
        return  # the Redis half does not depend on the database: run it once
    if not os.environ.get("CAMPAIGNKIT_TEST_REDIS_URL"):
        pytest.skip("set CAMPAIGNKIT_TEST_REDIS_URL for the Redis half")
    configure(campaign={"redis_url": os.environ["CAMPAIGNKIT_TEST_REDIS_URL"]})
    assert ask_twice() == [302, 429]


@pytest.mark.parametrize("accounts_settings", [{"reset_rate": "1 per hour"}])
def test_a_limited_form_still_works_and_is_still_limited_while_redis_is_down(
    configure,
    csrf_token,
    make_app,  # noqa: ANN001
):
    configure(campaign={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})  # nobody listens
    client = make_app().test_client()
    statuses = []
    for _ in range(2):
        data = {"email": "someone@example.org", "csrf_token": csrf_token(client)}
        statuses.append(client.post("/reset", data=data).status_code)
    assert statuses == [302, 429]  # counted in the worker's memory until Redis is back
