"""Server-side SVG bar charts: no JavaScript, no CDN (the office network has no internet)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    text: str


def bars(data: list[tuple[str, float]], *, width=560, height=200, percent=False) -> dict:
    """Geometry for the template: one bar per (label, value); values are counts or 0..1 rates."""
    top = 1.0 if percent else max([v for _, v in data] + [1])
    n = max(len(data), 1)
    slot = width / n
    out = []
    for i, (label, value) in enumerate(data):
        h = (value / top) * (height - 30) if top else 0
        text = f"{value:.0%}" if percent else f"{value:g}"
        out.append(Bar(label, value, i * slot + slot * 0.15, height - 20 - h, slot * 0.7, h, text))
    return {"bars": out, "width": width, "height": height}
