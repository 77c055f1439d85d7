"""Forms G, H and I of ../shared/FORMATS.md: one paper's own page however it was captured,
paper cards of collections and model pages, and the public API's JSON. Each capture in
tests/fixtures/captures/pages and api follows the shape of a real one (the tools' headers,
navigation, widgets, comments and footers as they write them), with invented papers.

Checked: every field a form carries, and nothing that is page furniture or another paper's
(navigation, labels, widgets, the librarian bot's lists, citing models and collections)
becomes a paper."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from parse_helpers import TODAY, real_api_corpus

from generator.data.capture import parse
from generator.data.merge import merge
from generator.data.sources import decode, read_dump, read_dumps

CAPTURES = Path(__file__).resolve().parent / "fixtures" / "captures"
PAGES = CAPTURES / "pages"
API = CAPTURES / "api"


def _only(name: str):
    dump = read_dump(PAGES / name)
    assert dump.layout == "G", dump.layout
    assert dump.problems == (), [str(p) for p in dump.problems]
    (record,) = dump.records
    return record


def test_text_fetch_of_a_paper_page_reads_its_paper_and_nothing_of_the_page_around_it():
    r = _only("text_fetch_2026.txt")
    # Its wrapped title joined (not "Two Lines", the second line alone), the submitter never an
    # author, the upvote widget after the comments, `+9` (avatars not shown) not upvotes.
    assert r.title == "Sparse Widgets for Tiny Models that Wrap onto Two Lines"
    assert (r.arxiv_id, r.year, r.month, r.day, r.upvotes) == ("2609.00001", 2026, 9, 4, 117)
    assert r.author_names == ("Ada Example", "Ben Example", "Chidi Example") and r.authors == 3
    assert r.summary == ("Widgets let tiny models keep their accuracy at half the memory, "
                         "according to a study of twelve benchmarks.")
    # Key phrases on lines of their own, a URL split around one, put back together.
    assert r.abstract == (
        "Tiny models lose accuracy when their memory is halved. We study widgets, small learned buffers "
        "that (LLMs) and other tiny models can consult, and show on twelve benchmarks that widgets keep 98% "
        "of the accuracy at half the memory. Code is at https://WidgetLab.github.io.")
    # The page prints no comment count: unknown, not 0.
    assert r.comments is None and r.org is None and r.github_repo is None


def test_jina_reader_markdown_reads_links_buttons_and_setext_headings():
    r = _only("jina_reader.md")
    assert (r.title, r.arxiv_id, r.upvotes) == ("Dense Gadgets Revisited", "2609.00002", 33)
    assert r.author_names == ("Dana Example", "Eli Example", "Farah Example")
    assert r.summary == "Dense gadgets beat sparse ones on long inputs."
    assert r.abstract.startswith("We revisit dense gadgets and compare them with sparse widgets on long inputs.")
    assert "(\\eg, 3% on our largest model)" in r.abstract  # TeX as the page shows it, escapes undone
    # The page's GitHub button (110k: an abbreviated count), not the footer's github.com/huggingface.
    assert (r.github_repo, r.github_stars) == ("https://github.com/acme/gadgets", 110_000)
    assert r.project_page == "https://acme.example.org/gadgets"


def test_obsidian_clip_takes_its_date_from_the_front_matter_and_the_organization_beside_the_title():
    r = _only("obsidian_clip.md")
    assert (r.title, r.arxiv_id, (r.year, r.month, r.day)) == ("Gadgets for Retrieval: A Study", "2609.00003", (2026, 9, 2))
    assert (r.org, r.org_id) == ("Acme Lab", "acme-lab")
    assert r.author_names is None and r.authors is None  # the clip's `Authors:` is empty
    assert r.upvotes is None and r.summary == "Gadgets make retrieval faster without hurting recall."


def test_text_copy_from_the_title_reads_a_summary_without_its_label_and_a_date_without_its_year():
    r = _only("text_copy_from_title.txt")
    assert r.title == "Widgets in the Wild: A Field Study"
    assert r.arxiv_id == "2610.04618"  # only in `Cite arxiv.org/abs/… in a model README.md`
    assert (r.year, r.month, r.day) == (2026, 10, 6)  # `Published on Oct 6`: the year of the arXiv id
    assert r.author_names == ("Gus Example", "Hana Example")
    # The summary without its label: a first paragraph of one sentence (of 90 characters or more).
    assert r.summary == "Widgets deployed in the wild keep most of their benefits, a field study of forty teams finds."
    assert r.abstract.startswith("Widgets have been studied in the lab.") and r.abstract.endswith("appear at scale.")


def test_crawler_markdown_wraps_its_title_and_pads_key_phrases():
    r = _only("crawler_markdown.md")
    assert r.title == "Widget Compression: Smaller Widgets, Same Accuracy for Everyone"
    assert r.summary == ("Compressed widgets keep the accuracy of full widgets at a quarter of their size, "
                         "so that they run on phones.")
    assert r.abstract.endswith("at a quarter of their size, on six benchmarks (and two phones).")
    assert (r.github_repo, r.github_stars) == ("https://github.com/acme/widget-compression", 3290)


def test_a_paper_converted_to_markdown_ends_its_abstract_at_the_next_section():
    r = _only("paper_markdown.md")
    assert (r.title, r.arxiv_id) == ("Widgets at Scale", "2609.00006")
    assert r.abstract == "We scale widgets to a billion parameters and find that their benefits grow with size."


def test_a_page_captured_without_its_title_publishes_nothing_and_says_so():
    dump = read_dump(PAGES / "text_copy_no_title.txt")
    assert dump.records == ()
    assert [str(p) for p in dump.problems] == [
        "text_copy_no_title.txt:2: a paper's page without its title (arXiv 2610.01051): not published"]


def test_paper_cards_read_title_id_date_and_upvotes_and_nothing_else_of_the_page():
    dump = read_dump(PAGES / "model_page_cards.md")
    assert dump.layout == "H"
    assert [(r.title, r.arxiv_id, (r.year, r.month, r.day), r.upvotes) for r in dump.records] == [
        ("Sparse Widgets for Tiny Models that Wrap onto Two Lines", "2609.00001", (2026, 9, 4), 1200),
        ("2 Widgets 2 Furious", "2501.00656", (2024, 12, 31), 22),
        ("Gadget Theory", "2508.00003", (2025, 8, 2), 5),  # its card split by figures
        ("Widgets, a Primer", "2106.09685", (2021, 6, 17), 63),  # a card on its title's line
    ]
    # Cards whose link holds no title name no paper to publish; collection, dataset and model
    # cards are never papers.
    assert [str(p) for p in dump.problems] == [
        "model_page_cards.md:58: a paper card without its title (arXiv 2410.01036): not published",
        "model_page_cards.md:58: a paper card without its title (arXiv 2406.00899): not published",
    ]


def test_api_json_reads_every_field_it_carries():
    dump = read_dump(API / "2026-09-04.json")
    assert dump.layout == "I" and dump.problems == ()
    speech, search = dump.records
    assert speech.title == "Widgets for Speech: Listening at Half the Memory"
    assert (speech.arxiv_id, (speech.year, speech.month, speech.day)) == ("2609.00010", (2026, 9, 3))
    assert (speech.upvotes, speech.comments) == (12, 3)
    assert speech.author_names == ("Kim Example", "Lou Example") and speech.authors == 2  # the hidden one left out
    assert (speech.org, speech.org_id) == ("Acme Lab", "acme-lab")
    assert (speech.github_repo, speech.github_stars) == ("https://github.com/acme/speech-widgets", 1300)
    assert speech.project_page == "https://acme.example.org/speech"
    assert speech.summary == "Widgets halve the memory of speech recognisers without hurting accuracy."
    assert speech.abstract == "We bring widgets to speech recognition and keep word error rates at half the memory."
    assert speech.source.line == 2
    # A day with no comments is 0 comments, not unknown; the submitter's organization is the paper's.
    assert (search.comments, search.upvotes, search.org, search.summary, search.github_repo) == (
        0, 0, "Beta Org", None, None)


def test_a_json_file_that_is_no_api_response_is_one_problem_and_a_cut_one_keeps_what_came_before():
    (wrong,) = read_dump(API / "not-api.json").problems
    assert wrong.severity == "error" and "not a Hugging Face API response" in str(wrong)
    cut = read_dump(API / "cut-short.json")
    assert [r.title for r in cut.records] == ["Widgets for Speech: Listening at Half the Memory"]
    (broken,) = cut.problems
    assert broken.severity == "error" and "the 1 papers before it are read" in broken.message


def test_api_json_saved_under_another_name_is_still_read():
    text = (API / "2026-09-04.json").read_text(encoding="utf-8")
    folder_dump = parse(text, "saved.txt")  # parse() alone reads text forms ...
    assert folder_dump.layout == "?"
    from generator.data.sources import _parse_bytes
    dump = _parse_bytes(text.encode(), "saved.txt")  # ... sources reads what JSON it holds
    assert dump.layout == "I" and len(dump.records) == 2


def test_the_api_corpus_reads_field_for_field_as_its_json():
    folder = real_api_corpus()
    if folder is None:
        if os.environ.get("CI"):
            pytest.fail("the API corpus is missing: CI has it (../shared/corpus/api or PAPERS_API_CORPUS)")
        pytest.skip("../shared/corpus/api is not here")
    dumps = read_dumps([folder])
    files = sorted(folder.glob("*.json"))
    assert [d.file for d in dumps] == [f.name for f in files] and len(files) == 83
    entries = 0
    for dump, path in zip(dumps, files):
        assert dump.problems == (), [str(p) for p in dump.problems]
        items = json.loads(path.read_text(encoding="utf-8"))
        assert len(dump.records) == len(items)
        for r, item in zip(dump.records, items):
            paper = item["paper"]
            org = item.get("organization") or paper.get("organization") or item.get("submitterOrganization")
            names = tuple(" ".join(a["name"].split()) for a in paper["authors"] if not a.get("hidden")) or None
            when = date.fromisoformat(paper["publishedAt"][:10])
            assert r.title == " ".join(item["title"].split())
            assert r.abstract == " ".join(paper["summary"].split())
            assert (r.arxiv_id, (r.year, r.month, r.day), r.upvotes, r.comments) == (
                paper["id"], (when.year, when.month, when.day), paper["upvotes"], item["numComments"])
            assert r.author_names == names and r.authors == (len(names) if names else None)
            assert r.org == (" ".join((org.get("fullname") or org["name"]).split()) if org else None)
            assert r.org_id == (org["name"] if org else None)
            assert r.github_repo == paper.get("githubRepo")
            assert r.github_stars == (paper.get("githubStars") if paper.get("githubRepo") else None)
            assert r.project_page == paper.get("projectPage")
            assert r.summary == (" ".join(paper["ai_summary"].split()) if paper.get("ai_summary") else None)
            entries += 1
    assert entries == 1315
    papers, problems = merge(dumps, today=TODAY)
    assert problems == [] and len(papers) == 1315


def test_every_new_form_appended_to_a_listing_reads_as_the_union_of_their_papers():
    listing = (CAPTURES / "today_search_c.txt").read_text(encoding="utf-8")
    alone = [parse(listing, "x.txt")]
    parts = [listing]
    for name in ("text_fetch_2026.txt", "jina_reader.md", "obsidian_clip.md", "model_page_cards.md",
                 "crawler_markdown.md"):
        text = (PAGES / name).read_text(encoding="utf-8")
        alone.append(parse(text, "x.txt"))
        parts.append(text)
    parts.append(listing.replace("Sparse Widgets", "Other Widgets").replace("Dense Gadgets", "Other Gadgets")
                 .replace("Monthly Planning", "Weekly Planning"))
    alone.append(parse(parts[-1], "x.txt"))
    dump = parse("\n".join(parts), "x.txt")
    assert dump.layout == "C+G+G+G+H+G+C"
    view = [(r.title, r.abstract, r.arxiv_id, r.upvotes, r.author_names) for r in dump.records]
    assert view == [(r.title, r.abstract, r.arxiv_id, r.upvotes, r.author_names) for one in alone for r in one.records]
    assert [str(p) for p in dump.problems] == [
        f"x.txt:{p.line + sum(part.count(chr(10)) + 1 for part in parts[:k])}: {p.message}"
        for k, one in enumerate(alone) for p in one.problems]


def test_a_utf16_paste_appended_to_a_utf8_dump_is_read_with_it():
    first = (CAPTURES / "today_search_c.txt").read_bytes()
    second = (PAGES / "obsidian_clip.md").read_text(encoding="utf-8")
    for appended in (b"\xff\xfe" + second.encode("utf-16-le"), second.encode("utf-16-le")):
        text, problems = decode(first + appended, "mixed.txt")
        assert problems == [] and text is not None
        dump = parse(text, "mixed.txt")
        assert dump.layout == "C+G"
        assert dump.records[-1].title == "Gadgets for Retrieval: A Study"
        assert len(dump.records) == 4


def test_the_page_year_comes_from_an_iso_date_anywhere_in_the_file_name():
    text = (CAPTURES / "today_search_c.txt").read_text(encoding="utf-8")
    name = "论文 Schrödinger 2025-11-12.txt"
    papers, problems = merge([parse(text, name)], today=TODAY)
    assert problems == []
    # Page date Oct 2 of 2025: May 29 is of 2025 (the rule of explicit years gave 2026).
    assert {p.title: p.date for p in papers}["Sparse Widgets for Tiny Models"] == date(2025, 5, 29)
