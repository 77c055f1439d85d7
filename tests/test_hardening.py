"""Bad, odd and hostile dumps, built end to end through `python -m generator build`.

Every kind of input in KINDS is written into one sources folder beside one good sample dump and
built once (plus once more to compare bytes, once with --strict). For each kind: the build exits
0 without a traceback; each of its papers is published faithfully (the page's h1 is the title,
the abstract paragraph is the abstract, with no element inside either) or its problem is
reported as `file:line: message` at the right line. Over the whole site: the invariants of
test_invariants.py, among them no executable markup and no element that came from dump text.
Encoded, binary and huge inputs are generated here, at test time, not committed.
"""

from __future__ import annotations

import codecs
import html
import json
import re
import shutil
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_invariants import (
    assert_no_leftovers,
    assert_same_bytes,
    check_invariants,
    papers_read,
    run_build,
    tree_state,
)

from generator.data.mathtext import INLINE_ELEMENTS, MATHML_ELEMENTS
from generator.pages.export import load_export
from generator.pages.render import tex_html

REPO = Path(__file__).resolve().parents[1]
GOOD_SAMPLE = REPO / "content" / "raw" / "003_390887510c10aacd.txt"
# The hostile site is built with a site_url, so that its sitemap names the hostile pages too; at
# a domain's root, where check_invariants resolves the 404 page's links.
SITE_URL = "https://papers.example.org/"
# Every test here reads the hostile site, built (three times in all) by the module's fixture.
pytestmark = pytest.mark.slow

# Abstracts are long, as real ones are (the parser tells a lost abstract by length).
FILLER = (
    "We measure it on eleven benchmarks, compare it with strong baselines under equal compute, "
    "and release the code, the data and every trained checkpoint so that others can check the "
    "numbers and build on them."
)
HEADER_A = [
    "new", "", "Get trending papers in your email inbox!", "", "Subscribe", "", "Daily Papers", "",
    "byAK and the research community", "", "Nov 11", "",
]
HEADER_B = ["Get trending papers in your email inbox once a day!", "Get trending papers in your email inbox!"]
META = ["  • 3 authors", "·", "Oct 7 5"]


def abstract(lead: str) -> str:
    return f"{lead} {FILLER}"


def layout_a(*blocks: list[str]) -> str:
    """A layout-A dump: the header, then blocks of lines separated by blank lines."""
    lines = list(HEADER_A)
    for block in blocks:
        lines += [*block, ""]
    return "\n".join(lines) + "\n"


def entry(title: str, text: str | None, meta: list[str] | None = META) -> list[str]:
    """One paper of layout A as blocks: title, abstract, metadata (each optional but the title)."""
    out = [[title]]
    if text is not None:
        out.append([text])
    if meta:
        out.append(meta)
    return out


def papers_a(*entries: list[list[str]]) -> str:
    return layout_a(*(block for e in entries for block in e))


def layout_b(*pairs: tuple[str, str]) -> str:
    """A layout-B dump: title and abstract lines, the first title glued to `Subscribe`."""
    lines = list(HEADER_B)
    for n, (title, text) in enumerate(pairs):
        lines.append(f"Subscribe{title}" if n == 0 else title)
        if text is not None:
            lines.append(text)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Expect:
    """A paper that must be published exactly so."""

    title: str
    abstract: str
    date: str | None | type(...) = ...
    """ISO date or None; `...` when any date will do."""
    comments: int | None | type(...) = ...
    sources: int = 1


@dataclass
class Kind:
    """One kind of bad or unusual input: its files, the papers it must publish, the problems it must report."""

    name: str
    files: dict[str, bytes]
    papers: list[Expect] = field(default_factory=list)
    problems: list[tuple[str, str | int, str]] = field(default_factory=list)
    """(file, line or the text of the line, start of the message); line 0 for the whole file."""


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


def fname(kind: str, n: int = 0) -> str:
    # An ISO date starting the name gives the year of year-less dates (the year rule).
    return f"2025-11-11-{kind}{'-' + str(n) if n else ''}.txt"


