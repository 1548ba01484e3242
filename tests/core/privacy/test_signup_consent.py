"""Signing up records consent to the privacy notice, with the exact words shown beside the box."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from campaignkit.core import consents_of, db_session
from campaignkit.core.auth.models import User
from campaignkit.testing import TEST_PASSWORD as PASSWORD

CONSENT_LABEL = re.compile(r'<label for="consent">(.*?)</label>', re.S)


def _form(csrf: str, **extra: str) -> dict[str, str]:
    return {
        "email": "Joiner@Example.org",
        "password": PASSWORD,
        "confirm_password": PASSWORD,
        "csrf_token": csrf,
        **extra,
    }


@pytest.mark.parametrize(
    "privacy_settings",
    [
        {
            "signup_consent": "{campaign} may keep my address & details.",
            "signup_consent_version": "7",
        }
    ],
)
def test_sign_up_records_the_exact_words_shown(app, client, csrf_token):  # noqa: ANN001
    page = client.get("/signup").get_data(as_text=True)
    box = re.search(r'<input id="consent"[^>]*>', page).group(0)
    assert 'type="checkbox"' in box and "checked" not in box  # unticked by default
    shown = html.unescape(CONSENT_LABEL.search(page).group(1))
    assert shown == "Test campaign may keep my address & details."

    refused = client.post("/signup", data=_form(csrf_token(client)))
    assert refused.status_code == 400 and "Tick the box" in refused.get_data(as_text=True)
    with app.app_context():
        assert db_session().scalars(select(User)).all() == []

    digest = re.search(r'name="consent_wording" value="([0-9a-f]+)"', page).group(1)
    stale = _form(csrf_token(client), consent="yes", consent_wording="0" * 16)
    changed = client.post("/signup", data=stale)
    assert changed.status_code == 400 and "have just changed" in changed.get_data(as_text=True)
    fresh = _form(csrf_token(client), consent="yes", consent_wording=digest)
    response = client.post("/signup", data=fresh)
    assert response.status_code == 302
    with app.app_context():
        user = db_session().scalars(select(User)).one()
        [record] = consents_of(db_session(), "joiner@example.org")
    assert record.wording == shown
    assert (record.wording_version, record.purpose) == ("7", "account")
    assert (record.source, record.method, record.user_id) == ("signup", "checkbox", user.id)
    assert record.given_at is not None and record.withdrawn_at is None
