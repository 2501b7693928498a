"""Horizontal bar charts drawn as SVG on the server (no script, no third-party service).

Every chart is rendered with its data table (``templates/participation/_bar_chart.html``):
the SVG is a picture for sighted readers, the table carries the numbers for everyone else and
for the council's PDF.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 60
BAR_HEIGHT = 22
GAP = 10
LABEL_CHARS = 30


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    value: int
    y: int
    width: int

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2 + 5

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class BarChart:
    id: str  # element id, unique on the page
    title: str
    value_label: str
    bars: list[Bar]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * (BAR_HEIGHT + GAP) + GAP

    @property
    def total(self) -> int:
        return sum(b.value for b in self.bars)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(id: str, title: str, value_label: str, rows: list[tuple[str, int]]) -> BarChart:
    """Bars scaled to the largest value (a chart of zeros draws no bars, only labels)."""
    largest = max((value for _label, value in rows), default=0)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            label,
            _short(label),
            value,
            GAP + i * (BAR_HEIGHT + GAP),
            round(room * value / largest) if largest else 0,
        )
        for i, (label, value) in enumerate(rows)
    ]
    return BarChart(id, title, value_label, bars)
