"""Shared helpers of the parse/merge tests: dump writers, record views, corpus comparison."""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.data.merge import page_year, paste_years, resolve_date
from generator.data.model import Dump, Paper, Record
from generator.data.sources import read_dump

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "content" / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dumps"
GOLDEN = Path(__file__).resolve().parent / "golden" / "records"
CORPUS_SLICE = Path(__file__).resolve().parent / "corpus_slice"
# A fixed "today" so that nothing depends on the clock (the corpus has 2026 page years).
TODAY = date(2026, 11, 22)

LAYOUT_A_HEADER = [
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
]
LAYOUT_B_HEADER = [
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
]
MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def real_corpus() -> Path | None:
    """The real corpus folder (env PAPERS_CORPUS or ../shared/corpus/real), None when absent."""
    env = os.environ.get("PAPERS_CORPUS")
    path = Path(env) if env else REPO.parent / "shared" / "corpus" / "real"
    return path if (path / "TRUTH.json").is_file() else None


def real_api_corpus() -> Path | None:
    """The API corpus folder (env PAPERS_API_CORPUS or ../shared/corpus/api: 83 days of the public
    API's JSON), None when absent."""
    env = os.environ.get("PAPERS_API_CORPUS")
    path = Path(env) if env else REPO.parent / "shared" / "corpus" / "api"
    return path if path.is_dir() and any(path.glob("*.json")) else None


def require_corpus() -> Path:
    """The real corpus; skipped on a developer's machine without it, a failure in CI (which has it)."""
    import pytest

    folder = real_corpus()
    if folder is None:
        if os.environ.get("CI"):
            pytest.fail("the real corpus is missing: CI has it (../shared/corpus/real or PAPERS_CORPUS)")
        pytest.skip("real corpus not found (../shared/corpus/real or PAPERS_CORPUS)")
    return folder


@dataclass
class Entry:
    """One paper to write into a synthetic dump, with the record it must parse back to."""

    title: str
    abstract: str
    authors: int | None = None
    org: str | None = None
    month: int | None = None
    day: int | None = None
    year: int | None = None
    comments: int | None = None
    """Shown on the date line only when > 0; a date line without it parses as 0."""
    upvotes: int | None = None
    """The upvote line of layouts C and D (`-` for 0); not written in A and B."""
    arxiv_id: str | None = None
    """The id of layout D's links."""

    @property
    def has_metadata(self) -> bool:
        return self.month is not None


def date_line(month: int, day: int, year: int | None = None, comments: int | None = None) -> str:
    """`Oct 7`, `Dec 29, 2024`, `Oct 7 2` or `Dec 16, 2024 2` (2 comments), as Hugging Face shows them."""
    text = f"{MONTH_NAMES[month - 1]} {day}"
    if year is not None:
        text += f", {year}"
    if comments:
        text += f" {comments}"
    return text


def write_layout_a(entries: list[Entry], page: str | None = "Nov 11") -> tuple[str, list[int]]:
    """A layout-A dump of the entries, and the 1-based line of each title."""
    lines: list[str] = []
    for header in LAYOUT_A_HEADER + ([page] if page else []):
        lines += [header, ""]
    title_lines = []
    for e in entries:
        title_lines.append(len(lines) + 1)
        lines += [e.title, "", e.abstract, ""]
        if e.has_metadata:
            first = e.org if e.org is not None else f"  • {e.authors} authors"
            lines += [first, "·", date_line(e.month, e.day, e.year, e.comments), ""]  # type: ignore[arg-type]
    return "\n".join(lines), title_lines


LAYOUT_C_HEADER = [
    "new", "Get trending papers in your email inbox once a day!", "Get trending papers in your email inbox!",
    "Subscribe", "Daily Papers", "by AK and the research community", "Daily", "Weekly", "Monthly", "Trending Papers",
]


def write_layout_c(entries: list[Entry], page: str = "Oct 2") -> tuple[str, list[int]]:
    """A layout-C dump (today's search page as text): an upvote line before every title, the
    organization as its display name only. Returns the text and the 1-based line of each title."""
    lines: list[str] = []
    for header in LAYOUT_C_HEADER + [page]:
        lines += [header, ""]
    title_lines = []
    for e in entries:
        lines += [str(e.upvotes) if e.upvotes else "-", ""]
        title_lines.append(len(lines) + 1)
        lines += [e.title, "", e.abstract, ""]
        if e.has_metadata:
            first = e.org if e.org is not None else f"{e.authors} authors"
            lines += [first, "·", date_line(e.month, e.day, e.year, e.comments), ""]  # type: ignore[arg-type]
    return "\n".join(lines) + "\n", title_lines


def md_escape(text: str) -> str:
    """Text as a capture tool writes it in markdown, with backslash, brackets, underscore,
    star and backtick escaped."""
    return "".join("\\" + c if c in "\\[]_*`" else c for c in text)


