"""Bar charts drawn at build time as inline SVG: offline, and coloured by the theme's CSS."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from jinja2 import Environment, PackageLoader

from .pagination import MONTH_NAMES

_env = Environment(loader=PackageLoader("generator.pages", "templates"), autoescape=True,
                   trim_blocks=True, lstrip_blocks=True)

BAR = 18
GAP = 6
LABEL = 260
WIDTH = 760
HEIGHT = 260


# Months drawn at most: five years keep a bar at least 10 units wide, a month a click target.
MAX_MONTHS = 60


def month_window(months: Iterable[tuple[int, int]], limit: int = MAX_MONTHS) -> list[tuple[int, int]]:
    """Every calendar month, empty ones too, from the first of `months` (year, month) to the
    last, at most the last `limit` of them; [] for none."""
    keys = sorted(set(months))
    if not keys:
        return []
    (y0, m0), (y1, m1) = keys[0], keys[-1]
    first = max(y0 * 12 + m0 - 1, y1 * 12 + m1 - limit)
    return [divmod(i, 12) for i in range(first, y1 * 12 + m1)]


def month_chart(counts: Mapping[tuple[int, int], int], title: str, href: Callable[[int, int], str],
                limit: int = MAX_MONTHS, number: Callable[[int], str] = str) -> str:
    """Papers per month on a real time axis: one slot per calendar month of the window
    (`month_window`), so an empty month is a gap; each bar links to its month (`href(year,
    month)`, a relative URL); years labelled at their January. SVG in user units (760 by
    260) that the page lets scroll sideways rather than shrink its text (generator/theme/assets/
    papers.css); counts written by `number` (render.number_format). Empty string when no month
    has papers."""
    window = [(y, m + 1) for y, m in month_window(counts, limit)]
    if not window:
        return ""
    left, top, base = 44, 16, HEIGHT - 44
    step = (WIDTH - left - 4) / len(window)
    peak = max(counts.get(k, 0) for k in window) or 1
    bars, ticks = [], []
    for i, (y, m) in enumerate(window):
        x = left + 2 + i * step
        if m == 1 or i == 0:
            ticks.append({"x": x, "label": str(y) if m == 1 or len(window) < 4 else f"{MONTH_NAMES[m - 1][:3]} {y}"})
        n = counts.get((y, m), 0)
        if n:
            h = max((base - top) * n / peak, 1.5)
            bars.append({"x": x + step * 0.1, "w": max(step * 0.8, 1), "y": base - h, "h": h,
                         "value": number(n), "paper": n == 1, "label": f"{MONTH_NAMES[m - 1][:3]} {y}",
                         "href": href(y, m)})
    # A label too close to the previous one (the first month, a December) would overlap it.
    ticks = [t for i, t in enumerate(ticks) if i == len(ticks) - 1 or ticks[i + 1]["x"] - t["x"] > 48]
    return _env.get_template("chart-months.svg").render(
        title=title, slug="papers-per-month", bars=bars, ticks=ticks, width=WIDTH, height=HEIGHT,
        left=left, top=top, base=base, peak=number(peak),
    )


def bar_chart(rows: Sequence[tuple[str, int]], title: str, number: Callable[[int], str] = str) -> str:
    """An accessible SVG bar chart of (label, value) rows, values written by `number`
    (render.number_format); empty string for no rows."""
    if not rows:
        return ""
    peak = max(v for _, v in rows) or 1
    bars = [
        {"y": 10 + i * (BAR + GAP), "w": (WIDTH - LABEL - 70) * v / peak, "label": label, "value": number(v)}
        for i, (label, v) in enumerate(rows)
    ]
    return _env.get_template("chart-bars.svg").render(
        title=title, bars=bars, width=WIDTH, height=20 + len(rows) * (BAR + GAP), bar=BAR, label=LABEL,
    )
