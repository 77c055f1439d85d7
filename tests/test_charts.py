"""The "Papers per month" chart: a real time axis, bars that link to their month, undated
papers counted in a note, text that stays readable on a phone."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from generator.data.pipeline import collect
from generator.pages.charts import month_chart, month_window
from generator.pages.render import Renderer
from generator.site.config import default_settings

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"


def _bars(svg: str) -> list[tuple[float, str, str]]:
    """(x, href, tooltip) of every bar."""
    root = ET.fromstring(svg)
    return [(float(a.find(f"{SVG}rect").get("x")), a.get("href"), a.find(f"{SVG}rect/{SVG}title").text)
            for a in root.iter(f"{SVG}a")]


def test_window_holds_every_calendar_month_empty_ones_too() -> None:
    assert month_window([(2021, 11), (2022, 2)]) == [(2021, 10), (2021, 11), (2022, 0), (2022, 1)]
    assert month_window([]) == []
    assert len(month_window([(2018, 1), (2025, 6)])) == 60


def test_empty_months_are_gaps_on_a_time_axis() -> None:
    svg = month_chart({(2021, 12): 3, (2022, 1): 5, (2022, 6): 2}, "Papers per month",
                      lambda y, m: f"../dates/{y:04d}/{m:02d}/")
    bars = _bars(svg)
    assert [t for _, _, t in bars] == ["Dec 2021: 3", "Jan 2022: 5", "Jun 2022: 2"]
    assert [h for _, h, _ in bars] == ["../dates/2021/12/", "../dates/2022/01/", "../dates/2022/06/"]
    step = bars[1][0] - bars[0][0]
    # June is five months after January: five slots, four of them empty.
    assert abs((bars[2][0] - bars[1][0]) - 5 * step) < 0.5
    assert ">2022</text>" in svg


def test_stats_page_counts_undated_papers_and_links_bars() -> None:
    archive = collect(default_settings(sources=[ROOT / "content" / "raw"], related=0))
    page = Renderer(archive, page_size=50).stats_page()
    undated = sum(1 for p in archive.papers if not p.date)
    assert f"{undated} undated papers are not drawn" in page
    svg = page[page.index("<svg"):page.index("</svg>") + 6]
    bars = _bars(svg)
    assert bars and all(re.fullmatch(r"\.\./dates/\d{4}/\d{2}/", h) for _, h, _ in bars)
    drawn = sum(int(t.rsplit(": ", 1)[1]) for _, _, t in bars)
    before = re.search(r"(\d+) older papers? (?:is|are) in", page)
    assert drawn + (int(before.group(1)) if before else 0) + undated == len(archive.papers)
    # Text of 15 user units in a chart at least 38rem wide (papers.css): never under 12 px.
    css = (ROOT / "generator" / "theme" / "assets" / "papers.css").read_text(encoding="utf-8")
    assert "min-width: 38rem" in css and "font-size: 15px" in css
    width = float(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
    assert 15 * (38 * 16) / width >= 12