def write_layout_d(entries: list[Entry], page: str = "Oct 2") -> tuple[str, list[int]]:
    """A layout-D dump (markdown of a capture tool), every part followed by a blank line."""
    lines = [
        "new", "", "Get trending papers in your email inbox once a day!", "", "Get trending papers in your email inbox!", "",
        "[Subscribe](https://huggingface.co/login?next=%2Fpapers)", "", "# Daily Papers", "",
        "## by [![](https://huggingface.co/front/assets/papers-by.png)AK](https://huggingface.co/akhaliq) and the research community",
        "", "- Daily", "- Weekly", "- Monthly", "", "[Trending Papers](https://huggingface.co/papers/trending)", "", page, "",
    ]
    title_lines = []
    for n, e in enumerate(entries):
        paper = e.arxiv_id or f"2609.{n:05d}"
        url = f"https://huggingface.co/papers/{paper}"
        lines += [f"[{e.upvotes or '-'}](https://huggingface.co/login?next=%2Fpapers%2F{paper})", ""]
        title_lines.append(len(lines) + 1)
        lines += [f"### [{md_escape(e.title)}]({url})", "", f"[{md_escape(e.abstract)}]({url})", ""]
        if e.has_metadata:
            if e.org is not None:
                org_id = "org-" + str(n)
                lines += [f"[![{org_id}](https://cdn-avatars.huggingface.co/x/{n}.png){md_escape(e.org)}](https://huggingface.co/{org_id})", ""]
            else:
                lines += [f"[- ![](https://huggingface.co/avatars/{n}.svg)\\\\", f"- {e.authors} authors]({url})", ""]
            comments = f"[{e.comments}]({url}#community)" if e.comments else ""
            lines += ["·", "", date_line(e.month, e.day, e.year) + comments, ""]  # type: ignore[arg-type]
    return "\n".join(lines) + "\n", title_lines


def write_layout_b(entries: list[Entry]) -> tuple[str, list[int]]:
    """A layout-B dump (no metadata: only titles and abstracts), and the line of each title."""
    lines = list(LAYOUT_B_HEADER)
    title_lines = []
    for n, e in enumerate(entries):
        title_lines.append(len(lines) + 1)
        lines += [("Subscribe" if n == 0 else "") + e.title, e.abstract]
    if not entries:
        lines.append("Subscribe")
    return "\n".join(lines) + "\n", title_lines


def write_page(e: Entry, arxiv_id: str, names: list[str], summary: str | None, markdown: bool) -> str:
    """One paper's own page (FORMATS.md G) as a browser copies it (text) or as Jina Reader saves
    it (markdown): navigation, the `arxiv:` line, title, date, upvote widget, authors, summary,
    abstract, buttons, comments with the librarian bot's list of other papers, footer."""
    date = date_line(e.month or 9, e.day or 4, e.year or 2026)
    names_text = "\n,\n".join(names)
    if markdown:
        lines = [
            f"Title: Paper page - {e.title}", "", f"URL Source: https://huggingface.co/papers/{arxiv_id}", "",
            "Markdown Content:", f"Paper page - {md_escape(e.title)}", "===============", "",
            "*   [Models](https://huggingface.co/models)", "*   [Pipelines](https://huggingface.co/pipelines)", "",
            "[Papers](https://huggingface.co/papers)", "", f"arxiv:{arxiv_id}", "", md_escape(e.title), "=" * 20, "",
            f"Published on {date}", "", f" [Upvote {e.upvotes or 0}](https://huggingface.co/login?next=%2Fpapers)", "",
            "*   +3", "", "Authors:", "", " ,\n\n".join(f"[{md_escape(n)}](https://huggingface.co/u{k})" for k, n in enumerate(names)),
            "", "Abstract", "--------", "",
        ]
        if summary:
            lines += [md_escape(summary), "", "AI-generated summary", ""]
        lines += [md_escape(e.abstract), "",
                  f"[View arXiv page](https://arxiv.org/abs/{arxiv_id})[View PDF](https://arxiv.org/pdf/{arxiv_id})", "",
                  "### Community", "", "*   [Other Widgets Considered](https://huggingface.co/papers/2501.00001) (2025)",
                  "", "Models citing this paper 0", "--------------------------", ""]
    else:
        lines = ["Hugging Face", "Models", "new", "Daily Papers", "Pipelines", "Papers", f"arxiv:{arxiv_id}", "Copy markdown",
                 e.title, f"Published on {date}", "Submitted by", "jane-doe", "on Sep 5", "Authors:", names_text, "Abstract"]
        if summary:
            lines += [summary, "AI-generated summary"]
        lines += [e.abstract, "View arXiv page  View PDF  Add to collection", "Community", "librarian-bot",
                  "The following papers were recommended by the Semantic Scholar API", "Other Widgets Considered (2025)",
                  f"Upvote {e.upvotes or 0}", "+9", "Get this paper in your agent:", f"hf papers read {arxiv_id}",
                  "System theme", "TOS", ""]
    return "\n".join(lines)


