"""Bar charts as plain numbers for an inline SVG (the ``bar_chart`` macro): no script, no
library. Groups side by side (a month), one bar per series in each (approved, paid).

>>> chart = bar_chart(["jan", "feb"], {"Godkjent": [100, 50], "Utbetalt": [80, 0]})
>>> [b.height for b in chart.bars]  # January: approved, paid; February: approved, paid
[206.0, 164.8, 103.0, 0.0]
>>> max(b.height for b in chart.bars) == chart.base - chart.top
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    series: int
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass
class BarChart:
    width: int
    height: int
    left: int
    top: int
    base: int
    series: list[str]
    bars: list[Bar] = field(default_factory=list)
    groups: list[Label] = field(default_factory=list)
    ticks: list[Label] = field(default_factory=list)


def _short(value: float) -> str:
    """An axis label: ``12 k``, ``1,5 k``, ``1,5 mill``.

    >>> [_short(v) for v in (0, 500, 1000, 1500, 12_000, 1_500_000)]
    ['0', '500', '1 k', '1,5 k', '12 k', '1,5 mill']
    """
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f} mill".replace(".", ",")
    if value >= 10_000:
        return f"{value / 1_000:.0f} k"
    if value >= 1_000:
        return f"{value / 1_000:.1f} k".replace(".", ",").replace(",0 k", " k")
    return f"{value:.0f}"


def _top(largest: float) -> float:
    """A round number at or above *largest* for the axis."""
    if largest <= 0:
        return 1.0
    step = 10 ** (len(str(int(largest))) - 1)
    return float(-(-largest // step) * step)


def bar_chart(
    groups: Sequence[str], series: Mapping[str, Sequence[Decimal | int | float]],
    *, width: int = 720, height: int = 240, unit: str = "kr",
) -> BarChart:  # fmt: skip
    """The bars of *series* (name → one value per group), scaled to the largest value."""
    left, top, bottom = 56, 10, 24
    base = height - bottom
    names = list(series)
    chart = BarChart(width, height, left, top, base, names)
    peak = _top(max((float(v) for values in series.values() for v in values), default=0.0))
    slot = (width - left) / max(len(groups), 1)
    bar_width = slot * 0.8 / max(len(names), 1)
    for g, group in enumerate(groups):
        x0 = left + g * slot + slot * 0.1
        chart.groups.append(Label(round(left + (g + 0.5) * slot, 1), base + 16, group))
        for s, name in enumerate(names):
            value = float(series[name][g])
            h = round((base - top) * max(value, 0.0) / peak, 1)
            chart.bars.append(Bar(s, round(x0 + s * bar_width, 1), round(base - h, 1),
                                  round(bar_width - 2, 1), h,
                                  f"{name} {group}: {_short(value)} {unit}"))  # fmt: skip
    for i in range(5):
        value = peak * i / 4
        chart.ticks.append(Label(left, round(base - (base - top) * i / 4, 1), _short(value)))
    return chart
