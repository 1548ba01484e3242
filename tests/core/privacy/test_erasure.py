"""Erasure: one person's data goes from every plugin at once, leaving no copy of their address.

On SQLite the database file and its write-ahead log are read as bytes; on
PostgreSQL every column of every table is searched as text.
"""

from __future__ import annotations

import json

import pytest
from privacy_helpers import store_everywhere, traces
from sqlalchemy import func, select

from campaignkit import hookimpl
from campaignkit.core import PluginError, db_session, send_mail, write_session
from campaignkit.core.auth.models import SigninFailure, User
from campaignkit.core.db import SQLITE_FILE
from campaignkit.core.jobs import JobRecord
from campaignkit.core.privacy.erasure import LEDGER_FILE, erase_person
from campaignkit.core.privacy.models import ErasureRecord
from campaignkit.core.privacy.subject import subject_hash

EMAIL = "ada.lovelace@example.org"


def _count(app, model, *where) -> int:  # noqa: ANN001
    with app.app_context():
        return db_session().scalar(select(func.count()).select_from(model).where(*where))


def test_erasing_my_account_leaves_my_address_nowhere(
    app, instance, petition, make_user, login, csrf_token
):  # noqa: ANN001
    user = make_user(EMAIL)
    other = make_user("other@example.org")
    store_everywhere(app, petition, user.id, EMAIL)
    store_everywhere(app, petition, other.id, "other@example.org")
    client = app.test_client()
    bad = {"email": EMAIL, "password": "wrong password", "csrf_token": csrf_token(client)}
    assert client.post("/signin", data=bad).status_code == 200  # a stored (hashed) failure
    with app.test_request_context(), write_session() as session:
        now = user.created_at
        session.add(
            JobRecord(
                id="j1", name="mail", title="Mail", status="done", done=1, total=1,
                message=f"mailed {EMAIL}", created_at=now, updated_at=now,
            )
        )  # fmt: skip
    assert _count(app, SigninFailure) == 3  # the account, the address, and the two together
    assert traces(app, instance, EMAIL), "the search must find the address before erasure"

    login(client, user)
    assert "Erase my account" in client.get("/account/data").get_data(as_text=True)
    form = {"password": "correct horse battery staple", "confirm": "yes"}
    erased = client.post("/account/erase", data={**form, "csrf_token": csrf_token(client)})
    assert erased.status_code == 200 and "is erased" in erased.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # signed out
    wal = instance / f"{SQLITE_FILE}-wal"
    if app.extensions["campaignkit"].database.is_sqlite:
        assert wal.stat().st_size == 0  # the erasure checkpointed the write-ahead log itself

    assert traces(app, instance, EMAIL) == []
    assert traces(app, instance, "Ada Lovelace") != []  # the other signer's rows keep theirs
    petition_rows = petition.Signature
    assert _count(app, petition_rows) == 4  # aggregate: every signature still counts
    assert _count(app, petition_rows, petition_rows.email.is_(None)) == 2
    assert _count(app, User) == 1 and _count(app, SigninFailure) == 1  # the address's failure
    with app.test_request_context():
        [entry] = db_session().scalars(select(ErasureRecord)).all()
        assert entry.subject_hash == subject_hash(EMAIL)
        assert entry.requested_by == "self"
        counts = json.loads(entry.counts)
    assert counts["petition"] == 2 and counts["core"] >= 6
    ledger = (instance / LEDGER_FILE).read_text()
    assert subject_hash(EMAIL, app.config["SECRET_KEY"]) in ledger and "@" not in ledger


def test_sqlite_connections_overwrite_deleted_content(app):  # noqa: ANN001
    database = app.extensions["campaignkit"].database
    if not database.is_sqlite:
        pytest.skip("a SQLite setting")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_erase_form_needs_csrf_password_and_confirmation(app, make_user, login, csrf_token):  # noqa: ANN001
    user = make_user(EMAIL)
    client = app.test_client()
    login(client, user)
    good = {"password": "correct horse battery staple", "confirm": "yes"}
    assert client.post("/account/erase", data=good).status_code == 400  # no CSRF token
    forged = client.post("/account/erase", data={**good, "csrf_token": "forged"})
    assert forged.status_code == 400
    wrong = {**good, "password": "not my password", "csrf_token": csrf_token(client)}
    assert client.post("/account/erase", data=wrong).status_code == 302
    unconfirmed = {"password": good["password"], "csrf_token": csrf_token(client)}
    assert client.post("/account/erase", data=unconfirmed).status_code == 302
    assert _count(app, User) == 1 and _count(app, ErasureRecord) == 0


def test_erasure_is_all_or_nothing(make_app, petition, make_user):  # noqa: ANN001
    class Broken:
        @hookimpl
        def campaignkit_erase_personal_data(self, subject):
            raise RuntimeError("disk on fire")

    app = make_app(extra_plugins=[("broken", Broken())])
    user = make_user(EMAIL)
    store_everywhere(app, petition, user.id, EMAIL)
    with app.test_request_context(), pytest.raises(PluginError, match="plugin 'broken'"):
        erase_person(EMAIL, "cli")
    assert _count(app, User) == 1 and _count(app, ErasureRecord) == 0
    assert _count(app, petition.Signature, petition.Signature.email == EMAIL) == 2


def test_erasing_someone_with_no_data_is_logged(app):  # noqa: ANN001
    with app.test_request_context():
        counts = erase_person("Nobody@Example.org ", "cli")
    assert counts == {"petition": 0, "core": 0}
    logged = subject_hash("nobody@example.org", app.config["SECRET_KEY"])
    assert _count(app, ErasureRecord, ErasureRecord.subject_hash == logged) == 1


def test_an_admin_erases_someone_by_address(app, instance, petition, make_user, login, csrf_token):  # noqa: ANN001
    user = make_user(EMAIL)
    store_everywhere(app, petition, user.id, EMAIL)
    with app.test_request_context():
        send_mail(EMAIL, "Welcome", "Hello Ada")
    assert len(list((instance / "outbox").glob("*.eml"))) == 1
    admin = make_user("admin@example.org", "admin")
    desk = app.test_client()
    login(desk, admin)
    form = {"email": EMAIL, "action": "erase", "csrf_token": csrf_token(desk)}
    unconfirmed = desk.post("/organise/privacy", data=form)
    assert unconfirmed.status_code == 400 and _count(app, User) == 2
    done = desk.post("/organise/privacy", data={**form, "confirm_email": EMAIL.upper()})
    assert done.status_code == 302
    assert "rows changed" in desk.get("/organise/privacy").get_data(as_text=True)
    assert list((instance / "outbox").glob("*.eml")) == []
    with app.app_context():
        [entry] = db_session().scalars(select(ErasureRecord)).all()
    assert entry.requested_by == f"organiser:{admin.id}"
    log_page = desk.get("/organise/privacy/log").get_data(as_text=True)
    assert entry.subject_hash[:16] in log_page and EMAIL not in log_page
    assert traces(app, instance, EMAIL) == []
