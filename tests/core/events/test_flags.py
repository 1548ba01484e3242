"""Feature flags: stable percentage rollout, roles, allowlists, the CLI, the admin page, guards."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, render_template_string

from campaignkit import hookimpl
from campaignkit.core import flag_enabled, flag_required
from campaignkit.core.flags import Flag, bucket, flag_on_for


def _user(user_id: int, role: str = "supporter", email: str = "") -> SimpleNamespace:
    return SimpleNamespace(
        id=user_id, role=role, email=email or f"u{user_id}@example.org", is_authenticated=True
    )


def test_percentage_rollout_is_stable_and_grows_by_adding_people():
    flag = Flag(name="new-map", enabled=True, percentage=10, roles="", users="")
    people = [_user(n) for n in range(2000)]
    at_10 = {p.id for p in people if flag_on_for(flag, p)}
    assert 150 <= len(at_10) <= 250
    assert at_10 == {p.id for p in people if flag_on_for(flag, p)}  # the same every time
    flag.percentage = 30
    at_30 = {p.id for p in people if flag_on_for(flag, p)}
    assert at_10 < at_30 and 500 <= len(at_30) <= 700
    assert bucket("new-map", 7) != bucket("other-flag", 7) or bucket("x", 8) != bucket("y", 8)
    flag.percentage, flag.roles, flag.users = 0, "organiser", "Friend@Example.org"
    assert flag_on_for(flag, _user(1, "organiser")) and flag_on_for(
        flag, _user(2, email="friend@example.org")
    )
    assert not flag_on_for(flag, _user(3)) and not flag_on_for(flag, SimpleNamespace())
    flag.enabled = False
    assert not flag_on_for(flag, _user(1, "organiser"))


def test_cli_admin_page_and_guards(make_app, cli, make_user, login, csrf_token):  # noqa: ANN001
    beta = Blueprint("beta", __name__)

    @beta.get("/beta")
    @flag_required("beta-page")
    def page():
        return render_template_string("{% if flag_enabled('beta-page') %}new{% endif %} page")

    class BetaPlugin:
        @hookimpl
        def campaignkit_blueprints(self):
            return [beta]

    app = make_app(extra_plugins=[("beta", BetaPlugin())])
    client = app.test_client()
    assert client.get("/beta").status_code == 404
    result = cli("flags", "set", "beta-page", "--roles", "organiser", "--description", "Beta")
    assert result.exit_code == 0, result.output
    assert "beta-page" in cli("flags", "list").output
    assert cli("flags", "set", "beta-page", "--percent", "140").exit_code == 1
    assert cli("flags", "set", "beta-page", "--roles", "wizard").exit_code == 1
    login(client, make_user("organiser@example.org", "organiser"))
    assert client.get("/beta").get_data(as_text=True) == "new page"
    assert client.get("/organise/flags").status_code == 403  # admins only

    admin = app.test_client()
    login(admin, make_user("admin@example.org", "admin"))
    form = {
        "name": "beta-page",
        "percentage": "100",
        "enabled": "yes",
        "csrf_token": csrf_token(admin),
    }
    assert admin.post("/organise/flags", data=form).status_code == 303
    assert app.test_client().get("/beta").status_code == 200  # 100%: everyone, signed in or not
    with app.test_request_context():
        assert flag_enabled("beta-page", _user(99))
    assert cli("flags", "delete", "beta-page").exit_code == 0
    assert app.test_client().get("/beta").status_code == 404
