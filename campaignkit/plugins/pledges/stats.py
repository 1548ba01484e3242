"""Figures for the organiser dashboard: signatures per day as an SVG chart, counts by seat."""

from __future__ import annotations

from collections import Counter
from datetime import date

from markupsafe import Markup, escape
from sqlalchemy import func, select

from campaignkit.plugins.pledges.models import Signature

WIDTH, HEIGHT, PAD = 600, 200, 24


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
    total, points = 0, []
    for day, count in days:
        total += count
        points.append((day, total))
    label = f"Signatures over time: {total} in all" + (
        f", from {days[0][0]:%d %b} to {days[-1][0]:%d %b}" if days else ""
    )
    if len(points) < 2:
        points = [(None, 0)] + points if points else [(None, 0), (None, 0)]
    top = max(total for _day, total in points) or 1
    step = (WIDTH - 2 * PAD) / (len(points) - 1)
    xy = [
        (PAD + i * step, HEIGHT - PAD - (value / top) * (HEIGHT - 2 * PAD))
        for i, (_day, value) in enumerate(points)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    svg = (
        f'<svg class="pledge-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>"
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        f'stroke="currentColor" stroke-width="1"/>'
        f'<polyline points="{line}" fill="none" stroke="currentColor" stroke-width="3"/>'
        f'<text x="{PAD}" y="{PAD - 6}" font-size="14" fill="currentColor">{top}</text>'
        "</svg>"
    )
    return Markup(svg)  # noqa: S704 - the only text (the label) is escaped above
