"""How search ranks and corrects (issue 22), in headless Chromium, on an archive of papers made
for it: ranking tiers, phrases across hyphenation, exact titles, words glued to math, typos,
author names, sorts over an index in parts, and highlighting on paper pages.

The papers are indexed into a copy of the sample site (its search page and script); result
links lead nowhere there, which the search page does not need.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from datetime import date, timedelta
from http.server import ThreadingHTTPServer
from urllib.parse import quote, urlencode

import pytest
from conftest import QuietHandler

from generator.data.model import Paper
from generator.pages.export import load_export
from generator.pages.render import tex_text
from generator.search import indexer as search

pytestmark = pytest.mark.browser

FILLER = [
    ("Efficient Attention for Long Sequences", "We make attention cheaper for long inputs of a language model."),
    ("Data Curation at Scale", "Cleaning web data helps every model we train on it."),
    ("Image Segmentation with Prompts", "A promptable segmentation model for natural images."),
    ("Speech Recognition in Noisy Rooms", "Robust acoustic modelling for speech in noise."),
    ("Graph Networks for Molecules", "Message passing over molecular graphs predicts properties."),
    ("Benchmarking Code Assistants", "A suite of programming tasks to evaluate assistants."),
    ("Protein Folding Revisited", "Structure prediction for proteins with a new model."),
    ("Music Generation from Text", "A model writes music from a text description."),
]
PAPERS = {
    # "world model": a title holding the phrase, one holding both words apart (and saying them
    # often), an abstract holding the phrase, a title holding one word.
    "phrase-title": ("Learning World Models from Video", "We learn how things move from unlabelled clips."),
    "words-title": ("Model Merging for Real-World Deployment",
                    "Real-world deployment needs merged models: we merge models for real-world use, model by "
                    "model, and test the models in the real world."),
    "phrase-text": ("Planning Agents That Imagine", "Our agent plans ahead with a learned world model and acts."),
    "one-word": ("Scaling Laws for Language Models", "How loss falls with compute across the world of models."),
    "laws-again": ("Language Models Need Scaling Laws for Data",
                   "Scaling laws for language models: language models follow scaling laws, and scaling laws "
                   "for language models predict language models."),
    # A phrase spaced, hyphenated, and its words apart.
    "cot-hyphen": ("Chain-of-Thought Prompting Elicits Reasoning", "Intermediate steps make answers better."),
    "cot-spaced": ("Reasoning by Thinking Aloud", "We prompt a chain of thought before each answer."),
    "cot-apart": ("Chains and Thoughts", "A chain is not a thought, nor of one."),
    # Words glued to math, an exact title among its near twins, a word to misspell.
    "mapreduce": ("LLM$\\times$MapReduce: Simplified Long-Sequence Processing", "Divide and conquer long texts."),
    "qwen": ("Qwen2.5 Technical Report", "The report of a model family."),
    "qwen-vl": ("Qwen2.5-VL Technical Report", "Qwen2.5-VL technical report: vision and language, Qwen2.5 report."),
    "qwen-coder": ("Qwen2.5-Coder Technical Report", "Qwen2.5-Coder technical report: code, Qwen2.5 report."),
    "transformer": ("Transformer Circuits", "A transformer read layer by layer."),
    # Found by an author's name only.
    "authored": ("Analytical Engines Revisited", "Notes on a machine."),
    # A word (`kan`) and a word it starts (`kanban`), in chunks of their own (archive_url).
    "kan": ("Training a KAN Cheaply", "Splines on every edge."),
    "kanban": ("Kanban Boards for Labs", "Cards on a wall."),
}
AUTHORS = {"authored": ("Ada Lovelace", "Charles Babbage")}
SORTED = 24
"""Papers holding the word `sortable`, with dates, upvotes and comments, for the sorts."""


def make_papers() -> list[Paper]:
    out = []
    day = date(2025, 3, 1)
    items = [(f"filler-{k}", t, a) for k, (t, a) in enumerate(FILLER)] + [(k, t, a) for k, (t, a) in PAPERS.items()]
    for k, (pid, title, abstract) in enumerate(items):
        out.append(Paper(id=pid, title=title, abstract=abstract, date=day - timedelta(days=k), upvotes=None,
                         comments=None, arxiv_id=None, authors=None, organization=None, org_id=None, links=(),
                         sources=(), author_names=AUTHORS.get(pid)))
    for k in range(SORTED):
        # Dates, upvotes and comments in orders of their own (the sorts must not follow one another).
        out.append(Paper(id=f"sortable-{k}", title=f"Sortable study number {k}", abstract="A sortable paper.",
                         date=date(2024, 1, 1) + timedelta(days=(k * 7) % SORTED), upvotes=(k * 5) % 11,
                         comments=(k * 3) % 7, arxiv_id=None, authors=None, organization=None, org_id=None,
                         links=(), sources=()))
    return out


@pytest.fixture(scope="module")
def archive_url(sample_site, tmp_path_factory):
    """The papers above indexed in parts of at most 8 papers, in a copy of the sample site, each
    word in a chunk of its own (Pagefind's PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE), as a large
    archive's common words are."""
    site = tmp_path_factory.mktemp("ranking") / "site"
    shutil.copytree(sample_site, site)
    shutil.rmtree(site / "pagefind")
    saved, search.SHARD_PAGES = search.SHARD_PAGES, 8
    os.environ["PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"] = "1"
    try:
        search.index_papers(make_papers(), site, log=lambda message: None)
    finally:
        search.SHARD_PAGES = saved
        del os.environ["PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"]
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


TITLES = {p.id: tex_text(p.title) for p in make_papers()}


def results(page, url: str, **params) -> tuple[str, list[str]]:
    """The status line and the titles (in order) the search page shows for `params`."""
    page.goto(f"{url}search/?{urlencode(params)}")
    page.locator(".papers-search-page__results[aria-busy=false]").wait_for()
    titles = page.locator("[data-papers-search-list] .papers-result__title").all_text_contents()
    return page.locator("[data-papers-search-status]").text_content(), titles


def ids(titles: list[str]) -> list[str]:
    by_title = {title: pid for pid, title in TITLES.items()}
    return [by_title[t] for t in titles]


def test_a_title_holding_the_phrase_ranks_first_then_every_word_then_the_text(page, archive_url):
    for query in ("world model", "world models", "World Model"):
        _, titles = results(page, archive_url, q=query)
        assert ids(titles)[:4] == ["phrase-title", "words-title", "phrase-text", "one-word"], (query, titles)
    # Written as one compound, or quoted, the query is a phrase: only the papers holding it.
    for query in ("World-Model", '"world models"'):
        _, titles = results(page, archive_url, q=query)
        assert ids(titles) == ["phrase-title", "phrase-text"], (query, titles)
    assert page.console_errors == []


def test_an_exact_title_comes_first(page, archive_url):
    for query, first in (("Scaling Laws for Language Models", "one-word"), ("qwen2.5 technical report", "qwen"),
                         ("Qwen2.5-VL Technical Report", "qwen-vl")):
        _, titles = results(page, archive_url, q=query)
        assert ids(titles)[0] == first, (query, titles)


def test_a_phrase_is_found_spaced_and_hyphenated(page, archive_url):
    for query in ('"chain of thought"', "chain-of-thought", '"Chain-of-Thought"'):
        status, titles = results(page, archive_url, q=query)
        assert ids(titles) == ["cot-hyphen", "cot-spaced"], (query, titles)
        assert status == "2 papers"
    # Unquoted, the words anywhere: the phrases first.
    _, titles = results(page, archive_url, q="chain of thought")
    assert ids(titles)[:2] == ["cot-hyphen", "cot-spaced"] and "cot-apart" in ids(titles)


def test_a_word_glued_to_math_is_found_by_its_part(page, archive_url):
    for query in ("MapReduce", "LLM×MapReduce", "mapreduce long sequence"):
        status, titles = results(page, archive_url, q=query)
        assert ids(titles)[0] == "mapreduce" and status.startswith("1 paper"), (query, status, titles)


def test_a_long_query_few_papers_hold_is_followed_by_papers_holding_some_of_its_words(page, archive_url):
    status, titles = results(page, archive_url, q="mapreduce long sequence")
    assert status == "1 paper, 1 paper with some of the words"
    assert ids(titles) == ["mapreduce", "filler-0"]  # "Efficient Attention for Long Sequences"
    items = page.locator("[data-papers-search-list] > li").all_text_contents()
    assert items[1] == "Papers with some of the words" and items[2].startswith(TITLES["filler-0"])
    # Not for a query of two words, nor when a word is in no paper.
    assert results(page, archive_url, q="mapreduce sequence")[0] == "1 paper"
    assert results(page, archive_url, q="mapreduce long xyzzyqq")[0] == "No matching papers."


def test_a_first_search_finds_the_words_a_word_starts(page, archive_url):
    """Pagefind loads the chunk of the word list that holds `kan`; `kanban` is in the next one,
    which search.bundle.extend_chunks makes it load too."""
    _, titles = results(page, archive_url, q="kan")
    assert set(ids(titles)) == {"kan", "kanban"}, titles


def test_an_author_name_finds_the_paper(page, archive_url):
    for query in ("Lovelace", "ada lovelace", "Babbage"):
        _, titles = results(page, archive_url, q=query)
        assert ids(titles) == ["authored"], (query, titles)


def test_a_misspelled_word_shows_the_nearest_word_and_says_so(page, archive_url):
    status, titles = results(page, archive_url, q="transfomer")
    assert ids(titles) == ["transformer"] and status == "1 paper"
    notice = page.locator("[data-papers-search-notice]")
    assert notice.text_content() == "No paper has transfomer; showing transformer. Search for “transfomer” instead"
    assert notice.locator("em").all_text_contents() == ["transfomer", "transformer"]
    # The link back searches the query as typed, which finds nothing.
    notice.locator("a").click()
    page.locator(".papers-search-page__results[aria-busy=false]").wait_for()
    assert page.locator("[data-papers-search-status]").text_content() == "No matching papers."
    assert not page.locator("[data-papers-search-notice]").is_visible()
    assert "literal=1" in page.url
    # Words near none of the archive's show nothing, whatever they hold; nothing becomes markup.
    for query in ("xyzzyqq", '<img src=x onerror="window.__xss=1">transfomer'):
        status, titles = results(page, archive_url, q=query)
        assert (status, titles) == ("No matching papers.", []), query
    assert page.locator("form img").count() == 0 and page.evaluate("window.__xss") is None
    # The typed word is shown as text in the notice.
    results(page, archive_url, q="transfomer <&>")
    assert page.locator("[data-papers-search-notice] em").all_text_contents()[0] == "transfomer"
    assert page.locator("[data-papers-search-notice] a").text_content() == "Search for “transfomer <&>” instead"
    assert page.console_errors == []


@pytest.mark.parametrize("sort", ["date", "upvotes", "comments"])
def test_sorts_order_every_part_of_the_index_as_one(page, archive_url, sort):
    papers = [p for p in make_papers() if p.id.startswith("sortable-")]
    newest = sorted(papers, key=lambda p: (p.date, p.id), reverse=True)
    order = {p.id: k for k, p in enumerate(newest)}
    key = {"date": lambda p: order[p.id], "upvotes": lambda p: (-p.upvotes, order[p.id]),
           "comments": lambda p: (-p.comments, order[p.id])}[sort]
    expected = [p.id for p in sorted(papers, key=key)]
    status, titles = results(page, archive_url, q="sortable")
    if sort == "upvotes":  # offered only where some paper has upvotes, which no sample has
        page.evaluate("""() => document.querySelector('[data-papers-search-sort]').append(
            Object.assign(document.createElement('option'), {value: 'upvotes', textContent: 'Most upvoted'}))""")
    page.select_option("[data-papers-search-sort]", sort)
    page.locator(".papers-search-page__results[aria-busy=false]").wait_for()
    assert page.locator("[data-papers-search-status]").text_content() == f"{SORTED} papers"
    page.click("[data-papers-search-more]")
    page.locator(".papers-search-page__results[aria-busy=false]").wait_for()
    titles = page.locator("[data-papers-search-list] .papers-result__title").all_text_contents()
    assert ids(titles) == expected
    assert page.console_errors == []


def test_highlighting_marks_every_word_compound_names_included(page, site_url, sample_site):
    """A paper page opened from a result marks each word searched for, `MOOSE-Chem2` and `v2.6` too."""

    papers = load_export(sample_site)["papers"]
    for query, start, marked in (
        ("moose-chem2 hypothesis discovery", "MOOSE-Chem2", {"MOOSE-Chem2", "Hypothesis", "Discovery"}),
        ("supersenses v2.6", "Adposition and Case Supersenses", {"Supersenses", "v2.6"}),
        ("deepseek r1", "Mixture of Tunable Experts", {"DeepSeek-R1"}),
    ):
        paper = next(p for p in papers if p["title"].startswith(start))
        page.goto(f"{site_url}{paper['url']}?highlight={quote(query)}")
        page.locator("h1 mark.papers-highlight").first.wait_for()
        shown = set(page.locator("h1 mark.papers-highlight").all_text_contents())
        assert marked <= shown, (query, shown)
    assert page.console_errors == []
