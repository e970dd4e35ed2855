"""The spider chart ("паутинка") of typical2023 Annexes 7–8, written as plain SVG with a
little trigonometry: one axis per competency, one ring per point of the answer scale, the
respondents' means as a filled polygon and the servant's own answers, never counted
(п.36), as a dashed one.

The same picture goes inline into the HTML and, through fpdf2's SVG support, into the
PDF; so it uses only what both understand: polygons, lines and text in one font.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape
from math import cos, pi, sin
from textwrap import wrap
from typing import Sequence

from markupsafe import Markup

WIDTH, HEIGHT = 640, 420
CX, CY, RADIUS = 320, 200, 135
LINE = 11  # label line height
MEANS, OWN, GRID = "#2f6db5", "#c0392b", "#b8c2cc"


@dataclass(frozen=True)
class Legend:
    means: str
    own: str


def spider(
    names: Sequence[str],
    means: Sequence[Decimal],
    own: Sequence[Decimal] | None,
    top: int,
    legend: Legend,
    font: str,
) -> Markup:
    """The chart of `means` (and `own`) on axes `names`, scale 0..`top` from the centre."""
    count = len(names)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{font}" font-size="10">']
    for ring in range(1, top + 1):
        parts.append(_polygon([Decimal(ring)] * count, top, f'fill="none" stroke="{GRID}" stroke-width="0.8"', "ring"))
        parts.append(f'<text x="{CX + 3}" y="{CY - RADIUS * ring / top - 2:.1f}" font-size="8" fill="#6b7785">{ring}</text>')
    for index, name in enumerate(names):
        x, y = _at(index, count, RADIUS)
        parts.append(f'<line x1="{CX}" y1="{CY}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.8"/>')
        parts.extend(_label(index, count, name))
    parts.append(_polygon(means, top, f'fill="{MEANS}" fill-opacity="0.25" stroke="{MEANS}" stroke-width="2"', "means"))
    if own is not None:
        parts.append(_polygon(own, top, f'fill="none" stroke="{OWN}" stroke-width="1.5" stroke-dasharray="5 3"', "own"))
    parts.extend(_legend(legend, own is not None))
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _at(index: int, count: int, radius: float) -> tuple[float, float]:
    """The point at `radius` on axis `index`, the first axis pointing up, clockwise."""
    angle = -pi / 2 + 2 * pi * index / count
    return CX + radius * cos(angle), CY + radius * sin(angle)


def _polygon(values: Sequence[Decimal], top: int, style: str, name: str) -> str:
    points = " ".join("{:.1f},{:.1f}".format(*_at(index, len(values), RADIUS * float(value) / top)) for index, value in enumerate(values))
    return f'<polygon class="{name}" points="{points}" {style}/>'


def _label(index: int, count: int, name: str) -> list[str]:
    """The competency's name beyond the axis end, anchored away from the chart."""
    x, y = _at(index, count, RADIUS + 10)
    horizontal = cos(-pi / 2 + 2 * pi * index / count)
    vertical = sin(-pi / 2 + 2 * pi * index / count)
    anchor = "middle" if abs(horizontal) < 0.25 else ("start" if horizontal > 0 else "end")
    lines = wrap(name, 24) or [name]
    if vertical < -0.5:
        first = y - (len(lines) - 1) * LINE
    elif vertical > 0.5:
        first = y + LINE * 0.8
    else:
        first = y - (len(lines) - 1) * LINE / 2 + 3
    return [f'<text x="{x:.1f}" y="{first + row * LINE:.1f}" text-anchor="{anchor}" fill="#1f2a36">{escape(line)}</text>' for row, line in enumerate(lines)]


def _legend(legend: Legend, with_own: bool) -> list[str]:
    y = HEIGHT - 14
    parts = [
        f'<line x1="40" y1="{y}" x2="70" y2="{y}" stroke="{MEANS}" stroke-width="3"/>',
        f'<text x="76" y="{y + 4}" fill="#1f2a36">{escape(legend.means)}</text>',
    ]
    if with_own:
        parts += [
            f'<line x1="330" y1="{y}" x2="360" y2="{y}" stroke="{OWN}" stroke-width="1.5" stroke-dasharray="5 3"/>',
            f'<text x="366" y="{y + 4}" fill="#1f2a36">{escape(legend.own)}</text>',
        ]
    return parts
