"""Listings a reader trusts: Hugging Face's order within a day and its Weekly and Monthly tops,
rows that can be scanned, one page per organization, and (on the real corpus when it is
present) what the issue found wrong there."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import groupby
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


# Rows ------------------------------------------------------------------------------------------

def test_a_row_names_three_authors_then_et_al_else_counts_them():
    four = paper(1, author_names=("Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"), authors=4)
    three = paper(2, author_names=("Ada Lovelace", "Alan <Turing>", "Grace Hopper"), authors=3)
    nine, one, unknown = paper(3, authors=9), paper(4, authors=1), paper(5)
    r = renderer(four, three, nine, one, unknown)
    row = r.item(four, "tags/t/index.md")
    assert "· Ada Lovelace, Alan Turing, Grace Hopper et al.</small>" in row and "Dijkstra" not in row
    assert "· Ada Lovelace, Alan &lt;Turing&gt;, Grace Hopper</small>" in r.item(three, "tags/t/index.md")
    assert "· 9 authors</small>" in r.item(nine, "tags/t/index.md")
    assert "· 1 author</small>" in r.item(one, "tags/t/index.md")
    assert "author" not in r.item(unknown, "tags/t/index.md")


def test_a_row_shows_the_ai_summary_else_the_abstracts_first_sentence_cut_at_a_word():
    summarised = paper(1, summary="Hugging Face's one-line summary.", abstract="The abstract. Its second sentence.")
    plain = paper(2, abstract="We study e.g. LLMs as in Fig. 2 of J. Smith et al. (2024). Then more follows. And more.")
    long = paper(3, abstract="Sesquipedalian " + "words go on " * 40 + "forever.")
    tex = paper(4, abstract="UFO$^3$ weaves agents into a galaxy. More follows.")
    hostile = paper(5, summary="<script>alert(1)</script> & <b>co</b>")
    r = renderer(summarised, plain, long, tex, hostile)

    def text(p):
        return re.search(r"<p>(.*?)</p>", r.item(p, "dates/2025/10/index.md", dated=False)).group(1)

    assert text(summarised) == "Hugging Face's one-line summary."
    assert text(plain) == "We study e.g. LLMs as in Fig. 2 of J. Smith et al. (2024)."
    cut = text(long)
    assert cut.endswith("…") and len(cut) <= 121 and cut[:-1].split()[-1] in ("words", "go", "on")
    assert text(tex) == "UFO³ weaves agents into a galaxy."
    assert text(hostile) == "&lt;script&gt;alert(1)&lt;/script&gt; & &lt;b&gt;co&lt;/b&gt;"
    assert text(paper(7, summary="AT&T &amp; &lt; R&D; & done")) == "AT&amp;T &amp;amp; &amp;lt; R&amp;D; & done"
    # Element content: quotes need no escaping there (bytes a row is paid for five times a paper).
    quoted = paper(6, summary='"Quoted" and <b>')
    assert "<p>\"Quoted\" and &lt;b&gt;</p>" in renderer(quoted).item(quoted, "index.md")


def test_a_row_shows_three_tags_at_most_and_leaves_out_what_its_listing_says():
    p = paper(1, tags=("Agents", "Code & Math", "Reasoning", "Vision"), organization="Acme", org_id="acme",
              upvotes=163, comments=2)
    r = renderer(p)
    pages = r.render()

    def row(path):
        return ITEM.split(pages[path])[2].split("</li>")[0]

    assert re.findall(r"<i>(.*?)</i>", row("dates/2025/10/index.md")) == ["Agents", "Code & Math", "Reasoning"]
    assert re.findall(r"<i>(.*?)</i>", row("tags/reasoning/index.md")) == ["Agents", "Code & Math", "Vision"]
    # A month's day headings give the date, an organization's page its name.
    assert "Oct 2, 2025" not in row("dates/2025/10/index.md") and "Acme" in row("dates/2025/10/index.md")
    assert "Acme" not in row("orgs/acme/index.md") and "Oct 2, 2025 · ▲ 163 upvotes · 2 comments" in row("orgs/acme/index.md")


# Day order and top pages -------------------------------------------------------------------------

def _day_rank(p) -> tuple:
    return (p.upvotes is None, -(p.upvotes or 0), p.comments is None, -(p.comments or 0), title_key(p.title))


def test_a_months_listing_has_a_heading_per_day_and_hugging_faces_order_in_each():
    papers = [paper(1, date=date(2025, 10, 7), upvotes=38), paper(2, date=date(2025, 10, 7), upvotes=163),
              paper(3, date=date(2025, 10, 7)), paper(4, date=date(2025, 10, 8), comments=3)]
    month = renderer(*papers).date_pages()["dates/2025/10/index.md"]
    assert re.findall(r'<h2 class="papers-day" id="([^"]+)">([^<]+)</h2>', month) == [
        ("oct-8", "Wednesday, October 8"), ("oct-7", "Tuesday, October 7")]
    assert ITEM.findall(month) == ["paper-4", "paper-2", "paper-1", "paper-3"]


def _top_lists(text: str) -> tuple[list[str], list[str]]:
    up = text.split('<h2 id="most-upvoted">')[1].split("</ol>")[0] if 'id="most-upvoted"' in text else ""
    talk = text.split('<h2 id="most-discussed">')[1].split("</ol>")[0] if 'id="most-discussed"' in text else ""
    return ITEM.findall(up), ITEM.findall(talk)


def test_week_and_month_pages_list_the_most_upvoted_and_the_most_discussed():
    # ISO week 2025-W40 runs from Monday Sep 29 to Sunday Oct 5: it crosses two months.
    papers = [paper(n, date=date(2025, 9, 29) + timedelta(days=n % 7), upvotes=n if n % 3 else None,
                    comments=n % 5 or None) for n in range(1, 31)]
    papers += [paper(100, date=date(2025, 10, 6), upvotes=1)]  # W41
    r = renderer(*papers)
    tops = r.top_pages()
    assert sorted(tops) == ["dates/2025/09/top.md", "dates/2025/10/top.md",
                            "dates/weeks/2025-W40.md", "dates/weeks/2025-W41.md"]
    week = [p for p in papers if p.id != "paper-100"]
    up, talk = _top_lists(tops["dates/weeks/2025-W40.md"])
    assert up == [p.id for p in sorted((p for p in week if p.upvotes), key=lambda p: -p.upvotes)][:20]
    assert len(up) == 20 and "paper-3" not in up  # no upvotes: not ranked by them
    assert talk == [p.id for p in sorted((p for p in week if p.comments),
                                         key=lambda p: (-p.comments, -(p.upvotes or 0), r.papers.index(p)))][:20]
    september = [p for p in week if p.date.month == 9]
    assert _top_lists(tops["dates/2025/09/top.md"])[0] == [
        p.id for p in sorted((p for p in september if p.upvotes), key=lambda p: -p.upvotes)]
    assert _top_lists(tops["dates/weeks/2025-W41.md"]) == (["paper-100"], [])
    w40 = tops["dates/weeks/2025-W40.md"]
    assert "# Top papers of week 40, 2025" in w40 and "Sep 29 – Oct 5, 2025: 30 papers" in w40
    assert re.findall(r'rel="next" href="([^"]+)"', w40) == ["../2025-W41/"]
    # Each month links its top papers and its weeks'; the home page the newest week's and month's.
    october = r.date_pages()["dates/2025/10/index.md"]
    nav = re.search(r'<nav class="papers-tops"[^>]*>(.*?)</nav>', october).group(1)
    assert re.findall(r'href="([^"]+)">([^<]+)<', nav) == [
        ("top/", "October 2025"), ("../../weeks/2025-W40/", "week 40"), ("../../weeks/2025-W41/", "week 41")]
    home = r.home_page()
    assert "[week 41](dates/weeks/2025-W41.md)" in home and "[October 2025](dates/2025/10/top.md)" in home


def test_real_corpus_days_are_in_hugging_faces_order(real):
    """Every month's listing: its day headings newest first, and under each, its papers most
    upvoted first, then most discussed, then by title (the issue: 163 upvotes behind 38)."""
    archive, r = real
    by_id = {p.id: p for p in archive.papers}
    pages = r.date_pages()
    months = sorted({f"dates/{p.date.year:04d}/{p.date.month:02d}" for p in archive.papers if p.date})
    reordered = 0
    for folder in months:
        ids = listing_ids(pages, folder)
        shown = [by_id[i] for i in ids]
        assert len(ids) == len(set(ids)) == sum(1 for p in archive.papers if p.date and
                                                f"dates/{p.date.year:04d}/{p.date.month:02d}" == folder)
        assert [p.date for p in shown] == sorted((p.date for p in shown), reverse=True), folder
        for day, group in groupby(shown, key=lambda p: p.date):
            group = list(group)
            assert group == sorted(group, key=_day_rank), (folder, day)
            reordered += group != sorted(group, key=lambda p: title_key(p.title))
        index = pages[folder + "/index.md"]
        newest = shown[0].date
        assert f'<h2 class="papers-day" id="{newest:%b}-{newest.day}">'.lower() in index.lower()
    assert reordered > 100  # days that A to Z would have listed otherwise


def test_real_corpus_week_and_month_pages_hold_the_right_papers(real):
    archive, r = real
    tops = r.top_pages()
    order = {p.id: i for i, p in enumerate(archive.papers)}
    weeks: dict[tuple[int, int], list] = defaultdict(list)
    months: dict[tuple[int, int], list] = defaultdict(list)
    for p in archive.papers:
        if p.date:
            weeks[p.date.isocalendar()[:2]].append(p)
            months[(p.date.year, p.date.month)].append(p)
    assert {k for k in tops if k.startswith("dates/weeks/")} == {f"dates/weeks/{y:04d}-W{w:02d}.md" for y, w in weeks}
    assert {k for k in tops if k.endswith("/top.md")} == {f"dates/{y:04d}/{m:02d}/top.md" for y, m in months}

    def expected(papers):
        up = sorted((p for p in papers if p.upvotes), key=lambda p: (-p.upvotes, -(p.comments or 0), order[p.id]))
        talk = sorted((p for p in papers if p.comments), key=lambda p: (-p.comments, -(p.upvotes or 0), order[p.id]))
        return [p.id for p in up[:20]], [p.id for p in talk[:20]]

    with_upvotes = 0
    for (y, w), papers in weeks.items():
        assert _top_lists(tops[f"dates/weeks/{y:04d}-W{w:02d}.md"]) == expected(papers), (y, w)
        with_upvotes += bool(expected(papers)[0])
    for (y, m), papers in months.items():
        assert _top_lists(tops[f"dates/{y:04d}/{m:02d}/top.md"]) == expected(papers), (y, m)
    assert with_upvotes > 20


def test_a_week_leads_up_to_a_month_it_has_papers_of():
    """Week 2025-W40 (Sep 29 to Oct 5) is filed under October, its Thursday's month; with
    papers of September only, under September, whose page exists."""
    r = renderer(paper(1, date=date(2025, 9, 29), upvotes=3), paper(2, date=date(2025, 9, 30)))
    week = r.top_pages()["dates/weeks/2025-W40.md"]
    assert '<a class="papers-around__up" href="../../2025/09/">September 2025</a>' in week
    assert '<li><a href="../../2025/09/">Sep</a></li><li><span aria-current="page">Week 40</span></li>' in week
