"""One batch of signatures written together: on PostgreSQL one statement per pledge inserts
them and counts them, on SQLite one statement each; both must give the same answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from limits import parse_many

from campaignkit.core import DeferredHit
from campaignkit.core.ratelimit import KEY_SCOPE
from campaignkit.core.records import ConsentRecord
from campaignkit.core.state import limiter
from campaignkit.plugins.pledges.group_commit import Pending
from campaignkit.plugins.pledges.models import Pledge, Signature
from campaignkit.plugins.pledges.signing import Form, _Request, _write_batch


def _request(slug: str, email: str, double_opt_in: bool = False) -> Pending:
    form = Form("Ann", email, "SW1A 1AA", None, True, False)
    return Pending(_Request(slug, form, (None, None), double_opt_in))


def test_a_batch_counts_each_new_address_once_and_answers_every_signature(app, add_pledge, rows):  # noqa: ANN001
    add_pledge(threshold=3)
    add_pledge("closed-one", status="closed")
    add_pledge("past-deadline", deadline=datetime.now(UTC) - timedelta(days=1))
    add_pledge("with-opt-in")
    with app.test_request_context():
        _write_batch([_request("save-the-library", "old@example.org")])
        batch = [
            _request("save-the-library", "ann@example.org"),
            _request("save-the-library", "old@example.org"),  # signed before this batch
            _request("closed-one", "ann@example.org"),
            _request("save-the-library", "bob@example.org"),
            _request("save-the-library", "ann@example.org"),  # twice in the same batch
            _request("past-deadline", "ann@example.org"),
            _request("with-opt-in", "ann@example.org", double_opt_in=True),
        ]
        _write_batch(batch)
    ann, old, closed, bob, ann_again, late, opt_in = batch
    assert (ann.result.created, bob.result.created) == (True, True)
    assert (old.result.created, old.result.confirmed) == (False, True)
    assert (ann_again.result.created, ann_again.result.signature_id) == (
        False,
        ann.result.signature_id,
    )
    assert "not open" in str(closed.error) and "deadline" in str(late.error)
    assert (opt_in.result.created, opt_in.result.confirmed) == (True, False)
    # Every answer carries the pledge's count after the batch, and the threshold was crossed.
    assert ann.result.pledge_values["signed_count"] == 3
    pledges = {pledge.slug: pledge for pledge in rows(Pledge)}
    assert pledges["save-the-library"].signed_count == 3
    assert pledges["save-the-library"].threshold_reached_at is not None
    assert pledges["with-opt-in"].signed_count == 0  # counted once confirmed
    stored = sorted((s.pledge_id, s.email) for s in rows(Signature))
    assert len(stored) == len(set(stored)) == 4
    # One consent record per new signature, with its wording, and none for the repeats.
    consents = sorted((c.subject_email, c.source) for c in rows(ConsentRecord))
    assert consents == [
        ("ann@example.org", "pledge:save-the-library"),
        ("ann@example.org", "pledge:with-opt-in"),
        ("bob@example.org", "pledge:save-the-library"),
        ("old@example.org", "pledge:save-the-library"),
    ]
    assert {(c.purpose, c.wording_version, c.method) for c in rows(ConsentRecord)} == {
        ("pledges.sign", "pledges-sign-1", "checkbox")
    }
    assert all(c.wording.startswith("Keep my name") and c.given_at for c in rows(ConsentRecord))


def test_a_batch_counts_its_rate_limit_hits_once_and_stores_none_past_the_limit(
    app, add_pledge, rows
):  # noqa: ANN001
    add_pledge()
    limits = tuple(parse_many("2 per minute"))
    batch = [_request("save-the-library", f"p{n}@example.org") for n in range(3)]
    for pending in batch:
        pending.work = replace(pending.work, hit=DeferredHit(limits, ("i", "sign", "10.0.0.9")))
    with app.test_request_context():
        _write_batch(batch)
        again = batch[0].work.hit
        _write_batch([batch[0]])  # a batch written again item by item counts nothing twice
        counted = limiter(app).limiter.storage.get(limits[0].key_for(KEY_SCOPE, *again.keys))
    assert [p.error is None for p in batch] == [True, True, False]
    assert batch[2].error.code == 429 and counted == 3
    assert sorted(s.email for s in rows(Signature)) == ["p0@example.org", "p1@example.org"]
    assert rows(Pledge)[0].signed_count == 2
