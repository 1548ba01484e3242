"""upcoming_events_by_seat and upcoming_events_in_seats: approved events in a window, per seat."""

from __future__ import annotations

from datetime import UTC, timedelta

from campaignkit.core import upcoming_events_by_seat, upcoming_events_in_seats
from campaignkit.core.auth.models import utcnow
from campaignkit.core.events.models import Event
from campaignkit.core.session import write_session


def _event(title: str, seat: str | None, start, **fields) -> Event:  # noqa: ANN001
    """An hour-long canvass in Bristol starting at ``start``; ``fields`` override the rest."""
    return Event(
        type="canvass", title=title, starts_at=start, ends_at=start + timedelta(hours=1),
        postcode="BS1 5TR", lat=51.45, lon=-2.59, seat_code=seat, **fields,
    )  # fmt: skip


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
                    _event(f"{seat} in {days}", seat, start, going=going, status=status,
                           members_only=private)
                )  # fmt: skip
        week = now + timedelta(days=7)
        assert upcoming_events_by_seat(now, week) == {"A": (2, 10), "B": (1, 1)}
        listed = upcoming_events_in_seats(["A", "B", "C"], now, week, per_seat=5)
        assert [e["title"] for e in listed["A"]] == ["A in 1"]
        assert [e["title"] for e in listed["B"]] == ["B in 2"]
        assert listed["C"] == []


def test_lists_only_the_first_events_of_each_seat_soonest_first(app):
    now = utcnow()
    with app.test_request_context():
        with write_session() as session:
            for hours, seat in [(50, "A"), (10, "A"), (30, "A"), (20, "B"), (40, "A")]:
                start = now + timedelta(hours=hours)
                session.add(_event(f"{seat} in {hours}h", seat, start, status="approved"))
        listed = upcoming_events_in_seats(["A", "B"], now, now + timedelta(days=7), per_seat=2)
        assert [e["title"] for e in listed["A"]] == ["A in 10h", "A in 30h"]
        assert [e["title"] for e in listed["B"]] == ["B in 20h"]
        first = listed["A"][0]
        starts = first["starts_at"]  # stored in UTC; SQLite gives it back without a zone
        starts = starts if starts.tzinfo else starts.replace(tzinfo=UTC)
        assert abs(starts - (now + timedelta(hours=10))) < timedelta(seconds=1)
        assert set(first) == {
            "id", "title", "starts_at", "timezone", "venue", "going", "capacity",
            "chat_url", "lat", "lon",
        }  # fmt: skip
