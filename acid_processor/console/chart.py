"""Small time-series plots as inline SVG, drawn on the server: no JavaScript library, no build.

The SVG is built from numbers only (no text from filings reaches it but axis labels the console
formats itself), and Markup is returned so that the template inserts it as it is."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from markupsafe import Markup, escape

__all__ = ["line_chart"]


def _nice_max(value: float) -> float:
    """A round axis maximum at or above value (1, 2, 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** len(str(int(value))) / 10 if value >= 1 else 1.0
    while power > value:
        power /= 10
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover


def line_chart(
    title: str,
    times: Sequence[datetime],
    values: Sequence[float | None],
    *,
    unit: str = "",
    width: int = 560,
    height: int = 170,
    bars: bool = False,
) -> Markup:
    """One series over time: a polyline (gaps where a value is None) or bars, with a y axis from 0
    to a round maximum, the first, middle and last times on the x axis, and a title."""
    left, right, top, bottom = 48, 10, 24, 26
    w, h = width - left - right, height - top - bottom
    known = [v for v in values if v is not None]
    ymax = _nice_max(max(known) if known else 0.0)
    n = max(1, len(values))

    def x(i: int) -> float:
        return left + (i + 0.5) * w / n

    def y(v: float) -> float:
        return top + h - (v / ymax) * h

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f'<text x="{left}" y="15" class="chart-title">{escape(title)}</text>',
    ]
    for frac in (0, 0.5, 1):
        yy = y(ymax * frac)
        label = _fmt(ymax * frac)
        parts.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{left + w}" y2="{yy:.1f}" class="grid"/>')
        parts.append(
            f'<text x="{left - 4}" y="{yy + 4:.1f}" text-anchor="end" class="axis">'
            f"{label}{escape(unit)}</text>"
        )
    if times:
        for i in sorted({0, len(times) // 2, len(times) - 1}):
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle" class="axis">'
                f"{times[i].strftime('%H:%M')}</text>"
            )
    if bars:
        bw = max(1.0, w / n - 1)
        for i, v in enumerate(values):
            if v:
                parts.append(
                    f'<rect x="{x(i) - bw / 2:.1f}" y="{y(v):.1f}" width="{bw:.1f}"'
                    f' height="{top + h - y(v):.1f}"'
                    f' class="bar"><title>{times[i].strftime("%H:%M") if times else ""}:'
                    f" {_fmt(v)}{escape(unit)}"
                    "</title></rect>"
                )
    else:
        run: list[str] = []
        for i, v in enumerate([*values, None]):
            if v is None:
                if len(run) == 1:
                    cx, cy = run[0].split(",")
                    parts.append(f'<circle cx="{cx}" cy="{cy}" r="2" class="point"/>')
                elif run:
                    parts.append(f'<polyline points="{" ".join(run)}" class="line"/>')
                run = []
            else:
                run.append(f"{x(i):.1f},{y(v):.1f}")
    if not known:
        parts.append(
            f'<text x="{left + w / 2}" y="{top + h / 2}" text-anchor="middle" class="empty">'
            "no data in this hour</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _fmt(v: float) -> str:
    if v == int(v):
        return str(int(v))
    return f"{v:.2f}" if v < 10 else f"{v:.0f}"
