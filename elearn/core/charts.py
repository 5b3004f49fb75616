"""Horizontal bar charts drawn on the server as SVG: the geometry is worked out here, the
markup is ``templates/charts.html``.

A chart is laid out at its natural size (``WIDTH`` CSS pixels wide, as tall as its rows
need) and scales down on narrow screens, so text stays legible on a phone: 14 px drawn at
360 px is about 12 px on a 320 px screen. Short labels (a score bin, a scale value) sit left
of their bar; longer ones (a question, an answer option) above it, shortened to one line -
the table beside every chart carries the full texts and the figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask

WIDTH = 360  # natural width in CSS pixels
CHAR = 7.4  # rough mean advance of a character of 14 px system sans-serif
LABEL_CHAR = 8.2  # the same for short labels of digits, dashes and "%" (wider than letters)
LEFT_LABEL_CHARS = 14  # labels up to this long go left of the bar, longer ones above it
ROW = 26  # height of a row with its label on the left
ROW_ABOVE = 42  # height of a row with its label above the bar
BAR = 18
PAD = 6
TICK_SPACE = 22  # under the plot: the axis line, tick marks and their numbers
AXIS_LABEL_SPACE = 18
MARK_SPACE = 16  # over the plot: the texts of the reference lines


@dataclass(frozen=True)
class Bar:
    """One row: its label as drawn (maybe shortened), the full label, and where it goes."""

    label: str
    full_label: str
    value: float
    text: str  # the value as written next to the bar
    y: float  # top of the bar
    width: float
    label_x: float
    label_y: float  # baseline of the label
    value_x: float


@dataclass(frozen=True)
class Tick:
    x: float
    text: str


@dataclass(frozen=True)
class BarChart:
    """Everything the template needs to draw one chart, in CSS pixels at natural size."""

    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    marks: tuple[Tick, ...]
    labels_above: bool
    axis_label_y: float


def nice_step(maximum: float, intervals: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that covers ``maximum`` in at most
    about ``intervals`` steps."""
    if maximum <= 0:
        return 1
    raw = maximum / intervals
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor == 2.5 and power < 10:
            continue  # 2.5 and 0.25 are no steps for whole numbers
        if factor * power >= raw:
            step = factor * power
            return step if step >= 1 else 1  # counts are whole: no 0.5 steps
    return 10 * power  # pragma: no cover - the loop always returns


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def shorten(text: str, chars: int) -> str:
    """``text`` cut at a word to at most ``chars`` characters, with an ellipsis if cut."""
    text = " ".join(str(text).split())
    if len(text) <= chars:
        return text
    cut = text[: chars - 1].rsplit(" ", 1)[0] if " " in text[: chars - 1] else text[: chars - 1]
    return cut.rstrip(" ,.;:–-") + "…"


def bar_chart(
    rows: Iterable[Sequence[Any]],
    *,
    maximum: float | None = None,
    percent: bool = False,
    marks: Iterable[float] = (),
    axis_label: bool = False,
    width: int = WIDTH,
) -> BarChart:
    """Lay out a horizontal bar chart.

    Args:
        rows: (label, value, text) per bar: the value sets the bar's length, the text is
            written next to it (e.g. "12 (40 %)").
        maximum: the value of a full-length bar; by default a round number just above the
            largest value (100 with ``percent``).
        percent: the values are percentages: the axis runs 0-100 % in quarters.
        marks: values to draw a dashed reference line at (e.g. the 30 % "too hard" limit).
        axis_label: leave room under the axis for its label.
    """
    items = [(str(r[0]), float(r[1] or 0), str(r[2])) for r in rows]
    largest = max((v for _, v, _ in items), default=0.0)
    if percent:
        top, step = 100.0, 25.0
    else:
        wanted = maximum if maximum else largest
        step = nice_step(wanted)
        top = max(step, math.ceil(wanted / step) * step)
    labels_above = any(len(label) > LEFT_LABEL_CHARS for label, _, _ in items)
    value_space = max((len(text) for _, _, text in items), default=1) * CHAR + 2 * PAD
    if labels_above:
        plot_left = float(PAD)
        row = ROW_ABOVE
    else:
        longest = max((len(label) for label, _, _ in items), default=1)
        plot_left = longest * LABEL_CHAR + 2 * PAD
        row = ROW
    mark_values = [float(m) for m in marks]
    plot_top = float(MARK_SPACE if mark_values else PAD)
    plot_right = width - value_space
    span = plot_right - plot_left
    label_chars = int((width - 2 * PAD) / CHAR)
    bars = []
    for index, (label, value, text) in enumerate(items):
        y0 = plot_top + index * row
        bar_y = y0 + (row - BAR - PAD if labels_above else (row - BAR) / 2)
        length = span * min(value, top) / top if top else 0.0
        bars.append(
            Bar(
                label=shorten(label, label_chars) if labels_above else label,
                full_label=label,
                value=value,
                text=text,
                y=round(bar_y, 1),
                width=round(max(length, 0.0), 1),
                label_x=PAD if labels_above else plot_left - PAD,
                label_y=round(y0 + 14 if labels_above else bar_y + BAR / 2 + 5, 1),
                value_x=round(plot_left + length + PAD, 1),
            )
        )
    plot_bottom = plot_top + len(items) * row
    ticks = []
    count = int(round(top / step))
    for i in range(count + 1):
        value = step * i
        text = f"{_number(value)} %" if percent else _number(value)
        ticks.append(Tick(x=round(plot_left + span * value / top, 1), text=text))
    scaled_marks = tuple(
        Tick(x=round(plot_left + span * m / top, 1), text=f"{_number(m)} %" if percent else "")
        for m in mark_values
    )
    height = plot_bottom + TICK_SPACE + (AXIS_LABEL_SPACE if axis_label else 0) + PAD
    return BarChart(
        width=width,
        height=int(math.ceil(height)),
        plot_left=round(plot_left, 1),
        plot_right=round(plot_right, 1),
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        bars=tuple(bars),
        ticks=tuple(ticks),
        marks=scaled_marks,
        labels_above=labels_above,
        axis_label_y=plot_bottom + TICK_SPACE + AXIS_LABEL_SPACE - 4,
    )


def init_app(app: Flask) -> None:
    """Offer ``chart_layout`` to the templates (``templates/charts.html`` uses it)."""
    app.jinja_env.globals["chart_layout"] = bar_chart