def kinds() -> list[Kind]:
    """Every kind of input the suite tries: at least 30, one parametrized case each."""
    out: list[Kind] = []

    def add(name: str, files: dict[str, bytes], papers=(), problems=()) -> None:
        out.append(Kind(name, files, list(papers), list(problems)))

    # Encodings and line ends --------------------------------------------------------------
    t, a = "Entity Binding Under a Byte Order Mark", abstract("Large models bind entities and keep them apart.")
    add("utf8-bom", {fname("utf8-bom"): codecs.BOM_UTF8 + utf8(papers_a(entry(t, a)))}, [Expect(t, a, "2025-10-07", 5)])

    t, a = "Zürich Benchmarks in UTF-16 — façade", abstract("A wide-character dump, as Windows editors save them.")
    add("utf16-le-bom", {fname("utf16-le-bom"): codecs.BOM_UTF16_LE + papers_a(entry(t, a)).encode("utf-16-le")},
        [Expect(t, a, "2025-10-07")])

    t, a = "Big-Endian Wide Text Survives", abstract("The same in UTF-16 with the big-endian mark.")
    add("utf16-be-bom", {fname("utf16-be-bom"): codecs.BOM_UTF16_BE + papers_a(entry(t, a)).encode("utf-16-be")},
        [Expect(t, a)])

    t, a = "“Smart” Quotes and a Café in Windows-1252", abstract("Curly quotes – and dashes – from a legacy editor.")
    text = papers_a(entry(t, a))
    add("windows-1252", {fname("windows-1252"): text.encode("cp1252")}, [Expect(t, a)],
        [(fname("windows-1252"), t, "not valid UTF-8: bytes decoded as Windows-1252")])

    t, a = "Über Straßen: Latin-1 Naïveté", abstract("Accented letters saved as ISO-8859-1 bytes, ¿sí?")
    # Latin-1 has no bullet: the authors line goes without one.
    add("latin-1", {fname("latin-1"): papers_a(entry(t, a, ["3 authors", "·", "Oct 7 5"])).encode("latin-1")},
        [Expect(t, a, "2025-10-07", 5)],
        [(fname("latin-1"), t, "not valid UTF-8")])

    t1, a1 = "Valid UTF-8 naïve Bayes First", abstract("Proper UTF-8 before the damage: ü, é, 漢字.")
    t2, a2 = "A Stray Byte Follows This Title", abstract("Here comes one stray byte: \x81 and one more ÿ.")
    raw = utf8(papers_a(entry(t1, a1), entry(t2, "@@ABSTRACT@@")))
    raw = raw.replace(b"@@ABSTRACT@@", utf8(a2).replace("\x81".encode(), b"\x81").replace("ÿ".encode(), b"\xff"))
    add("mixed-utf8-stray-bytes", {fname("mixed-utf8-stray-bytes"): raw}, [Expect(t1, a1), Expect(t2, a2)],
        [(fname("mixed-utf8-stray-bytes"), "Here comes one stray byte", "not valid UTF-8")])

    t, a = "Carriage Returns and Line Feeds", abstract("Saved on Windows with CRLF line ends.")
    add("crlf", {fname("crlf"): utf8(papers_a(entry(t, a)).replace("\n", "\r\n"))}, [Expect(t, a, "2025-10-07")])

    t1, a1 = "Classic Mac Line Ends Only", abstract("Saved with CR alone between lines, as old Macs did.")
    t2, a2 = "Second Paper After a Bare CR", abstract("And another one after it.")
    add("cr-only", {fname("cr-only"): utf8(layout_b((t1, a1), (t2, a2)).replace("\n", "\r"))},
        [Expect(t1, a1, None), Expect(t2, a2, None)])

    # Files with no papers -----------------------------------------------------------------
    add("empty-file", {fname("empty-file"): b""}, problems=[(fname("empty-file"), 0, "empty file")])
    add("whitespace-only", {fname("whitespace-only"): b"  \n\t\n   \r\n \n"},
        problems=[(fname("whitespace-only"), 0, "empty file")])
    add("header-only-a", {fname("header-only-a"): utf8(layout_a())},
        problems=[(fname("header-only-a"), 0, "no papers found")])
    add("header-only-b", {fname("header-only-b"): utf8("\n".join([*HEADER_B, "Subscribe"]) + "\n")},
        problems=[(fname("header-only-b"), 0, "no papers found")])
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64) + b"IEND\xaeB`\x82"
    add("binary-png", {fname("binary-png"): png}, problems=[(fname("binary-png"), 0, "not a text dump: binary data")])
    page = "<!DOCTYPE html>\n<html><head><title>Daily Papers</title></head>\n<body><h1>Daily Papers</h1>" \
           "<script>alert('pwned')</script></body></html>\n"
    add("html-page", {fname("html-page"): utf8(page)}, problems=[(fname("html-page"), 0, "not a text dump: an HTML page")])
    add("only-metadata", {fname("only-metadata"): utf8(layout_a(META, ["  • 7 authors", "·", "Oct 8 2"]))},
        problems=[(fname("only-metadata"), "  • 3 authors", "metadata block without a paper before it"),
                  (fname("only-metadata"), "  • 7 authors", "metadata block without a paper before it")])

    # Truncated metadata blocks, titles without abstracts ----------------------------------
    t, a = "Cut After the Authors Line", abstract("The dump ends inside the metadata block.")
    add("meta-cut-after-authors", {fname("meta-cut-after-authors"): utf8(papers_a(entry(t, a, ["  • 4 authors"])))},
        [Expect(t, a, None)], [(fname("meta-cut-after-authors"), "  • 4 authors", "metadata block cut short")])
    t, a = "A Dot With Nothing Before or After", abstract("Only the middle dot of a metadata block is left.")
    add("meta-dot-only", {fname("meta-dot-only"): utf8(papers_a(entry(t, a, ["·"])))},
        [Expect(t, a, None)], [(fname("meta-dot-only"), "·", "metadata block without an authors or organization line")])
    t, a = "Authors and Dot but No Date", abstract("The date line went missing.")
    t2, a2 = "The Paper After the Missing Date", abstract("Must not be swallowed by the broken block.")
    add("meta-no-date", {fname("meta-no-date"): utf8(papers_a(entry(t, a, ["  • 2 authors", "·"]), entry(t2, a2)))},
        [Expect(t, a, None), Expect(t2, a2, "2025-10-07")],
        [(fname("meta-no-date"), "·", "metadata block without a date")])
    t, a = "A Month Called Foo", abstract("The date line reads Foo 12, month thirteen of no calendar.")
    add("meta-month-foo", {fname("meta-month-foo"): utf8(papers_a(entry(t, a, ["  • 2 authors", "·", "Foo 12"])))},
        # The line in the date slot is shaped like a date: reported, never read as a title.
        [Expect(t, a, None)],
        [(fname("meta-month-foo"), "Foo 12", "not a date: 'Foo 12'")])
    t, t2, a2 = "A Title Whose Abstract Is Gone", "The Next Paper Keeps Its Own Abstract", abstract("Still mine.")
    add("no-abstract-a", {fname("no-abstract-a"): utf8(papers_a(entry(t, None), entry(t2, a2)))},
        [Expect(t, "", "2025-10-07"), Expect(t2, a2, "2025-10-07")],
        [(fname("no-abstract-a"), t, "title with no abstract")])
    t1, a1 = "First Compact Paper", abstract("The first abstract of a compact dump.")
    t2, t3, a3 = "Lonely Compact Title", "Third Compact Paper", abstract("Its own abstract, not the lonely title's.")
    # A title with nothing after it cannot be told from a line of navigation: reported, not published.
    add("no-abstract-b", {fname("no-abstract-b"): utf8(layout_b((t1, a1), (t2, None), (t3, a3)))},
        [Expect(t1, a1), Expect(t3, a3)], [(fname("no-abstract-b"), t2, "a title alone, with no text or metadata")])
    t = "Glued to Subscribe With Nothing After"
    add("subscribe-glued-alone", {fname("subscribe-glued-alone"): utf8(layout_b((t, None)))},
        [], [(fname("subscribe-glued-alone"), "Subscribe" + t, "a title alone, with no text or metadata")])

    # A paper's own page, paper cards and the API's JSON (FORMATS.md G, H, I), alone, appended to
    # a listing, in UTF-16 after UTF-8: one paper a page, none of the page's furniture.
    pages = REPO / "tests" / "fixtures" / "captures" / "pages"
    jina = (pages / "jina_reader.md").read_text(encoding="utf-8")
    dense = ("We revisit dense gadgets and compare them with sparse widgets on long inputs. Dense gadgets win "
             "on every task we try, at a small cost in memory (\\eg, 3% on our largest model).")
    t, a = "A Listing Paper Before a Paper's Page", abstract("Its page follows it in the same file.")
    add("paper-page-appended", {fname("paper-page-appended"): utf8(papers_a(entry(t, a)) + "\n" + jina)},
        [Expect(t, a, "2025-10-07"), Expect("Dense Gadgets Revisited", dense, "2026-09-03")])
    fetch = (pages / "text_fetch_2026.txt").read_text(encoding="utf-8")
    t, a = "A UTF-8 Paper Before a UTF-16 Page", abstract("PowerShell appended a page in UTF-16 after me.")
    add("utf16-page-appended", {fname("utf16-page-appended"): utf8(papers_a(entry(t, a))) + fetch.encode("utf-16-le")},
        [Expect(t, a, "2025-10-07"), Expect(
            "Sparse Widgets for Tiny Models that Wrap onto Two Lines",
            "Tiny models lose accuracy when their memory is halved. We study widgets, small learned buffers that "
            "(LLMs) and other tiny models can consult, and show on twelve benchmarks that widgets keep 98% of the "
            "accuracy at half the memory. Code is at https://WidgetLab.github.io.", "2026-09-04")])
    add("paper-page-without-title", {fname("paper-page-without-title"): (pages / "text_copy_no_title.txt").read_bytes()},
        [], [(fname("paper-page-without-title"), 2, "a paper's page without its title (arXiv 2610.01051): not published")])
    cards = (pages / "model_page_cards.md").read_bytes().replace(
        b"Sparse Widgets for Tiny Models that Wrap onto Two Lines", b"Sparse Widgets, as a Card")
    add("paper-cards", {fname("paper-cards"): cards},
        [Expect("Sparse Widgets, as a Card", "", "2026-09-04"), Expect("2 Widgets 2 Furious", "", "2024-12-31"), Expect("Gadget Theory", "", "2025-08-02"),
         Expect("Widgets, a Primer", "", "2021-06-17")],
        [(fname("paper-cards"), 58, "a paper card without its title (arXiv 2410.01036): not published")])
    api = REPO / "tests" / "fixtures" / "captures" / "api"
    add("api-json-named-txt", {fname("api-json-named-txt"): (api / "2026-09-04.json").read_bytes()},
        [Expect("Widgets for Speech: Listening at Half the Memory",
                "We bring widgets to speech recognition and keep word error rates at half the memory.", "2026-09-03"),
         Expect("Gadget Search", "We search with gadgets.", "2026-09-02")])

    # Impossible and extreme values ---------------------------------------------------------
    for name, date_line, shown in [
        ("date-feb-30", "Feb 30 3", "Feb 30, 2025"),
        ("date-apr-31", "Apr 31, 2024 3", "Apr 31, 2024"),
        ("date-feb-29-non-leap", "Feb 29, 2023", "Feb 29, 2023"),
    ]:
        t, a = f"A Paper Dated {shown}", abstract(f"Its date line reads {shown}, a day no calendar has.")
        add(name, {fname(name): utf8(papers_a(entry(t, a, ["  • 2 authors", "·", date_line])))},
            [Expect(t, a, None)], [(fname(name), date_line, f"impossible date: {shown}")])
    t, a = "Ten to the Thirtieth Upvotes", abstract("An upvote count no page ever showed.")
    add("huge-upvotes", {fname("huge-upvotes"): utf8(papers_a(entry(t, a, ["  • 2 authors", "·", f"Oct 7 {10**30}"])))},
        [Expect(t, a, "2025-10-07", None)], [(fname("huge-upvotes"), f"Oct 7 {10**30}", "comment count out of range")])
    t = "Five Megabytes of Abstract on One Line"
    big = abstract("Scaling. " * 10) + (" The quick brown fox jumps over the lazy dog." * 116_600)
    assert len(big) > 5_000_000
    add("five-megabyte-abstract", {fname("five-megabyte-abstract"): utf8(papers_a(entry(t, big)))}, [Expect(t, big)])
    t, a = "Far Future and Far Past", abstract("Dated in the year 9999; a sibling in year 1.")
    t2, a2 = "The Year One Paper", abstract("Dated January 1 of year one.")
    add("extreme-years", {fname("extreme-years"): utf8(papers_a(
        entry(t, a, ["  • 2 authors", "·", "Dec 31, 9999 4"]), entry(t2, a2, ["  • 2 authors", "·", "Jan 1, 0001 4"])))},
        [Expect(t, a, "9999-12-31"), Expect(t2, a2, "0001-01-01")])
    t, a = "A Thousand Billion Authors", abstract("An author count out of range.")
    add("huge-author-count", {fname("huge-author-count"): utf8(papers_a(entry(t, a, ["  • 999999999999 authors", "·", "Oct 7 1"])))},
        [Expect(t, a, "2025-10-07")], [(fname("huge-author-count"), "999999999999 authors", "author count out of range")])
    t, a = "Quadratic Spaces in a Metadata Line", abstract("A metadata line padded with two hundred thousand spaces.")
    add("spaces-redos", {fname("spaces-redos"): utf8(papers_a(entry(t, a, ["  •" + " " * 200_000 + "3 authors", "·", "Oct 7 1"])))},
        [Expect(t, a, "2025-10-07")])

    # Titles that slugify to nothing or to one slug -------------------------------------------
    # (Letters that python-slugify transliterates to nothing: a title must hold a letter.)
    e1, e2 = "ꙮ 🚀🔥✨", "ʘ?!… — ¿¡"
    add("slug-empty", {fname("slug-empty"): utf8(papers_a(entry(e1, abstract("Emoji only.")), entry(e2, abstract("Punctuation only."))))},
        [Expect(e1, abstract("Emoji only.")), Expect(e2, abstract("Punctuation only."))])
    n1, n2 = "🚀🔥✨", "?!… — ¿¡"
    add("no-letter-titles", {fname("no-letter-titles"): utf8(papers_a(
        entry(n1, abstract("Emoji only.")), entry(n2, abstract("Punctuation only."))))},
        [], [(fname("no-letter-titles"), n1, "no letter in it: page furniture, not a title"),
             (fname("no-letter-titles"), n2, "no letter in it: page furniture, not a title")])
    c1, c2, c3 = "Attention: Is All You Need?", "Attention Is All You Need!", "ATTENTION — is all you need"
    add("slug-collision-punctuation", {fname("slug-collision-punctuation"): utf8(papers_a(
        entry(c1, abstract("Colon version.")), entry(c2, abstract("Bang version.")), entry(c3, abstract("Dash version."))))},
        [Expect(c1, abstract("Colon version.")), Expect(c2, abstract("Bang version.")), Expect(c3, abstract("Dash version."))])
    stem = "Towards Scalable and Interpretable Mixture of Experts Models for Long Context Reasoning"
    p1, p2 = f"{stem} in Vision", f"{stem} in Speech"
    add("slug-collision-long-prefix", {fname("slug-collision-long-prefix"): utf8(papers_a(
        entry(p1, abstract("Vision variant.")), entry(p2, abstract("Speech variant."))))},
        [Expect(p1, abstract("Vision variant.")), Expect(p2, abstract("Speech variant."))])

    # Scripts and directions ----------------------------------------------------------------
    titles = [
        ("🚀 Rocket-Powered Transformers 🤖", "Emoji 👩‍🔬 with a zero-width joiner and flags 🇫🇷."),
        ("大型语言模型的推理能力研究", "我们研究大型语言模型的推理能力，并提出新的评测基准。"),
        ("نماذج اللغة الكبيرة والاستدلال", "ندرس قدرة نماذج اللغة الكبيرة على الاستدلال mixed with English."),
        ("עברית RTL \u202eevil override\u202c Title", "Hebrew with a right-to-left override character inside."),
    ]
    add("emoji-cjk-rtl", {fname("emoji-cjk-rtl"): utf8(papers_a(*(entry(t, abstract(a)) for t, a in titles)))},
        [Expect(t, abstract(a)) for t, a in titles])

    # Markup, templates, YAML and Markdown in the text ---------------------------------------
    hostile = [
        ("<script>alert('pwned')</script> Script Tag Title", "Abstract with <script src=//evil.example/pwned.js></script> inside."),
        ('<img src=x onerror="alert(1)" class=pwned> Image Handler', 'An <img src=x onerror=alert(document.cookie) id=pwned> tag.'),
        ('<a href="javascript:alert(1)" id=pwned>Click</a> Link Title', "A [link](javascript:alert(1)) and <a href='javascript:void(0)'>x</a>."),
        ("</title><script>alert(1)</script><title> Closing Title", "Closes </p></div></article><div class=pwned onclick=alert(1)>here."),
        ('"><svg onload=alert(1) class=pwned> Attribute Breakout', "'\"><iframe srcdoc='<script>alert(1)</script>' id=pwned></iframe>"),
        ("<!-- comment --> <style>body{display:none}</style> Style", "<meta http-equiv=refresh content='0;url=javascript:alert(1)'> &lt;b&gt; &amp;"),
    ]
    add("html-and-javascript", {fname("html-and-javascript"): utf8(papers_a(*(entry(t, abstract(a)) for t, a in hostile)))},
        [Expect(t, abstract(a)) for t, a in hostile])
    jinja = [
        ("{{ config.site_name }} and {{ 7*7 }} Templates", "{% for x in range(3) %}{{ x }}{% endfor %} and {# comment #}."),
        ("{% raw %}Raw Blocks{% endraw %} in a Title", "{{ page.meta.title | safe }} {% include 'base.html' %} {{ lipsum() }}"),
    ]
    add("jinja-text", {fname("jinja-text"): utf8(papers_a(*(entry(t, abstract(a)) for t, a in jinja)))},
        [Expect(t, abstract(a)) for t, a in jinja])
    yaml_titles = [
        "Key: Value Looks Like a Mapping", "---", "- Leading Dash Looks Like a List", "&anchor Anchored Title",
        "*alias Aliased Title", "!tag Tagged Title", "\"Double\" and 'Single' Quotes", "# Hash Starts the Title",
        "? Question Mark Key", "| Literal Block Marker", "> Folded Block Marker", "%YAML 1.2 Directive",
        "@reserved `backtick` Title", "yes", "null", "~", "1e3",
    ]
    # `---` and `~` hold no letter: no title (reported), whatever YAML makes of them.
    add("yaml-breaking-titles", {fname("yaml-breaking-titles"): utf8(papers_a(
        *(entry(t, abstract(f"YAML trap number {n}.")) for n, t in enumerate(yaml_titles))))},
        [Expect(t, abstract(f"YAML trap number {n}.")) for n, t in enumerate(yaml_titles) if t not in ("---", "~")],
        [(fname("yaml-breaking-titles"), t, "no letter in it: page furniture, not a title") for t in ("---", "~")])
    md = [
        ("# Heading Title", "# Heading in the abstract"),
        ("> Quote Title", "> quoted abstract"),
        ("1. Ordered List Title", "1. first\u00a02. second"),
        ("| a | table | row |", "| col | col |"),
        ("``` Fenced Title ```", "```python print('pwned') ```"),
        ("[Link Title](https://example.com/pwned)", "See [here](https://evil.example/) and <https://autolink.example>."),
        ("![Image Title](https://example.com/pwned.png)", "![alt](x.png \"t\") and ![](javascript:alert(1))"),
        ("*Emphasis* and __Strong__ Title", "_under_ **bold** ~~strike~~ `code` ==mark=="),
        (r"LaTeX $\alpha_i^2 + \frac{a}{b}$ Title", r"Backslashes \\ \( x \) \[ y \] \emph{z} \\\\ end\ "),
        ("Setext Underline ===", "Term\\n: definition [^1] {: .pwned } {#pwned}"),
    ]
    add("markdown-like-text", {fname("markdown-like-text"): utf8(papers_a(*(entry(t, abstract(a)) for t, a in md)))},
        [Expect(t, abstract(a)) for t, a in md])

    # Control characters, very long titles, duplicates ---------------------------------------
    ctl = "Bell\x07 Escape\x1b[31m Red\x1b[0m DEL\x7f NEL\x85 Title"
    ctl_abstract = abstract("Vertical\x0btab, form\x0cfeed, backspace\x08, line\u2028separator, para\u2029separator, \ufffe\uffff.")
    plain = abstract("A plain paper, so that five control bytes are under one percent of the file.")
    add("control-characters", {fname("control-characters"): utf8(papers_a(
        entry(ctl, ctl_abstract), entry("Plain Neighbour of the Control Characters", plain)))},
        [Expect(ctl, ctl_abstract), Expect("Plain Neighbour of the Control Characters", plain)])
    long_title = "A Very Long Title " + " ".join(f"word{n}" for n in range(120))
    assert 200 < len(long_title) < 1000
    too_long = "An Overlong Line " + "x" * 1500
    add("very-long-titles", {fname("very-long-titles"): utf8(papers_a(
        entry(long_title, abstract("Nine hundred characters of title.")), entry(too_long, abstract("Never a title."))))},
        # The overlong line is skipped with its abstract: neither is published.
        [Expect(long_title, abstract("Nine hundred characters of title."))],
        [(fname("very-long-titles"), too_long, "line of 1517 characters where a title was expected; skipped")])
    dup = "The Same Paper in Two Dumps"
    short, longer = abstract("Short."), abstract("Longer abstract, which the merge keeps.")
    add("duplicate-conflicting-metadata", {
        fname("duplicate-conflicting-metadata", 1): utf8(papers_a(entry(dup, short, ["tencent Tencent", "·", "Oct 7, 2024 3"]))),
        fname("duplicate-conflicting-metadata", 2): utf8(papers_a(entry("THE  same paper in two dumps", longer, ["  • 9 authors", "·", "Mar 3 40"]))),
    }, [Expect(dup, longer, "2024-10-07", 40, sources=2)])
    return out


