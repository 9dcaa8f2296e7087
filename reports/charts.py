"""Charts drawn as SVG on the server: shapes worked out here, the template only places them.

No charting library and nothing from a CDN: the page's Content Security Policy allows neither.
Every chart carries a title and a one-sentence summary for screen readers, and the page prints
its figures as a table beside it.
"""

import math
from dataclasses import dataclass


@dataclass
class Bar:
    label: str
    value: int
    colour: str
    x: float
    y: float
    width: float
    height: float
    value_x: float
    value_y: float
    label_x: float
    label_y: float
    sublabel: str = ""


@dataclass
class Chart:
    title: str
    summary: str
    width: int
    height: int
    bars: list
    gridlines: list  # [(y, label)] for column charts
    baseline: float = 0


def horizontal_bars(items, *, title, unit="students"):
    """Lay out one horizontal bar per (label, value, colour), largest value across the full width."""
    width, label_width, value_space, bar_height, gap, top = 640, 150, 56, 22, 8, 6
    largest = max((value for _, value, _ in items), default=0) or 1
    scale = (width - label_width - value_space) / largest
    bars = []
    for index, (label, value, colour) in enumerate(items):
        y = top + index * (bar_height + gap)
        length = round(value * scale, 1)
        bars.append(
            Bar(
                label=label,
                value=value,
                colour=colour,
                x=label_width,
                y=y,
                width=length,
                height=bar_height,
                value_x=label_width + length + 6,
                value_y=y + bar_height / 2 + 5,
                label_x=label_width - 8,
                label_y=y + bar_height / 2 + 5,
            )
        )
    total = sum(value for _, value, _ in items)
    parts = ", ".join(f"{label} {value}" for label, value, _ in items)
    return Chart(
        title=title,
        summary=f"{title}: {total} {unit} in all. {parts}.",
        width=width,
        height=top * 2 + len(items) * (bar_height + gap),
        bars=bars,
        gridlines=[],
    )


def columns(items, *, title, colour="#0b5ed7", unit="results"):
    """Lay out one column per (label, sublabel, value), with gridlines at nice round values."""
    width, height, left, right, top, bottom = 640, 240, 44, 8, 14, 44
    plot_height = height - top - bottom
    ceiling = _nice_ceiling(max((value for _, _, value in items), default=0))
    column_width = (width - left - right) / max(len(items), 1)
    bar_width = column_width * 0.62
    baseline = top + plot_height
    bars = []
    for index, (label, sublabel, value) in enumerate(items):
        bar_height = round(value / ceiling * plot_height, 1)
        x = left + index * column_width + (column_width - bar_width) / 2
        centre = round(left + index * column_width + column_width / 2, 1)
        bars.append(
            Bar(
                label=label,
                sublabel=sublabel,
                value=value,
                colour=colour,
                x=round(x, 1),
                y=round(baseline - bar_height, 1),
                width=round(bar_width, 1),
                height=bar_height,
                value_x=centre,
                value_y=round(baseline - bar_height - 4, 1),
                label_x=centre,
                label_y=baseline + 16,
            )
        )
    gridlines = [
        (round(baseline - plot_height * step / 2, 1), str(ceiling * step // 2)) for step in (0, 1, 2)
    ]
    total = sum(value for _, _, value in items)
    busiest = max(items, key=lambda item: item[2], default=None)
    summary = f"{title}: {total} {unit} in all"
    if busiest and busiest[2]:
        summary += f", most in {busiest[0]} {busiest[1]} ({busiest[2]})"
    return Chart(
        title=title,
        summary=summary + ".",
        width=width,
        height=height,
        bars=bars,
        gridlines=gridlines,
        baseline=baseline,
    )


def _nice_ceiling(value):
    """Return an even round number at or above the value (2, 4, 10, 20, 50 …), for the axis."""
    if value <= 2:
        return 2
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 4, 5, 10):
        ceiling = step * magnitude
        if ceiling >= value and ceiling % 2 == 0:
            return ceiling
    return 10 * magnitude
