"""Captures of today's Hugging Face papers pages, one per form of ../shared/FORMATS.md and each
fault the pages bring: furniture never becomes a paper, comments are not upvotes, markdown gives
arXiv ids, appended pastes keep their own page dates, NFC titles merge."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

from parse_helpers import REPO, TODAY

from generator.data.capture import parse
from generator.data.merge import merge
from generator.data.sources import decode, read_dump

CAPTURES = Path(__file__).resolve().parent / "fixtures" / "captures"


def _view(dump) -> list[tuple]:
    return [(r.title, r.upvotes, r.comments, r.authors, r.org, r.org_id, r.arxiv_id) for r in dump.records]


def test_today_search_page_reads_upvote_lines_and_drops_tabs_and_footer():
    dump = read_dump(CAPTURES / "today_search_c.txt")
    assert dump.layout == "C" and dump.problems == ()
    assert _view(dump) == [
        ("Sparse Widgets for Tiny Models", 101, 6, None, "Acme Lab", None, None),
        ("Dense Gadgets Revisited", 0, 0, 1, None, None, None),
        ("Monthly Planning with Language Agents", 7, 1, 4, None, None, None),
    ]
    assert (dump.page_month, dump.page_day) == (10, 2)
    papers, problems = merge([dump], page_years={"today_search_c.txt": 2026}, today=TODAY)
    assert problems == []
    assert [p.date for p in papers] == [date(2026, 9, 30), date(2026, 5, 29), date(2025, 2, 27)]
    assert papers[1].organization == "Acme Lab" and papers[1].org_id is None


def test_trending_cards_give_upvotes_dates_and_arxiv_ids_never_the_submitter():
    dump = read_dump(CAPTURES / "trending_e.md")
    assert dump.layout == "E", [str(p) for p in dump.problems]
    assert dump.problems == ()
    titles = [r.title for r in dump.records]
    assert titles == ["Sparse Widgets for Tiny Models"] * 2 + ["Dense Gadgets Revisited"]
    first, _, dense = dump.records
    assert (first.upvotes, first.comments, first.org, first.org_id, first.arxiv_id) == (117, None, "Acme Lab", "acme-lab", "2609.00001")
    assert (first.month, first.day, first.year) == (9, 4, 2026)
    assert first.abstract == "Widgets help tiny models keep their accuracy at half the memory."
    assert (dense.upvotes, dense.authors, dense.arxiv_id, dense.year) == (9, 4, "2412.20002", 2024)
    papers, problems = merge([dump], today=TODAY)
    assert len(papers) == 2 and problems == []


def test_markdown_capture_undoes_escapes_and_reads_text_mode_variants():
    dump = read_dump(CAPTURES / "markdown_text_mode_d.md")
    assert dump.layout == "D" and dump.problems == (), [str(p) for p in dump.problems]
    assert _view(dump) == [
        ("Sparse Widgets for Tiny Models", 101, 6, None, "Acme Lab", "acme-lab", "2609.00001"),
        ("Dense [Gadget] Revisited_v2", 0, 2, 3, None, None, "2502.00002"),
        ("Reference Links in a Text Capture", 0, 6, None, "Beta Org", "beta-org", None),
    ]
    assert dump.records[0].abstract == "We study widgets in two lines."
    assert dump.records[2].abstract.startswith("Text-mode captures wrap abstracts") and "\n" not in dump.records[2].abstract
    # The capture tool's `retrieved:` date gives the page year of a file named without one.
    papers, problems = merge([dump], today=TODAY)
    assert problems == []
    assert {p.title: p.date for p in papers}["Sparse Widgets for Tiny Models"] == date(2026, 5, 29)


def _appended(bom: bool, newline: str) -> bytes:
    parts = [(CAPTURES / "today_search_c.txt").read_text(), (CAPTURES / "markdown_text_mode_d.md").read_text()]
    text = "".join(("\ufeff" if bom else "") + part for part in parts)
    return text.replace("\n", newline).encode("utf-8")


def test_appended_pastes_with_byte_order_marks_and_crlf_read_as_their_union():
    alone = [read_dump(CAPTURES / "today_search_c.txt"), read_dump(CAPTURES / "markdown_text_mode_d.md")]
    for bom in (False, True):
        for newline in ("\n", "\r\n"):
            text, problems = decode(_appended(bom, newline), "week.txt")
            assert problems == [] and text is not None
            dump = parse(text, "week.txt")
            assert dump.problems == (), [str(p) for p in dump.problems]
            assert dump.layout == "C+D"
            assert _view(dump) == _view(alone[0]) + _view(alone[1])
            assert [(p.page_month, p.page_day) for p in dump.pastes] == [(10, 2), (10, 2)]


def test_a_plain_paste_after_a_markdown_one_keeps_its_bracketed_lines_apart():
    # Markdown joins a line that opens a link (`[`) to the next; a plain paste appended to a
    # markdown capture is plain text, and its lines opening with `[` are lines of their own.
    markdown = (CAPTURES / "markdown_text_mode_d.md").read_text(encoding="utf-8")
    plain = (  # a compact paste (FORMATS.md B): no blank line between title and abstract
        "Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\n"
        "SubscribeWidgets Everywhere\nA survey of widgets on every device we could find.\n"
        "[MASK] and [CLS Tokens in Widget Models\n[Short] A study of widgets that scale to many "
        "devices without losing accuracy, with every measurement made public.\n"
    )
    dump = parse(markdown + "\n" + plain, "mixed.md")
    alone = parse(markdown, "d.md")
    assert dump.problems == (), [str(p) for p in dump.problems]
    assert dump.layout == alone.layout + "+B"
    assert [(r.title, r.abstract[:16]) for r in dump.records[-2:]] == [
        ("Widgets Everywhere", "A survey of widg"), ("[MASK] and [CLS Tokens in Widget Models", "[Short] A study "),
    ]
    assert _view(dump)[:-2] == _view(alone)


def test_furniture_is_never_a_paper_and_unplaced_lines_are_problems(tmp_path):
    # The header again mid-file without its usual lines, the footer, a widget label and a
    # stray number: none is a paper; the stray lines are problems that fail --strict.
    text = (CAPTURES / "today_search_c.txt").read_text().replace(
        "Previous\n", "Previous\n\nSubscribe\n\nUpvote\n\n42\n\n"
    )
    dump = parse(text, "c.txt")
    assert [r.title for r in dump.records] == [
        "Sparse Widgets for Tiny Models", "Dense Gadgets Revisited", "Monthly Planning with Language Agents",
    ]
    assert [p.message for p in dump.problems] == ["upvotes without a title after them"]
    (tmp_path / "c.txt").write_text(text)
    run = subprocess.run([sys.executable, "-m", "generator", "check", str(tmp_path / "c.txt"), "--strict"],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "c.txt:" in run.stdout and "upvotes without a title" in run.stdout


def test_a_title_in_decomposed_unicode_merges_with_its_composed_twin():
    composed = "Café Models: Naïve Bayes Revisited"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    abstract = "x" * 300
    one = parse(f"Get trending papers in your email inbox!\nSubscribe{composed}\n{abstract}\n", "a.txt")
    two = parse(f"Get trending papers in your email inbox!\nSubscribe{decomposed}\n{abstract}\n", "b.txt")
    papers, _ = merge([one, two], today=TODAY)
    assert [p.title for p in papers] == [composed]
    assert len(papers[0].sources) == 2


def test_web_page_export_of_the_search_page():
    # URLs on their own lines after their link text, the upvote widget as `[-] 101`, the
    # comment count after the date with its #community link, the site's navigation.
    text = "\n".join([
        "Models", "Datasets", "Spaces", "Pricing", "Log In", "Sign Up",
        "new", "Get trending papers in your email inbox once a day!", "Get trending papers in your email inbox!",
        "Subscribe", "https://huggingface.co/login?next=%2Fpapers", "Daily Papers", "by AK and the research community",
        "Daily", "Weekly", "Monthly", "Trending Papers", "https://huggingface.co/papers/trending",
        "widget search", "Oct 2",
        "[-] 101",
        "Sparse Widgets for Tiny Models", "https://huggingface.co/papers/2609.00001",
        "We study widgets for tiny models " * 10, "https://huggingface.co/papers/2609.00001",
        "4 authors", "·", "May 29", "6", "https://huggingface.co/papers/2609.00001#community",
        "System theme", "TOS", "Privacy",
    ])
    dump = parse(text, "export.txt")
    assert dump.problems == (), [str(p) for p in dump.problems]
    assert _view(dump) == [("Sparse Widgets for Tiny Models", 101, 6, 4, None, None, "2609.00001")]


def test_an_abstract_opening_with_subscribe_is_not_a_new_paste():
    # Only the first title of a compact paste is glued to `Subscribe`; a later line that opens
    # with the word is text, not the start of another paste.
    text = (
        "Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\n"
        "SubscribeNewsletters as Widgets\nSubscribers read widgets more often than pages, we find.\n"
    )
    dump = parse(text, "b.txt")
    assert dump.problems == () and dump.layout == "B"
    assert [(r.title, r.abstract[:11]) for r in dump.records] == [("Newsletters as Widgets", "Subscribers")]


def test_daily_listing_cards_without_abstracts():
    # FORMATS.md E: the daily/weekly/monthly pages share the header, the tabs and the cards'
    # parts, possibly without any abstract. Each card is a paper with an empty abstract.
    dump = read_dump(CAPTURES / "daily_cards_e.md")
    assert dump.problems == () and dump.layout == "E"
    assert [(r.title, r.abstract, r.month, r.day, r.year) for r in dump.records] == [
        ("Sparse Widgets for Tiny Models", "", 9, 4, 2026), ("Dense Gadgets Revisited", "", 9, 3, 2026),
    ]
    assert _view(dump) == [
        ("Sparse Widgets for Tiny Models", 117, None, None, "Acme Lab", "acme-lab", "2609.00001"),
        ("Dense Gadgets Revisited", 0, None, 4, None, None, "2609.00002"),
    ]
