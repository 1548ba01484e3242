"""Figures for the organiser dashboard: signatures per day as an SVG chart, counts by seat."""

from __future__ import annotations

from collections import Counter
from datetime import date

from markupsafe import Markup
from sqlalchemy import func, select

from campaignkit.core import cumulative, line_chart_svg
from campaignkit.plugins.pledges.models import Signature


def counted(pledge_id: int, double_opt_in: bool):  # noqa: ANN201 - a SQL condition
    """The condition for signatures that count on a pledge."""
    condition = Signature.pledge_id == pledge_id
    if double_opt_in:
        condition = condition & Signature.confirmed_at.is_not(None)
    return condition


def per_day(session, pledge_id: int, double_opt_in: bool) -> list[tuple[date, int]]:  # noqa: ANN001
    """(day, signatures that count made that day), oldest first."""
    days: Counter[date] = Counter()
    for (moment,) in session.execute(
        select(Signature.created_at).where(counted(pledge_id, double_opt_in))
    ):
        days[moment.date()] += 1
    return sorted(days.items())


def by_seat(session, pledge_id: int, double_opt_in: bool) -> list[tuple[str, int]]:  # noqa: ANN001
    """(seat name, count) for the signatures that count, largest first."""
    rows = session.execute(
        select(Signature.seat_name, func.count())
        .where(counted(pledge_id, double_opt_in))
        .group_by(Signature.seat_name)
        .order_by(func.count().desc(), Signature.seat_name)
    )
    return [(name or "Unknown seat", count) for name, count in rows]


def chart_svg(days: list[tuple[date, int]]) -> Markup:
    """A cumulative line of signatures over time, as inline SVG with a text alternative."""
    totals = cumulative([count for _day, count in days])
    label = f"Signatures over time: {int(totals[-1]) if totals else 0} in all" + (
        f", from {days[0][0]:%d %b} to {days[-1][0]:%d %b}" if days else ""
    )
    return line_chart_svg(totals, label, "pledge-chart")
