"""An organiser's seat marks are in their data export; erasing them unlinks, keeping history."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from campaignkit.core.privacy.erasure import erase_person
from campaignkit.core.privacy.export import export_person
from campaignkit.plugins.marginals.models import SeatTarget, SeatTargetChange

ALDERSHOT = "E14001063"
BEDFORD = "E14001084"


def _mark(client, csrf_token, code: str, status: str, priority: int, notes: str) -> None:  # noqa: ANN001
    form = {"status": status, "priority": str(priority), "notes": notes}
    form["csrf_token"] = csrf_token(client)
    assert client.post(f"/seats/{code}/target", data=form).status_code == 302


def _exported(app, email: str) -> dict | None:  # noqa: ANN001
    with app.test_request_context():
        _subject, archive = export_person(email, None, "test")
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        names = opened.namelist()
        return json.loads(opened.read("marginals.json")) if "marginals.json" in names else None


def _rows(app, model) -> list:  # noqa: ANN001
    with app.extensions["campaignkit"].database.new_session() as session:
        return list(session.scalars(select(model)))


def test_export_then_erase_an_organisers_seat_marks(app, client, make_user, login, csrf_token):  # noqa: ANN001
    ann = make_user("ann@example.org", "organiser")
    bob = make_user("bob@example.org", "organiser")
    login(client, ann)
    _mark(client, csrf_token, ALDERSHOT, "target", 4, "New estate")
    _mark(client, csrf_token, ALDERSHOT, "defend", 2, "Held after all")
    _mark(client, csrf_token, BEDFORD, "target", 5, "")
    other = app.test_client()
    login(other, bob)
    _mark(other, csrf_token, BEDFORD, "ignore", 1, "Bob's view")

    exported = _exported(app, "ann@example.org")
    changes = exported["target_changes"]
    assert [(c["seat"], c["status"], c["priority"]) for c in changes] == [
        (ALDERSHOT, "target", 4),
        (ALDERSHOT, "defend", 2),
        (BEDFORD, "target", 5),
    ]
    assert changes[0]["seat_name"] == "Aldershot" and changes[0]["notes"] == "New estate"
    assert all(c["changed_at"] for c in changes)
    assert [(m["seat"], m["status"]) for m in exported["seat_marks"]] == [(ALDERSHOT, "defend")]
    assert "Bob's view" not in json.dumps(exported)
    assert _exported(app, "nobody@example.org") is None

    with app.test_request_context():
        counts = erase_person("ann@example.org", "cli")
    assert counts["marginals"] == 4  # one current mark, three changes
    history = _rows(app, SeatTargetChange)
    assert len(history) == 4
    assert sorted((h.changed_by or 0) for h in history) == [0, 0, 0, bob.id]
    marks = {m.code: m for m in _rows(app, SeatTarget)}
    assert marks[ALDERSHOT].updated_by is None and marks[ALDERSHOT].status == "defend"
    assert marks[BEDFORD].updated_by == bob.id
    assert _exported(app, "bob@example.org")["target_changes"][0]["notes"] == "Bob's view"

    with app.test_request_context():
        assert erase_person("ann@example.org", "replay", record=False).get("marginals") == 0
    page = other.get(f"/seats/{ALDERSHOT}").get_data(as_text=True)
    assert "defend, priority 2: Held after all" in page and "target, priority 4" in page
