"""The next session's day is the kit's local day (Europe/London), not UTC's, around midnight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from campaignkit.core.events.models import Event
from campaignkit.core.session import write_session
from campaignkit.plugins.marginals.recommend import recommend

#: 00:30 BST on Wednesday 5 June 2030 is 23:30 UTC on Tuesday 4 June.
STARTS = datetime(2030, 6, 4, 23, 30, tzinfo=UTC)
EDINBURGH = (55.95, -3.19)


def _add_midnight_event(app, code: str) -> None:  # noqa: ANN001
    with app.test_request_context(), write_session() as session:
        session.add(
            Event(
                type="canvass",
                title="Night doors",
                starts_at=STARTS,
                ends_at=STARTS + timedelta(hours=1),
                timezone="Europe/London",
                postcode="EH1 1YZ",
                lat=EDINBURGH[0],
                lon=EDINBURGH[1],
                seat_code=code,
                venue="Library",
                status="approved",
            )  # fmt: skip
        )


def _seat(app, now: datetime, code: str | None = None):  # noqa: ANN001, ANN202
    """The recommendation for the seat ``code`` (the first one when None), as of ``now``."""
    with app.test_request_context():
        found = recommend(*EDINBURGH, now=now)
    return next(item for item in found if code in (None, item.code))


def test_next_session_is_classed_by_the_local_day_either_side_of_midnight(app):  # noqa: ANN001
    code = _seat(app, STARTS - timedelta(days=1)).code
    _add_midnight_event(app, code)
    before_midnight = datetime(2030, 6, 4, 22, 50, tzinfo=UTC)  # 23:50 BST on the Tuesday
    after_midnight = datetime(2030, 6, 4, 23, 10, tzinfo=UTC)  # 00:10 BST on the Wednesday
    assert _seat(app, before_midnight, code).next_when == "tomorrow, 00:30 BST"
    assert _seat(app, after_midnight, code).next_when == "today, 00:30 BST"
    a_fortnight_before = _seat(app, STARTS - timedelta(days=14), code)
    assert a_fortnight_before.next_when == "Wednesday 5 June, 00:30 BST"
    assert "next event Wed 5 Jun" in a_fortnight_before.reasons
