"""Exports: a zip of what core and every enabled plugin store about a person, each one logged."""

from __future__ import annotations

import io
import json
import zipfile

from privacy_helpers import store_everywhere
from sqlalchemy import select

from campaignkit.core import db_session, log_export, write_session
from campaignkit.core.privacy.models import ExportRecord
from campaignkit.core.privacy.subject import subject_hash

EMAIL = "grace@example.org"


def _unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def _exports(app) -> list[ExportRecord]:  # noqa: ANN001
    with app.app_context():
        return db_session().scalars(select(ExportRecord).order_by(ExportRecord.id)).all()


def test_download_my_data_holds_every_plugins_data(app, petition, make_user, login):  # noqa: ANN001
    user = make_user(EMAIL)
    store_everywhere(app, petition, user.id, EMAIL)
    store_everywhere(app, petition, make_user("someone@example.org").id, "someone@example.org")
    client = app.test_client()
    login(client, user)
    response = client.get("/account/data.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    files = _unzip(response.data)
    assert set(files) == {"README.txt", "core.json", "petition.json"}
    assert EMAIL in files["README.txt"]
    core = json.loads(files["core.json"])
    assert core["account"]["email"] == EMAIL and core["account"]["role"] == "supporter"
    assert [c["wording"] for c in core["consents"]] == [petition.WORDING] * 2
    assert [t["name"] for t in core["api_tokens"]] == ["my laptop"]
    assert core["invitations_made"][0]["note"] == f"for a friend of {EMAIL}"
    assert [r["event"] for r in core["event_rsvps"]] == ["Doors in Bristol", "Social"]
    assert [o["from"] for o in core["carpool_offers"]] == ["BS6 5AB"]
    assert [s["email"] for s in core["carpool_seats"]] == [EMAIL]
    assert [e["title"] for e in core["events_created_or_hosted"]] == ["Doors in Bristol"]
    signatures = json.loads(files["petition.json"])["signatures"]
    assert len(signatures) == 2 and {s["email"] for s in signatures} == {EMAIL}
    assert signatures[0]["comment"] == f"reach me at {EMAIL}" and signatures[0]["signed_at"]
    assert "someone@example.org" not in response.data.decode("latin-1")

    [logged] = _exports(app)
    assert logged.user_id == user.id and logged.rows >= 7
    hashed = subject_hash(EMAIL, app.config["SECRET_KEY"])
    assert logged.what == f"personal data export (self) of {hashed[:16]}"


def test_organisers_export_and_read_the_log(app, petition, make_user, login, csrf_token):  # noqa: ANN001
    make_user(EMAIL)
    admin = make_user("admin@example.org", "admin")
    organiser = make_user("organiser@example.org", "organiser")
    with app.test_request_context(), write_session() as session:
        petition.sign(session, EMAIL, "Grace Hopper")
        log_export(session, organiser.id, "petition CSV: all signatures", 1)
    desk = app.test_client()
    login(desk, admin)
    form = {"email": EMAIL, "action": "export", "csrf_token": csrf_token(desk)}
    response = desk.post("/organise/privacy", data=form)
    assert response.status_code == 200
    assert json.loads(_unzip(response.data)["petition.json"])["signatures"][0]["name"] == (
        "Grace Hopper"
    )
    assert [(e.user_id, e.what.split(" of ")[0]) for e in _exports(app)] == [
        (organiser.id, "petition CSV: all signatures"),
        (admin.id, "personal data export (organiser)"),
    ]

    auditor = app.test_client()
    login(auditor, organiser)
    assert auditor.get("/organise/privacy").status_code == 403  # privacy.manage: admins
    page = auditor.get("/organise/privacy/log").get_data(as_text=True)
    assert "petition CSV: all signatures" in page and "admin@example.org" in page
    assert EMAIL not in page
    assert desk.get("/organise/privacy/log").status_code == 200
    assert len(desk.get("/api/members").json["members"]) == 3
    assert _exports(app)[-1].what.startswith("members list (API") and _exports(app)[-1].rows == 3
    supporter = app.test_client()
    login(supporter, make_user("supporter@example.org"))
    assert supporter.get("/organise/privacy/log").status_code == 403


def test_export_from_the_command_line_is_logged(app, cli, petition, tmp_path):  # noqa: ANN001
    with app.test_request_context(), write_session() as session:
        petition.sign(session, EMAIL, "Grace Hopper")
    target = tmp_path / "grace.zip"
    result = cli("privacy", "export", EMAIL.upper(), "--output", str(target))
    assert result.exit_code == 0, result.output
    files = _unzip(target.read_bytes())
    assert json.loads(files["core.json"])["account"] is None  # no account, only a signature
    assert len(json.loads(files["petition.json"])["signatures"]) == 1
    [logged] = _exports(app)
    assert logged.user_id is None and "(command line)" in logged.what
    assert cli("privacy", "export", "not-an-address").exit_code == 2
