"""Purging by retention: each plugin's own period, else ``[privacy] retention_days``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from privacy_helpers import traces
from sqlalchemy import func, select, update

from campaignkit.core import consents_of, db_session, write_session
from campaignkit.core.auth.models import Invite, SigninFailure, User
from campaignkit.core.privacy.models import ErasureRecord


def _days_ago(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def _count(app, model, *where) -> int:  # noqa: ANN001
    with app.app_context():
        return db_session().scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("petition_settings", [{"retention_days": 30}])
@pytest.mark.parametrize("privacy_settings", [{"retention_days": 365}])
def test_purge_respects_each_retention_period(app, instance, cli, petition, make_user):  # noqa: ANN001
    stale = make_user("stale@example.org", verified=False)
    kept = make_user("kept@example.org")
    with app.test_request_context(), write_session() as session:
        petition.sign(session, "old@example.org", "Old Signer", when=_days_ago(40))
        petition.sign(session, "new@example.org", "New Signer", when=_days_ago(10))
        old = _days_ago(400)
        session.execute(update(User).values(created_at=old))
        session.add(SigninFailure(key="f" * 64, at=old))
        session.add(Invite(token_hash="i" * 64, note="x", max_uses=1, uses=0, expires_at=old))
    signatures = petition.Signature

    dry = cli("privacy", "purge", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Would purge: 1 rows of petition" in dry.output
    assert "Would purge: 2 rows of core" in dry.output
    assert "Would purge: 1 consent records" in dry.output
    assert "Would purge: 1 accounts never confirmed" in dry.output
    assert _count(app, signatures, signatures.email.is_(None)) == 0
    assert _count(app, User) == 2 and _count(app, Invite) == 1

    done = cli("privacy", "purge")
    assert done.exit_code == 0, done.output
    assert _count(app, signatures) == 2  # both still counted
    assert _count(app, signatures, signatures.email == "new@example.org") == 1
    with app.app_context():
        assert consents_of(db_session(), "old@example.org") == []
        assert len(consents_of(db_session(), "new@example.org")) == 1
        assert {u.email for u in db_session().scalars(select(User))} == {kept.email}
        [erasure] = db_session().scalars(select(ErasureRecord)).all()
    assert erasure.requested_by == "purge" and stale.email != kept.email
    assert _count(app, SigninFailure) == 0 and _count(app, Invite) == 0
    assert traces(app, instance, "old@example.org") == []
    assert traces(app, instance, "stale@example.org") == []

    again = cli("privacy", "purge")
    assert "Purged: 0 rows of petition" in again.output
    assert "Purged: 0 accounts" in again.output


@pytest.mark.parametrize("petition_settings", [{"retention_days": 0}])
def test_retention_zero_keeps_data(app, cli, petition):  # noqa: ANN001
    with app.test_request_context(), write_session() as session:
        petition.sign(session, "old@example.org", "Old Signer", when=_days_ago(4000))
    result = cli("privacy", "purge")
    assert result.exit_code == 0 and "rows of petition" not in result.output
    assert _count(app, petition.Signature, petition.Signature.email.is_not(None)) == 1
