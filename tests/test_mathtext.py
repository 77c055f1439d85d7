"""TeX in titles and abstracts: MathML and text at build time (generator/mathtext.py).

Unit cases for each rule, hostile formulas, the problems reported, and every page of the sample
site and of the real corpus (../shared/corpus/real): no paper page shows TeX source, and a paper
with a formula shows <math>.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from parse_helpers import require_corpus

from generator.data.mathtext import convert
from generator.data.pipeline import collect
from generator.pages.render import Renderer, front_matter
from generator.site.config import default_settings

ROOT = Path(__file__).resolve().parents[1]

# TeX a reader should never see: a $…$ holding TeX characters, a command, an escape, TeX quotes.
TEX_SOURCE = re.compile(r"\$(?=\S)[^$\n]{0,120}[\\^_{}][^$\n]*(?<=\S)\$|\\[A-Za-z]+|\\[%&$#_{}]|``")
MATH_SOURCE = re.compile(r"\$[^$\s][^$]{0,118}[\\^_{}][^$]*\$|\\\(")


def visible(markup: str) -> str:
    """The text a browser shows of some HTML (tags dropped, references read)."""
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


@pytest.mark.parametrize(("tex", "markup", "text"), [
    ("UFO$^3$: agents", "UFO<math><mrow><msup><mi></mi><mn>3</mn></msup></mrow></math>: agents", "UFO³: agents"),
    (r"VLM$^2$-Bench", "VLM<math><mrow><msup><mi></mi><mn>2</mn></msup></mrow></math>-Bench", "VLM²-Bench"),
    (r"$L_{1,2}$ norm", "<math><mrow><msub><mi>L</mi><mrow><mn>1</mn><mo>,</mo><mn>2</mn></mrow></msub></mrow></math> norm", "L_(1,2) norm"),
    (r"at least \(9.6\times\) fewer", "at least <math><mrow><mn>9.6</mn><mo>×</mo></mrow></math> fewer", "at least 9.6× fewer"),
    (r"2.3\times faster, 72.6\% mean, R\&D", "2.3× faster, 72.6% mean, R&amp;D", "2.3× faster, 72.6% mean, R&D"),
    (r"\textit{Trans-LoRA} and {\em entropy collapse}", "<em>Trans-LoRA</em> and <em>entropy collapse</em>", "Trans-LoRA and entropy collapse"),
    (r"\textbf{Only-IF} in \texttt{LIVEditor}", "<strong>Only-IF</strong> in <code>LIVEditor</code>", "Only-IF in LIVEditor"),
    ("the ``mis-evolution'' of", "the “mis-evolution” of", "the “mis-evolution” of"),
    ('fixed ``one-size" and ``system 2``', "fixed “one-size” and “system 2”", "fixed “one-size” and “system 2”"),
    ("``` Fenced ``` and a lone ``x", "``` Fenced ``` and a lone ``x", "``` Fenced ``` and a lone ``x"),
    (r"Schr\"odinger, Bolet\'{\i}n, GPT-4o\'s", "Schrödinger, Boletín, GPT-4o&#x27;s", "Schrödinger, Boletín, GPT-4o's"),
    (r"131{,}072 and 360{\deg}, 58--75\% unsolved---no", "131,072 and 360°, 58–75% unsolved—no", "131,072 and 360°, 58–75% unsolved—no"),
    (r"\shortopd\ raises", "shortopd raises", "shortopd raises"),
    ("a set {a, b} stays", "a set {a, b} stays", "a set {a, b} stays"),
])
def test_tex_becomes_mathml_and_text(tex: str, markup: str, text: str) -> None:
    converted = convert(tex)
    assert (converted.html, converted.text, converted.rejected) == (markup, text, ())


@pytest.mark.parametrize("money", [
    "costs $5 million and $3 more",
    "for under $3, reaching average quality",
    "between $1,000 and $2,000 USD",
    "Fixing 7,400 Bugs for 1$: Cheap Crash-Site Program Repair",
    "a Video Generation Model in $200k",
    "at <$50 marginal cost, and <$10 in compute",
    "costs $8.1 per manuscript and $20 per tutor",
])
def test_money_stays_text(money: str) -> None:
    converted = convert(money)
    assert converted.text == money and converted.html == html.escape(money) and not converted.rejected


@pytest.mark.parametrize(("tex", "why"), [
    (r"$\href{javascript:alert(1)}{x}$", "attribute href"),
    (r"$\style{color:red}{x}$", "attribute style"),
    (r"$\color{red}x$", "attribute mathcolor"),
    (r"$\frac{a$", "unbalanced braces"),
    (r"$\undefinedmacro^2$", "unknown command"),
    (r"$\unicode{x}^2$", "character reference"),
])
def test_a_rejected_formula_stays_escaped_text(tex: str, why: str) -> None:
    converted = convert(f"A <b>{tex}</b> end")
    assert converted.html == html.escape(f"A <b>{tex}</b> end")
    assert converted.text == f"A <b>{tex}</b> end"
    assert len(converted.rejected) == 1 and why in converted.rejected[0]


@pytest.mark.parametrize("hostile", [
    "$<script>alert(1)</script>$",
    r"$\text{<img src=x onerror=alert(1)>}^2$",
    r"$x^{<svg onload=alert(1)>}$",
    r"\textbf{<script>alert(1)</script>}",
    r"\href{javascript:alert(1)}{click}",
    r"\url{javascript:alert(1)}",
    "$x^2 and an unbalanced $ and $ and \\(x",
    r"\(\href{javascript:alert(1)}{x}\)",
])
def test_nothing_from_a_dump_becomes_markup(hostile: str) -> None:
    markup = convert(hostile).html
    tags = set(re.findall(r"</?([a-z]+)", markup))
    assert tags <= {"math", "mrow", "mi", "mn", "mo", "msup", "msub", "mtext", "strong", "em", "code"}
    assert "<script" not in markup and "<img" not in markup and "<svg" not in markup
    assert not re.search(r"<[a-z]+ [^>]*(href|src|on\w+|style)=", markup)


def test_a_rejected_formula_is_a_problem_at_its_line(tmp_path: Path) -> None:
    sample = (ROOT / "content" / "raw" / "003_390887510c10aacd.txt").read_text(encoding="utf-8")
    lines = sample.splitlines()
    at = lines.index("UFO$^3$: Weaving the Digital Agent Galaxy")
    lines[at] = r"UFO$\href{javascript:alert(1)}{3}$: Weaving the Digital Agent Galaxy"
    (tmp_path / "dump.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    archive = collect(default_settings(sources=[tmp_path], related=0))
    found = [str(p) for p in archive.problems if "TeX" in p.message]
    assert found == [f"dump.txt:{at + 1}: TeX shown as written, not as math: "
                     r"'$\href{javascript:alert(1)}{3}$': attribute href"]


def _paper_pages(folder: Path) -> list[tuple[str, str]]:
    """(the dump's title and abstract, the paper page) of every paper of the dumps in a folder."""
    archive = collect(default_settings(sources=[folder], related=0))
    renderer = Renderer(archive, page_size=50)
    return [(f"{p.title} {p.abstract}", front_matter(meta) + body)
            for p in archive.papers for meta, body in [renderer.paper_parts(p)]]


def _assert_no_tex_source(pages: list[tuple[str, str]]) -> int:
    """Every paper page shows no TeX, in its body or front matter; returns how many show MathML."""
    with_math = 0
    for source, page in pages:
        meta, body = page.split("\n---\n", 1)
        assert not TEX_SOURCE.search(visible(body)), (source[:80], TEX_SOURCE.search(visible(body)))
        assert not TEX_SOURCE.search(meta), (source[:80], meta)
        if MATH_SOURCE.search(source):
            assert "<math>" in body, source[:80]
            with_math += 1
    return with_math


def test_sample_paper_pages_show_no_tex_source() -> None:
    assert _assert_no_tex_source(_paper_pages(ROOT / "content" / "raw")) >= 1


def test_real_corpus_paper_pages_show_no_tex_source() -> None:
    pages = _paper_pages(require_corpus())
    assert _assert_no_tex_source(pages) >= 10


def test_real_corpus_formulas_all_convert() -> None:
    archive = collect(default_settings(sources=[require_corpus()], related=0))
    assert [p for p in archive.problems if "TeX" in p.message] == []


def test_built_paper_page_shows_mathml_and_plain_title(sample_site: Path) -> None:
    page = (sample_site / "papers/2025/11/ufo-3-weaving-the-digital-agent-galaxy/index.html").read_text(encoding="utf-8")
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert h1 and "<math><mrow><msup>" in h1.group(1) and "$" not in h1.group(1)
    assert 'data-papers-title="UFO³: Weaving the Digital Agent Galaxy"' in h1.group(0)
    assert "<title>UFO³: Weaving the Digital Agent Galaxy - " in page
    feed = (sample_site / "feed.xml").read_text(encoding="utf-8")
    assert "UFO$^3$" not in feed
    for paper_page in (sample_site / "papers").rglob("index.html"):
        text = paper_page.read_text(encoding="utf-8")
        start = text.index('<div class="papers-paper"')
        content = visible(text[start:text.index("</article>", start)])
        assert not TEX_SOURCE.search(content), (paper_page, TEX_SOURCE.search(content))
