"""upcoming_events_by_seat and upcoming_events_in_seats: approved events in a window, per seat."""

from __future__ import annotations

from datetime import timedelta

from campaignkit.core import upcoming_events_by_seat, upcoming_events_in_seats
from campaignkit.core.auth.models import utcnow
from campaignkit.core.events.models import Event
from campaignkit.core.session import write_session


def test_counts_and_lists_only_approved_events_in_the_window(app):
    now = utcnow()
    with app.test_request_context():
        with write_session() as session:
            for days, seat, status, going, private in [
                (1, "A", "approved", 4, False),
                (3, "A", "approved", 6, True),
                (2, "B", "approved", 1, False),
                (2, "B", "pending", 9, False),
                (9, "B", "approved", 9, False),
                (-1, "C", "approved", 9, False),
                (1, None, "approved", 9, False),
            ]:
                start = now + timedelta(days=days)
                session.add(
                    Event(
                        type="canvass",
                        title=f"{seat} in {days}",
                        starts_at=start,
                        ends_at=start + timedelta(hours=1),
                        postcode="BS1 5TR",
                        lat=51.45,
                        lon=-2.59,
                        seat_code=seat,
                        going=going,
                        status=status,
                        members_only=private,
                    )  # fmt: skip
                )
        week = now + timedelta(days=7)
        assert upcoming_events_by_seat(now, week) == {"A": (2, 10), "B": (1, 1)}
        listed = upcoming_events_in_seats(["A", "B", "C"], now, week, per_seat=5)
        assert [e["title"] for e in listed["A"]] == ["A in 1"]
        assert [e["title"] for e in listed["B"]] == ["B in 2"]
        assert listed["C"] == []