KINDS = kinds()
KIND_NAMES = [k.name for k in KINDS]
assert len(KINDS) >= 30, len(KINDS)
assert len(set(KIND_NAMES)) == len(KINDS)


def line_number(data: bytes, where: str | int) -> int:
    """The 1-based line of a file whose text contains `where` (an int is the line itself)."""
    if isinstance(where, int):
        return where
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    lines = re.split(r"\r\n|\r|\n", text)
    for n, line in enumerate(lines, 1):
        if line.strip() == where.strip():
            return n
    for n, line in enumerate(lines, 1):
        if where.strip() in line:
            return n
    raise AssertionError(f"{where!r} is not in the file")


def write_sources(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(GOOD_SAMPLE, folder / GOOD_SAMPLE.name)
    for kind in KINDS:
        for name, data in kind.files.items():
            (folder / name).write_bytes(data)
    return folder


@dataclass
class Built:
    sources: Path
    site: Path
    output: str
    returncode: int
    papers: dict[str, dict]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The hostile dumps and one good sample, built once through the command line."""
    root = tmp_path_factory.mktemp("hostile")
    sources = write_sources(root / "sources")
    result = run_build("--sources", str(sources), "--site-dir", str(root / "site"), site_url=SITE_URL)
    output = result.stdout + result.stderr
    papers = {}
    if result.returncode == 0:
        data = load_export(root / "site")
        papers = {p["title"]: p for p in data["papers"]}
    return Built(sources, root / "site", output, result.returncode, papers)


class PaperPage(HTMLParser):
    """The h1 and the abstract paragraph of a paper page: their text and the elements inside."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.h1, self.abstract = "", None
        self.h1_elements: list[str] = []
        self.abstract_elements: list[str] = []
        self._in = None
        self._depth = 0
        self._after_abstract_heading = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs) -> None:
        if self._in:
            self._depth += 1
            (self.h1_elements if self._in == "h1" else self.abstract_elements).append(tag)
        elif tag == "h1" and not self.h1:
            self._in, self._depth = "h1", 0
        elif tag == "h2" and dict(attrs).get("id") == "abstract":
            self._after_abstract_heading = True
        elif tag == "p" and self._after_abstract_heading and self.abstract is None:
            self._in, self._depth, self.abstract = "p", 0, ""

    def handle_endtag(self, tag) -> None:
        if self._in and self._depth == 0 and tag == self._in:
            self._in = None
        elif self._in:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in == "h1":
            self.h1 += data
        elif self._in == "p":
            self.abstract += data