def write_cards(entries: list[Entry], first_id: int = 0) -> str:
    """Paper cards of a model's page (FORMATS.md H), in markdown: a title line, then
    `Paper • <id> • Published Mon D, YYYY • <upvotes>` closing the card's link; a collection
    card and a dataset card among them, which are not papers."""
    lines = ["Downloads last month", ":   1,234", "", "Collection including acme/widget-7b", "---", "",
             "[#### Widget models", "", "Collection", "", "All widgets. • 35 items • Updated Oct 3 • 157](/collections/acme)", "",
             "Papers for acme/widget-7b", "---", ""]
    for n, e in enumerate(entries):
        paper = f"2609.{first_id + n:05d}"
        lines += [f"[#### {e.title}", "", f"Paper • {paper} • Published {date_line(e.month or 9, e.day or 4, e.year or 2026)} "
                  f"• {e.upvotes or 0}](/papers/{paper})", ""]
    lines += ["[#### acme/widget-data", "", "Viewer • Updated Sep 20, 2026 • 7.5k • 19](/datasets/acme/widget-data)", "",
              "System theme", ""]
    return "\n".join(lines)


def expected_record(e: Entry, file: str, line: int) -> dict:
    """The record view (see `record_view`) that an Entry must parse back to."""
    meta = e.has_metadata
    return {
        "title": unicodedata.normalize("NFC", e.title),  # titles are read in NFC
        "abstract": e.abstract,
        "line": line,
        "month": e.month,
        "day": e.day,
        "year": e.year,
        "comments": (e.comments or 0) if meta else None,
        "upvotes": None,
        "authors": e.authors if meta and e.org is None else None,
        "org": e.org if meta else None,
        "file": file,
    }


def record_view(r: Record) -> dict:
    """A record as a plain dict, for comparisons with readable diffs."""
    return {
        "title": r.title,
        "abstract": r.abstract,
        "line": r.source.line,
        "month": r.month,
        "day": r.day,
        "year": r.year,
        "comments": r.comments,
        "upvotes": r.upvotes,
        "authors": r.authors,
        "org": r.org,
        "file": r.source.file,
    }


def golden_record(r: Record) -> dict:
    """A record as kept in the golden files: the abstract shortened to its head and length."""
    view = record_view(r)
    del view["file"]
    view["abstract"] = r.abstract[:80]
    view["abstract_chars"] = len(r.abstract)
    return view


def golden_paper(p: Paper) -> dict:
    """A merged paper as kept in the golden file."""
    return {
        "id": p.id,
        "title": p.title,
        "date": p.date.isoformat() if p.date else None,
        "comments": p.comments,
        "upvotes": p.upvotes,
        "arxiv_id": p.arxiv_id,
        "authors": p.authors,
        "organization": p.organization,
        "org_id": p.org_id,
        "links": list(p.links),
        "sources": [f"{s.file}:{s.line}" for s in p.sources],
    }


def truth_view(dump: Dump) -> tuple[dict, list[dict]]:
    """What the parse says about one corpus file, in TRUTH.json's terms."""
    page, _ = page_year(dump, {}, TODAY)
    dated = dump.page_month is not None
    head = {
        "layout": dump.layout,
        "page_year": page.year if dated else None,
        "page_date": date(page.year, page.month, page.day).isoformat() if dated and page.month else None,
        "n_papers": len(dump.records),
        "problems": [str(p) for p in dump.problems],
    }
    papers = []
    for paste_page, records in paste_years(dump, page):
        for r in records:
            when, _ = resolve_date(r, paste_page)
            papers.append({
                "title": r.title,
                "date": when.isoformat() if when else None,
                "comments": r.comments,
                "upvotes": r.upvotes,
                "authors": r.authors,
                "org": r.org,
                "arxiv_id": r.arxiv_id,
                "year_written": None if r.month is None else r.year is not None,
            })
    return head, papers


def compare_with_truth(folder: Path, truth: dict) -> tuple[list[Dump], list[str]]:
    """Parse every file TRUTH.json names and list each difference as `file:#n: field ...`."""
    diffs: list[str] = []
    dumps = []
    for name, expected in sorted(truth["files"].items()):
        dump = read_dump(folder / name)
        dumps.append(dump)
        head, papers = truth_view(dump)
        want_head = {
            "layout": expected["layout"],
            "page_year": expected["page_year"],
            "page_date": expected["page_date"],
            "n_papers": len(expected["papers"]),
            "problems": [],
        }
        assert expected.get("n_papers", len(expected["papers"])) == len(expected["papers"])
        for key, value in want_head.items():
            if head[key] != value:
                diffs.append(f"{name}: {key}: got {head[key]!r}, expected {value!r}")
        for n, (got, want) in enumerate(zip(papers, expected["papers"], strict=False), 1):
            for key, value in got.items():
                if value != want[key]:
                    diffs.append(f"{name}:#{n}: {key}: got {value!r}, expected {want[key]!r}")
    return dumps, diffs


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
