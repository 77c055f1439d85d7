"""Bar charts drawn at build time as inline SVG: offline, and coloured by the theme's CSS."""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment, PackageLoader

_env = Environment(loader=PackageLoader("generator.pages", "templates"), autoescape=True,
                   trim_blocks=True, lstrip_blocks=True)

BAR = 18
GAP = 6
LABEL = 260
WIDTH = 760
HEIGHT = 260


def bar_chart(rows: Sequence[tuple[str, int]], title: str, vertical: bool = False) -> str:
    """An accessible SVG bar chart of (label, value) rows; empty string for no rows."""
    if not rows:
        return ""
    peak = max(v for _, v in rows) or 1
    if vertical:
        step = (WIDTH - 40) / len(rows)
        bars = [
            {"x": 40 + i * step, "w": max(step - 2, 1), "h": (HEIGHT - 60) * v / peak,
             "y": HEIGHT - 40 - (HEIGHT - 60) * v / peak, "label": label, "value": v,
             "show": i % max(1, len(rows) // 12) == 0}
            for i, (label, v) in enumerate(rows)
        ]
        return _env.get_template("chart-columns.svg").render(
            title=title, bars=bars, width=WIDTH, height=HEIGHT, peak=peak, base=HEIGHT - 40,
        )
    bars = [
        {"y": 10 + i * (BAR + GAP), "w": (WIDTH - LABEL - 70) * v / peak, "label": label, "value": v}
        for i, (label, v) in enumerate(rows)
    ]
    return _env.get_template("chart-bars.svg").render(
        title=title, bars=bars, width=WIDTH, height=20 + len(rows) * (BAR + GAP), bar=BAR, label=LABEL,
    )