TEX_ELEMENTS = MATHML_ELEMENTS | INLINE_ELEMENTS


def shown_text(text: str) -> str:
    """The text a browser shows of a title or abstract: its TeX rendered, no tags."""
    return html.unescape(re.sub(r"<[^>]*>", "", tex_html(text)))


def normal(text: str) -> str:
    """Text as the renderer shows it: control characters and non-characters dropped, spacing collapsed."""
    kept = "".join(c for c in text if unicodedata.category(c) != "Cc" and c not in "\ufffe\uffff")
    return " ".join(kept.split())


def test_the_build_succeeds_without_a_traceback(built: Built) -> None:
    assert built.returncode == 0, built.output[-5000:]
    assert "Traceback" not in built.output


@pytest.mark.parametrize("kind", KINDS, ids=KIND_NAMES)
def test_each_kind_is_published_faithfully_or_reported(built: Built, kind: Kind) -> None:
    assert built.returncode == 0, built.output[-3000:]
    for want in kind.papers:
        paper = built.papers.get(want.title)
        assert paper is not None, f"{want.title[:80]!r} was not published"
        assert paper["abstract"] == want.abstract
        if want.date is not ...:
            assert paper["date"] == want.date
        if want.comments is not ...:
            assert paper["comments"] == want.comments  # the number after the date
            assert paper["upvotes"] is None  # layout A shows no upvote line
        assert len(paper["sources"]) == want.sources
        assert {s["file"] for s in paper["sources"]} <= set(kind.files)
        page = PaperPage((built.site / paper["url"] / "index.html").read_text(encoding="utf-8"))
        # Shown as written, but for its TeX (generator/mathtext.py): MathML and <em> at most.
        assert normal(page.h1) == normal(shown_text(want.title))
        assert set(page.h1_elements) <= TEX_ELEMENTS
        if want.abstract:
            assert page.abstract is not None and normal(page.abstract) == normal(shown_text(want.abstract))
            assert set(page.abstract_elements) <= TEX_ELEMENTS
    for file, where, message in kind.problems:
        line = line_number(kind.files[file], where)
        place = f"{file}:{line}: " if line else f"{file}: "
        assert place + message in built.output, (place + message, [ln for ln in built.output.splitlines() if file in ln])


