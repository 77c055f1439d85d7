"""Listings a reader trusts: Hugging Face's order within a day, one page per organization, and
(on the real corpus when it is present) what the issue found wrong there."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from parse_helpers import require_corpus
from render_helpers import paper, renderer

from generator.data.merge import title_key
from generator.data.pipeline import Archive, collect
from generator.pages.render import Renderer
from generator.site.config import default_settings

ROOT = Path(__file__).resolve().parents[1]
# A paper's link in a listing row, its id the last part of the URL.
ITEM = re.compile(r'<li><a href="(?:\.\./)*papers/[^"]+/([^/"]+)/">')


@pytest.fixture(scope="module")
def real() -> tuple[Archive, Renderer]:
    archive = collect(default_settings(sources=[require_corpus()], tags=ROOT / "content" / "tags.yml", related=0))
    return archive, Renderer(archive, page_size=50)


def listing_ids(pages: dict[str, str], folder: str) -> list[str]:
    """The paper ids of a listing, read from its pages newest first (the index, then page-N down)."""
    files = [path for path in pages if re.fullmatch(re.escape(folder) + r"/(index|page-\d+)\.md", path)]
    files.sort(key=lambda f: -10**9 if f.endswith("index.md") else -int(re.search(r"page-(\d+)", f).group(1)))
    return [i for f in files for i in ITEM.findall(pages[f])]


# Organizations ----------------------------------------------------------------------------------

def test_ids_that_share_a_display_name_are_one_organization():
    """`PekingUniversity` and `PKU` both show "Peking University": one page, named after the id
    with the most papers, that the papers with the name alone join too; its intro names both ids."""
    papers = [paper(1, organization="Peking University", org_id="PekingUniversity"),
              paper(2, organization="Peking University", org_id="PekingUniversity"),
              paper(3, organization="Peking University", org_id="PKU"),
              paper(4, organization="peking  university"),
              paper(5, organization="Other Lab", org_id="other")]
    r = renderer(*papers)
    pages = r.org_pages()
    assert [(name, len(ps)) for _, name, ps in r.org_groups()] == [("Peking University", 4), ("Other Lab", 1)]
    assert sorted(listing_ids(pages, "orgs/pekinguniversity")) == ["paper-1", "paper-2", "paper-3", "paper-4"]
    assert not any(path.startswith("orgs/pku/") for path in pages)
    intro = pages["orgs/pekinguniversity/index.md"]
    assert "[PekingUniversity](https://huggingface.co/PekingUniversity), [PKU](https://huggingface.co/PKU)" in intro
    for p in papers[:4]:
        assert r.org_page(p) == "orgs/pekinguniversity/index.md"


def test_the_organizations_index_is_filed_by_initial():
    names = ["Zeta", "alpha", "Ärzte", "Beta", "北京大学", "42 Labs"] + [f"Org {n:02d}" for n in range(25)]
    r = renderer(*(paper(n, organization=name, org_id=f"id-{n}") for n, name in enumerate(names)))
    index = r.org_pages()["orgs/index.md"]
    heads = re.findall(r'<h2 id="([^"]+)">([^<]+)</h2>', index)
    assert heads == [("most-papers", "Most papers"), ("org-a", "A"), ("org-b", "B"), ("org-o", "O"),
                     ("org-z", "Z"), ("org-other", "Other")]
    # The line of initials leads to every heading.
    nav = re.search(r'<nav class="papers-initials"[^>]*>(.*?)</nav>', index).group(1)
    assert re.findall(r'href="#([^"]+)"', nav) == [h for h, _ in heads]
    section = index.split('<h2 id="org-a">')[1].split("</ul>")[0]
    assert re.findall(r">([^<]+)</a>", section) == ["alpha", "Ärzte"]
    other = index.split('<h2 id="org-other">')[1].split("</ul>")[0]
    assert re.findall(r">([^<]+)</a>", other) == ["42 Labs", "北京大学"]


def test_real_corpus_one_organization_one_page(real):
    """The issue's pairs (Peking University 44 + 2, Zhejiang University 27 + 9, Tsinghua 33 + 2):
    every paper that shows one display name is on one organization page, and no two pages
    of organizations have the same name."""
    archive, r = real
    pages = r.org_pages()
    groups = r.org_groups()
    names = Counter(name.casefold() for _, name, _ in groups)
    assert [n for n, k in names.items() if k > 1] == []
    by_name: dict[str, set[str]] = defaultdict(set)
    for p in archive.papers:
        if p.organization:
            by_name[title_key(p.organization)].add(r.org_page(p))
    assert {n: sorted(v) for n, v in by_name.items() if len(v) > 1} == {}
    for name, size in (("peking university", 46), ("zhejiang university", 36), ("tsinghua university", 35)):
        (page,) = by_name[name]
        ids = listing_ids(pages, page.removesuffix("/index.md"))
        assert len(ids) == size == sum(1 for p in archive.papers
                                       if p.organization and title_key(p.organization) == name), name
