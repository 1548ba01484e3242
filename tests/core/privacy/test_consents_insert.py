"""``consents_insert``: consent records written by a larger statement are those
``record_consents`` writes."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import literal, select

from campaignkit.core import consent_parameters, consents_insert, record_consents, write_session
from campaignkit.core.records import ConsentRecord

CONSENT = {"purpose": "pledges.sign", "wording": "Keep my details.", "version": "v1",
           "source": "pledge:test"}  # fmt: skip


def test_consents_from_a_statement_match_record_consents(app: Flask, rows):  # noqa: ANN001
    addresses = (
        select(literal("ann@example.org").label("email"))
        .union_all(select(literal("bob@example.org").label("email")))
        .subquery("given")
    )
    with app.test_request_context(), write_session() as session:
        session.execute(consents_insert(addresses.c.email), consent_parameters(**CONSENT))
        record_consents(session, ["cat@example.org"], **CONSENT)
    stored = sorted(rows(ConsentRecord), key=lambda record: record.subject_email)
    assert [record.subject_email for record in stored] == [
        "ann@example.org", "bob@example.org", "cat@example.org",
    ]  # fmt: skip
    shapes = {
        (r.user_id, r.purpose, r.wording, r.wording_version, r.source, r.method, r.withdrawn_at)
        for r in stored
    }
    assert shapes == {
        (None, "pledges.sign", "Keep my details.", "v1", "pledge:test", "checkbox", None)
    }
    assert all(record.given_at is not None for record in stored)


def test_consent_parameters_refuse_what_record_consents_refuses():
    with pytest.raises(ValueError, match="wording"):
        consent_parameters(**{**CONSENT, "wording": "  "})
    with pytest.raises(ValueError, match="unknown consent method"):
        consent_parameters(**CONSENT, method="guessed")
    with pytest.raises(ValueError, match="source is at most 200 characters"):
        consent_parameters(**{**CONSENT, "source": "pledge:" + "x" * 200})