def test_every_problem_names_a_file_and_line(built: Built) -> None:
    files = {name for kind in KINDS for name in kind.files}
    for line in built.output.splitlines():
        if line.startswith("WARNING") and "2025-11-11-" in line:
            assert re.search(r"WARNING\s+-\s+2025-11-11-[\w-]+\.txt(:\d+)?: \S", line), line
            assert re.search(r"(2025-11-11-[\w-]+\.txt)", line).group(1) in files, line


def test_feed_and_sitemap_stay_well_formed_xml(built: Built) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(built.site / "feed.xml").getroot()
    shown = {normal(e.find("a:title", ns).text or "") for e in feed.findall("a:entry", ns)}
    hostile = {normal(p.title) for kind in KINDS for p in kind.papers if p.date not in (None, ...)}
    assert hostile & shown, "no hostile paper made it into the feed: the check checks nothing"
    assert ET.parse(built.site / "sitemap.xml").getroot() is not None


def test_the_hostile_site_keeps_the_invariants(built: Built) -> None:
    counts = check_invariants(built.site, [built.sources])
    # Nothing read is lost and nothing is made up: the hostile papers and the good sample's.
    expected = {" ".join(p.title.casefold().split()) for kind in KINDS for p in kind.papers}
    assert counts["read"] == len(expected) + papers_read([GOOD_SAMPLE])


