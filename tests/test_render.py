"""Rendering: Markdown escaping, front matter, pagination, golden pages, incremental writes."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.data.model import Paper, Source
from generator.data.pipeline import collect
from generator.pages.render import (
    Renderer,
    clean,
    front_matter,
    html_text,
    md_text,
    render,
    tex_html,
    write_outputs,
)
from generator.pages.urls import Urls, paper_file
from generator.site.config import default_settings

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "markdown"
EXTENSIONS = ["attr_list", "tables"]  # as in mkdocs.yml

HOSTILE = [
    "<script>alert('x')</script>",
    "# Not a heading",
    "> not a quote",
    "1. not a list",
    "- not a list either",
    "+ nor this",
    "*stars* and _underscores_ and __bold__ and **bold**",
    "a | table | row",
    "{{ jinja }} and {% block %} and {# comment #}",
    r"LaTeX $\alpha_i + \beta^2$ and \emph{x} and \\ double",
    "[a link](javascript:alert(1)) and ![img](x.png)",
    "`code` and ``more``",
    "<img src=x onerror=alert(1)>",
    "&amp; &lt; &#124; entities stay visible",
    "ends with a backslash \\",
    "attr list { .class #id } and {: .x }",
    "---",
    "***",
    "    indented like code",
    "<!-- an HTML comment -->",
    "[^1]: footnote",
    "term\n: definition",
    "http://example.com/_under_score_",
    "emoji 🚀 and CJK 大型语言模型 and RTL نموذج",
]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def shown(markdown_text: str) -> tuple[str, list[str]]:
    """The text a browser shows for a Markdown snippet, and the tags it makes."""
    parser = _Text()
    parser.feed(markdown.markdown(markdown_text, extensions=EXTENSIONS))
    return " ".join("".join(parser.parts).split()), parser.tags


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_escaping_shows_text_verbatim(text: str) -> None:
    as_paragraph, tags = shown(md_text(text))
    assert as_paragraph == clean(text)
    assert tags == ["p"]
    as_heading, tags = shown("# " + md_text(text))
    assert as_heading == clean(text)
    assert tags == ["h1"]


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=120))
def test_any_text_survives_markdown(text: str) -> None:
    expected = clean(text)
    got, tags = shown(md_text(text))
    assert got == expected
    assert set(tags) <= {"p"}


@given(st.text(max_size=200))
def test_front_matter_is_yaml_that_reads_back(text: str) -> None:
    block = front_matter({"title": html_text(text), "paper": {"tags": [text]}})
    assert block.startswith("---\n") and block.endswith("---\n\n")
    data = yaml.safe_load(block.strip().strip("-"))
    assert data["title"] == html_text(text)
    assert data["paper"]["tags"] == [text]


def test_html_text_escapes_markup() -> None:
    assert html_text('<b a="1">&</b>') == "&lt;b a=&quot;1&quot;&gt;&amp;&lt;/b&gt;"


def _paper(n: int, day: date | None) -> Paper:
    return Paper(
        id=f"paper-{n}", title=f"Paper {n}", abstract=f"Abstract {n}.", date=day, upvotes=n, comments=None, arxiv_id=None,
        authors=None, organization=None, org_id=None, links=(), sources=(Source("x.txt", n),),
        tags=("T",),
    )


@pytest.fixture(scope="module")
def sample_pages() -> dict[str, str]:
    archive = collect(default_settings(sources=[ROOT / "content" / "raw"], tags=ROOT / "tests" / "fixtures" / "tags-golden.yml"))
    return render(archive, page_size=50, urls=Urls(site_url="https://example.org/archive/"))


GOLDEN_PAGES = {
    "index.md": "index.md",
    "paper.md": "papers/2025/10/distributional-semantics-tracing-a-framework-for-explaining-hallucinations.md",
    "tag.md": "tags/recommendation/index.md",
    "dates.md": "dates/index.md",
    "month.md": "dates/2025/10/index.md",
    "orgs.md": "orgs/index.md",
}


@pytest.mark.parametrize("golden", sorted(GOLDEN_PAGES))
def test_golden_markdown(sample_pages: dict[str, str], golden: str) -> None:
    """Generated Markdown equals the reviewed copy (PAPERS_REGEN_GOLDEN=1 rewrites it)."""
    text = sample_pages[GOLDEN_PAGES[golden]]
    path = GOLDEN / golden
    if os.environ.get("PAPERS_REGEN_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_every_paper_has_a_page_and_listings_cover_everyone(sample_pages: dict[str, str]) -> None:
    import json

    data = json.loads(sample_pages["papers.json.gz"])
    assert data["count"] == len(data["papers"]) == 394
    for record in data["papers"]:
        page = sample_pages[record["url"].rstrip("/") + ".md"]
        assert f">{tex_html(record['title'])}</h1>\n" in page
    listed = set()
    for path, text in sample_pages.items():
        if path.startswith("dates/") and re.search(r"dates/(\d{4}/\d{2}|undated)/", path):
            listed.update(re.findall(r'href="(?:\.\./)+papers/[^"]+/([^/"]+)/"', text))
    assert listed == {p["id"] for p in data["papers"]}


def test_write_outputs_writes_only_changes(tmp_path: Path) -> None:
    outputs = {"index.md": "home\n", "papers/2025/01/a.md": "a\n", "tags/t/index.md": "t\n"}
    assert write_outputs(tmp_path, outputs) == (3, 0, 0)
    stamp = (tmp_path / "index.md").stat().st_mtime_ns
    assert write_outputs(tmp_path, outputs) == (0, 3, 0)
    assert (tmp_path / "index.md").stat().st_mtime_ns == stamp
    (tmp_path / "notes.md").write_text("mine")  # a user's own page is never touched
    smaller = {k: v for k, v in outputs.items() if not k.startswith("papers/")}
    assert write_outputs(tmp_path, smaller) == (0, 2, 1)
    assert not (tmp_path / "papers").exists()
    assert (tmp_path / "notes.md").read_text() == "mine"


def test_feed_is_valid_atom_with_the_newest_papers(sample_pages: dict[str, str]) -> None:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(sample_pages["feed.xml"].encode("utf-8"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert 0 < len(entries) <= 50
    links = [e.find("a:link", ns).get("href") for e in entries]
    assert all(link.startswith("https://example.org/archive/papers/") for link in links)
    dates = [e.find("a:updated", ns).text for e in entries]
    assert dates == sorted(dates, reverse=True)


def test_control_characters_never_reach_html_or_xml() -> None:
    from generator.data.pipeline import Archive

    bad = replace(_paper(1, date(2025, 1, 2)), title="Bell\x07 and\x00 nul", abstract="esc\x1b[31m red\x7f")
    pages = Renderer(Archive([], [bad], []), page_size=50).render()
    for name in (paper_file(bad), "feed.xml"):
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", pages[name]), name


def test_a_paper_page_that_cannot_be_rendered_is_made_plain_and_reported(monkeypatch):
    """No single paper stops a build: a failure rendering one paper's page (here, forced) gives
    that page its title and abstract as plain text and a problem naming where it was read."""
    from generator.data.model import Paper, Source
    from generator.data.pipeline import Archive
    from generator.pages.render import Renderer

    good = Paper("good", "A Good Paper", "Its abstract.", None, None, None, None, None, None, None, (),
                 (Source("a.txt", 3),))
    bad = Paper("bad", "A <Bad> Paper", "Its <abstract>.", None, None, None, None, None, None, None, (),
                (Source("b.txt", 7),))
    renderer = Renderer(Archive([], [good, bad], []), 50)
    real = renderer.paper_parts

    def failing(paper):
        if paper.id == "bad":
            raise ValueError("a template broke")
        return real(paper)

    monkeypatch.setattr(renderer, "paper_parts", failing)
    pages = renderer.render()
    assert "A Good Paper" in pages["papers/undated/good.md"]
    plain = pages["papers/undated/bad.md"]
    assert "A &lt;Bad&gt; Paper" in plain and "Its &lt;abstract&gt;." in plain and "<Bad>" not in plain
    assert [str(p) for p in renderer.problems] == [
        "b.txt:7: page of 'A <Bad> Paper' shown as plain text: ValueError: a template broke"]
