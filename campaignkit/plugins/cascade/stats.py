"""Figures for the organiser view: reach over time (SVG), generations, seats, the tree's shape."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import func, select

from campaignkit.core import cumulative, line_chart_svg
from campaignkit.plugins.cascade.models import TARGETS, Node


def opens_per_hour(session, cascade_id: int) -> list[tuple[datetime, int]]:  # noqa: ANN001
    """(hour, opens in it), oldest first; the root is not an open."""
    hours: Counter[datetime] = Counter()
    query = select(Node.opened_at).where(Node.cascade_id == cascade_id, Node.parent_id.is_not(None))
    for (moment,) in session.execute(query):
        hours[moment.replace(minute=0, second=0, microsecond=0)] += 1
    return sorted(hours.items())


def generations(session, cascade_id: int) -> list[tuple[int, int]]:  # noqa: ANN001
    """(generation, nodes in it), the root's generation 0 first."""
    rows = session.execute(
        select(Node.generation, func.count())
        .where(Node.cascade_id == cascade_id)
        .group_by(Node.generation)
        .order_by(Node.generation)
    )
    return [(generation, count) for generation, count in rows]


def top_seats(session, cascade_id: int, limit: int = 10) -> list[tuple[str, int]]:  # noqa: ANN001
    """(seat name, forwards made by openers in it), most first; openers who gave a postcode."""
    forwards = sum((getattr(Node, f"forwards_{t}") for t in TARGETS), start=0)
    rows = session.execute(
        select(Node.seat_name, func.sum(forwards), func.count())
        .where(Node.cascade_id == cascade_id, Node.seat_name.is_not(None))
        .group_by(Node.seat_name)
        .order_by(func.sum(forwards).desc(), Node.seat_name)
        .limit(limit)
    )
    return [(name, int(total or 0)) for name, total, _openers in rows]


def forwards_by_target(session, cascade_id: int) -> dict[str, int]:  # noqa: ANN001
    """Forwards counted on each target across the cascade."""
    sums = [func.coalesce(func.sum(getattr(Node, f"forwards_{t}")), 0) for t in TARGETS]
    row = session.execute(select(*sums).where(Node.cascade_id == cascade_id)).one()
    return dict(zip(TARGETS, (int(value) for value in row), strict=True))


def largest_subtrees(session, cascade_id: int, limit: int = 5) -> list[tuple[int, int]]:  # noqa: ANN001
    """(generation, size) of the largest subtrees under the root's children, largest first.

    Sizes are added up from the leaves in memory (one id and parent per node).
    """
    query = select(Node.id, Node.parent_id, Node.generation).where(Node.cascade_id == cascade_id)
    rows = list(session.execute(query))
    size = {node_id: 1 for node_id, _parent, _gen in rows}
    for node_id, parent, _gen in sorted(rows, key=lambda row: -row[2]):
        if parent in size:
            size[parent] += size[node_id]
    generation = {node_id: gen for node_id, _parent, gen in rows}
    tops = [(generation[node_id], size[node_id]) for node_id, _p, gen in rows if gen == 1]
    return sorted(tops, key=lambda item: -item[1])[:limit]


def reach_svg(hours: list[tuple[datetime, int]]) -> Markup:
    """A cumulative line of opens over time, as inline SVG with a text alternative."""
    totals = cumulative([count for _hour, count in hours])
    label = f"Reach over time: {int(totals[-1]) if totals else 0} opens" + (
        f", from {hours[0][0]:%d %b %H:00} to {hours[-1][0]:%d %b %H:00}" if hours else ""
    )
    return line_chart_svg(totals, label, "cascade-chart")