def test_a_second_build_of_the_hostile_dumps_is_byte_identical(built: Built, tmp_path: Path) -> None:
    again = tmp_path / "site"
    result = run_build("--sources", str(built.sources), "--site-dir", str(again), site_url=SITE_URL)
    assert result.returncode == 0, result.stderr[-3000:]
    assert_same_bytes(built.site, again)


def test_strict_fails_on_the_hostile_dumps_and_keeps_the_previous_site(built: Built) -> None:
    before = tree_state(built.site)
    result = run_build("--sources", str(built.sources), "--site-dir", str(built.site), "--strict",
                       site_url=SITE_URL)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "left as it was" in result.stderr
    assert tree_state(built.site) == before
    assert_no_leftovers(built.site)


@pytest.mark.parametrize("name", ["empty-file", "binary-png", "html-page", "meta-month-foo", "windows-1252"])
def test_check_strict_exits_1_on_each_problem_input(name: str, tmp_path: Path) -> None:
    kind = next(k for k in KINDS if k.name == name)
    for file, data in kind.files.items():
        (tmp_path / file).write_bytes(data)
    result = subprocess.run([sys.executable, "-m", "generator", "check", str(tmp_path), "--strict"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    shutil.copy(GOOD_SAMPLE, tmp_path / GOOD_SAMPLE.name)
    for file in kind.files:
        (tmp_path / file).unlink()
    clean = subprocess.run([sys.executable, "-m", "generator", "check", str(tmp_path), "--strict"],
                           cwd=REPO, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout


def test_a_paper_pagefind_cannot_index_is_left_out_of_search_only(tmp_path: Path) -> None:
    """Pagefind indexes no page without a word in it: such a paper (no parser publishes one
    today, but any may) is left out of the index and reported; the rest is indexed, in order."""
    from generator.data.model import Paper, Source
    from generator.search.indexer import index_papers

    def paper(n: int, title: str, text: str) -> Paper:
        return Paper(f"p{n}", title, text, None, n, None, None, None, None, None, (), (Source("x.txt", n),))

    said: list[str] = []
    indexer = index_papers([paper(1, "Fine Paper", "fine words"), paper(2, "---", ""), paper(3, "Other", "more words")],
                           tmp_path, log=said.append)
    assert [p.title for p in indexer.unindexed] == ["---"]
    sorts = json.loads((tmp_path / "pagefind" / "papers-sorts.json").read_text(encoding="utf-8"))
    assert len(sorts["pages"]) == 2 and sorts["upvotes"] == [1, 3]
