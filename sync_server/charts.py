"""Inline SVG charts: no JavaScript, no CDN, readable without a network.

    svg = bar_chart([("2026-11-24", 12), ("2026-11-25", 30)], title="Dialogues per day")
    svg = line_chart([("2026-11-24", 0.8), ("2026-11-25", None)], title="Comprehension", percent=True)
"""
from __future__ import annotations

from html import escape

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 200, 44, 28, 22


def _day(label: str) -> str:
    """"2026-11-24" -> "11-24", "2026-11" -> "11": the year is in the page's title."""
    return label[5:]


def _frame(title: str, top_label: str, labels: list[str], body: str, tick=_day) -> str:
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    step = max(1, len(labels) // 6)
    width = (WIDTH - PAD_LEFT - 8) / max(1, len(labels))
    ticks = "".join(
        f'<text x="{PAD_LEFT + width * (i + 0.5):.1f}" y="{HEIGHT - 8}" font-size="10" text-anchor="middle" '
        f'fill="#555">{escape(tick(label))}</text>'
        for i, label in enumerate(labels) if i % step == 0)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-label="{escape(title)}" class="chart">'
            f'<text x="{PAD_LEFT}" y="14" font-size="13" font-weight="600" fill="#222">{escape(title)}</text>'
            f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + 10}" font-size="10" text-anchor="end" fill="#555">'
            f'{escape(top_label)}</text>'
            f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + plot_h}" font-size="10" text-anchor="end" fill="#555">0</text>'
            f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH - 8}" y2="{PAD_TOP + plot_h}" stroke="#999"/>'
            f'{body}{ticks}</svg>')


def bar_chart(points: list[tuple[str, float]], title: str, color: str = "#2f6fb3") -> str:
    """One bar per (label, value); the axis top is the largest value."""
    top = max([v for _, v in points] + [1])
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    width = (WIDTH - PAD_LEFT - 8) / max(1, len(points))
    bars = []
    for i, (label, value) in enumerate(points):
        h = plot_h * value / top
        bars.append(f'<rect x="{PAD_LEFT + width * i + 1:.1f}" y="{PAD_TOP + plot_h - h:.1f}" '
                    f'width="{max(1.0, width - 2):.1f}" height="{h:.1f}" fill="{color}">'
                    f'<title>{escape(label)}: {value:g}</title></rect>')
    return _frame(title, f"{top:g}", [p[0] for p in points], "".join(bars))


def line_chart(points: list[tuple[str, float | None]], title: str, percent: bool = False,
               color: str = "#2e8b57", tick=_day) -> str:
    """A line through the values that are not None; `percent` draws 0..100 %; `tick`
    shortens each label under the axis."""
    top = 1.0 if percent else max([v for _, v in points if v is not None] + [1])
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    width = (WIDTH - PAD_LEFT - 8) / max(1, len(points))
    coords = [(PAD_LEFT + width * (i + 0.5), PAD_TOP + plot_h - plot_h * v / top, label, v)
              for i, (label, v) in enumerate(points) if v is not None]
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y, _, _) in enumerate(coords))
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"><title>{escape(label)}: '
                   f'{v * 100 if percent else v:.0f}{"%" if percent else ""}</title></circle>'
                   for x, y, label, v in coords)
    line = f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2"/>' if len(coords) > 1 else ""
    return _frame(title, "100%" if percent else f"{top:g}", [p[0] for p in points], line + dots, tick)
