"""Small server-drawn SVG charts for organiser pages: a line over time and labelled bars.

Both return ``Markup`` ready to put in a template: inline SVG with
``role="img"``, an ``aria-label`` and a ``<title>`` (the text alternative),
drawn in ``currentColor`` so the theme colours them. Every piece of text is
escaped here, so callers may pass names people typed.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 600, 200, 24
BAR, GAP, LABEL_WIDTH = 22, 8, 220


def _open(css_class: str, height: float, label: str) -> str:
    return (
        f'<svg class="{escape(css_class)}" viewBox="0 0 {WIDTH} {height:g}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>"
    )


def line_chart_svg(values: Sequence[float], label: str, css_class: str) -> Markup:
    """A line through ``values`` (oldest first) on a 600x200 canvas, its top value written above.

    ``label`` is the chart's text alternative (say what the line shows and its
    total); fewer than two values are drawn as a flat start.
    """
    points = list(values)
    if len(points) < 2:
        points = [0, *points] if points else [0, 0]
    top = max(points) or 1
    step = (WIDTH - 2 * PAD) / (len(points) - 1)
    line = " ".join(
        f"{PAD + i * step:.1f},{HEIGHT - PAD - (value / top) * (HEIGHT - 2 * PAD):.1f}"
        for i, value in enumerate(points)
    )
    svg = (
        _open(css_class, HEIGHT, label)
        + f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        f'stroke="currentColor" stroke-width="1"/>'
        f'<polyline points="{line}" fill="none" stroke="currentColor" stroke-width="3"/>'
        f'<text x="{PAD}" y="{PAD - 6}" font-size="14" fill="currentColor">{top:g}</text>'
        "</svg>"
    )
    return Markup(svg)  # noqa: S704 - every text above is escaped or a number


def cumulative(counts: Sequence[float]) -> list[float]:
    """Running totals of ``counts``: what a "so far" line chart draws."""
    total, totals = 0.0, []
    for count in counts:
        total += count
        totals.append(total)
    return totals


def bar_chart_svg(rows: Sequence[tuple[str, float]], label: str, css_class: str) -> Markup:
    """Horizontal bars, one per (name, value) row in the order given, each named and counted.

    ``label`` is the chart's text alternative; an empty ``rows`` draws an empty chart.
    """
    height = max(len(rows), 1) * (BAR + GAP) + GAP
    top = max((value for _name, value in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 60
    parts = [_open(css_class, height, label)]
    for i, (name, value) in enumerate(rows):
        y = GAP + i * (BAR + GAP)
        width = max(span * value / top, 1 if value else 0)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR * 0.7:.1f}" font-size="13" '
            f'text-anchor="end" fill="currentColor">{escape(str(name)[:40])}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR}" '
            f'fill="currentColor" opacity="0.75"/>'
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + BAR * 0.7:.1f}" font-size="13" '
            f'fill="currentColor">{value:g}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - names are escaped above, the rest are numbers
