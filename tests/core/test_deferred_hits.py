"""Deferred rate-limit hits: counted together by whoever writes for several requests, with
the same answers as counting them one by one, and never twice or not at all."""

from __future__ import annotations

import pytest
from flask import Blueprint
from limits import parse_many

import campaignkit
from campaignkit.core import DeferredHit, count_hits, deferred_hit, rate_limited
from campaignkit.core.ratelimit import KEY_SCOPE
from campaignkit.core.state import limiter

WRITTEN: list[str] = []
deferred = Blueprint("deferred_test", __name__, url_prefix="/deferred")


@deferred.route("/<what>", methods=["GET", "POST"])
@rate_limited("2 per minute", deferred=True)
def write_or_refuse(what: str):  # noqa: ANN201
    """Refuse the form before counting (400), or count the hit and then write."""
    if what == "refuse":
        return "refused", 400
    hit = deferred_hit()
    count_hits([hit])
    if hit is not None:
        hit.check()
    WRITTEN.append(what)
    return "written"


class DeferredPlugin:
    """A test plugin with one deferred, rate-limited form."""

    @campaignkit.hookimpl
    def campaignkit_blueprints(self):  # noqa: ANN201
        return [deferred]


@pytest.fixture
def deferred_app(ck_make_app):  # noqa: ANN001, ANN201
    WRITTEN.clear()
    return ck_make_app(extra_plugins=[("deferred_test", DeferredPlugin())])


def _counter(app, limit, keys: tuple[str, ...]) -> int:  # noqa: ANN001
    return limiter(app).limiter.storage.get(limit.key_for(KEY_SCOPE, *keys))


def test_hits_counted_together_get_the_answers_of_one_by_one(deferred_app):  # noqa: ANN001
    limits = tuple(parse_many("3 per minute;4 per hour"))
    mine = [DeferredHit(limits, ("instance", "view", "10.0.0.1")) for _ in range(5)]
    theirs = DeferredHit(limits, ("instance", "view", "10.0.0.2"))
    with deferred_app.app_context():
        count_hits([mine[0], None, theirs, *mine[1:]])
        count_hits(mine)  # counted already: nothing changes
        minute = _counter(deferred_app, limits[0], mine[0].keys)
        hour = _counter(deferred_app, limits[1], mine[0].keys)
    assert all(hit.counted for hit in [*mine, theirs])
    assert [hit.refused is None for hit in mine] == [True, True, True, False, False]
    assert "3 per 1 minute" in mine[3].refused.description and theirs.refused is None
    with pytest.raises(Exception, match="Too Many Requests"):
        mine[4].check()
    # As one by one: every hit counts against the minute, only those it let through
    # against the hour.
    assert (minute, hour) == (5, 3)


def test_a_deferred_view_counts_every_post_once_even_when_it_refuses_first(
    deferred_app,
    csrf_token,  # noqa: ANN001
):
    client = deferred_app.test_client()
    token = csrf_token(client)

    def post(what: str) -> int:
        return client.post(f"/deferred/{what}", data={"csrf_token": token}).status_code

    assert [post("refuse"), post("first")] == [400, 200]  # counted on return, then by the view
    assert [post("second"), post("refuse")] == [429, 429]  # past the limit: nothing written
    assert WRITTEN == ["first"]
    assert client.get("/deferred/third").status_code == 200  # GETs are not counted
    limiter(deferred_app).enabled = False
    assert post("fourth") == 200 and WRITTEN == ["first", "third", "fourth"]
