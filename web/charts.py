"""Server-side SVG charts: no JavaScript, no CDN (the office network has no internet), nothing
inline for the CSP to refuse. Laid out so that labels never overlap: categories with long
names (the states) are horizontal bars with the label on its own line(s) at the left; the twelve
months are columns under which 1月 … 12月 always fit. Every chart carries its numbers as rows
for the table view (screen readers, copying into a report); a chart with no data says so."""
from __future__ import annotations

from dataclasses import dataclass

LABEL_CHARS = 8  # CJK characters per label line at the left of a horizontal bar
CHAR = 13  # px per CJK character at the chart's font size
ROW = 34  # px per horizontal bar


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    x: float
    y: float
    width: float
    height: float
    text: str
    lines: tuple[str, ...] = ()  # the label, wrapped
    text_x: float = 0
    text_y: float = 0


def _text(value: float | None, percent: bool) -> str:
    if value is None:
        return "—"
    return f"{value:.0%}" if percent else f"{value:g}"


def _wrap(label: str, width: int = LABEL_CHARS) -> tuple[str, ...]:
    """At most two lines of ``width`` characters; a longer label ends in …"""
    if len(label) <= width:
        return (label,)
    second = label[width:]
    return label[:width], second if len(second) <= width else second[:width - 1] + "…"


def hbars(data: list[tuple[str, float | None]], *, width=640, percent=False) -> dict:
    """Horizontal bars, one row per (label, value), the label (wrapped) left of its bar and the
    value right of it."""
    top = 1.0 if percent else max([v or 0 for _, v in data] + [1])
    label_w = min(LABEL_CHARS, max([len(label) for label, _ in data] + [2])) * CHAR + 12
    room = width - label_w - 56  # the value's text right of the longest bar
    out = []
    for i, (label, value) in enumerate(data):
        length = (value or 0) / top * room if top else 0
        y = 8 + i * ROW
        out.append(Bar(label, value, label_w, y + 6, max(length, 0), ROW - 14, _text(value, percent),
                       lines=_wrap(label), text_x=label_w + length + 6, text_y=y + ROW / 2 + 3))
    return _chart(out, width, 16 + len(data) * ROW, percent, label_x=label_w - 8)


def columns(data: list[tuple[str, float | None]], *, width=640, height=220, percent=False) -> dict:
    """Vertical columns for a short axis (the twelve months): short labels, never rotated."""
    top = 1.0 if percent else max([v or 0 for _, v in data] + [1])
    slot = (width - 20) / max(len(data), 1)
    plot = height - 44
    out = []
    for i, (label, value) in enumerate(data):
        h = (value or 0) / top * plot if top else 0
        x = 10 + i * slot + slot * 0.2
        out.append(Bar(label, value, x, height - 24 - h, slot * 0.6, h, _text(value, percent), lines=(label,),
                       text_x=x + slot * 0.3, text_y=height - 24 - h - 4))
    return _chart(out, width, height, percent, axis_y=height - 24, label_y=height - 8)


def _chart(bars: list[Bar], width, height, percent, **layout) -> dict:
    # no data: no counts at all, or no rate for any period (a rate of 0% is data, shown as such)
    empty = not bars or all(b.value is None or (not percent and not b.value) for b in bars)
    return {"bars": bars, "width": width, "height": height, "empty": empty, "percent": percent, **layout}


# the old name, kept for callers elsewhere
bars = columns
