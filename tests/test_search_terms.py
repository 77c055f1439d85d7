"""The words the search index adds to a paper's text (generator/search/terms.py, issue 15)."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO

from generator.data.model import Paper
from generator.search.indexer import paper_record
from generator.search.terms import hidden_terms, plain_tex, vocabulary


def test_compound_names_are_indexed_by_their_parts():
    assert hidden_terms("DeepSeek-R1: Incentivizing") == ["r1"]
    assert hidden_terms("Qwen2.5-VL and GPT-4o, o1-mini") == ["vl", "4o", "mini"]
    assert hidden_terms("DeepSeek-R1-Distill-Qwen") == ["r1distillqwen", "distillqwen", "qwen"]
    assert hidden_terms("see https://github.com/openai/SWELancer-Benchmark.") == []


def test_tex_titles_are_indexed_as_rendered():
    assert plain_tex("$\\text{Transformer}^2$: Self-adaptive LLMs") == "Transformer2: Self-adaptive LLMs"
    # Pagefind reads the page's `Transformer²` as `transformer²`, which `transformer2` does not find.
    assert "transformer2" in hidden_terms("$\\text{Transformer}^2$: Self-adaptive LLMs")
    assert "l2m" in hidden_terms("L$^2$M: Mutual")
    # A Greek letter as a reader types it (the page shows π₀).
    assert plain_tex("$\\pi_0$: A Vision") == "pi0: A Vision"
    assert "pi0" in hidden_terms("$\\pi_0$: A Vision-Language-Action Flow Model")


def test_words_glued_to_math_are_found_by_their_parts():
    # The page shows `LLM×MapReduce:`, one word to Pagefind (`llmmapreduce`).
    assert plain_tex("LLM$\\times$MapReduce: Simplified") == "LLM-MapReduce: Simplified"
    assert hidden_terms("LLM$\\times$MapReduce: Simplified Long-Sequence Processing") == ["mapreduce", "sequence"]
    assert "sam2" in hidden_terms("SAM$\\,$2 and more")


def test_cjk_runs_are_windows_from_each_character():
    terms = hidden_terms("本文提出大语言模型的中文评测")
    assert "语言模型的中文评测" in terms and "中文评测" in terms
    assert all(len(t) <= 12 for t in terms)


def test_hidden_terms_are_metadata_never_shown():
    paper = Paper(id="p", title="DeepSeek-R1 <b>", abstract="Uses GPT-4o & 中文评测.", date=None, upvotes=None,
                  comments=None, arxiv_id=None, authors=None, organization="香港科技大学", org_id=None,
                  links=(), sources=())
    record = paper_record(paper)
    assert '<span data-pagefind-meta="title_terms">r1</span>' in record
    assert 'data-pagefind-meta="terms">4o 文评测 评测' in record
    assert "<b>" not in record and "&lt;b&gt;" in record
    shown, hidden = record.split("<div data-pagefind-ignore>", 1)
    assert "title_terms" in hidden and "title_terms" not in shown


def test_navigation_instant_is_refused_at_config_time(tmp_path):
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "    - navigation.prune\n", "    - navigation.prune\n    - navigation.instant\n")
    config = config.replace("docs_dir: content", f"docs_dir: {REPO / 'content'}").replace(
        "custom_dir: overrides", f"custom_dir: {REPO / 'overrides'}")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(tmp_path / "mkdocs.yml"),
                             "-d", str(tmp_path / "site")], capture_output=True, text=True, cwd=REPO)
    assert result.returncode != 0
    assert "navigation.instant is not supported" in result.stderr


def test_vocabulary_counts_the_papers_holding_each_word():
    texts = ["Chain-of-Thought prompting for LLM$\\times$MapReduce", "Chain of thought, again and again: 2024",
             "大语言模型 Schrödinger’s cat", "a xy 12345 abc"]
    counts = {word: n for n, words in vocabulary(texts) for word in words}
    # Parts of a compound as Pagefind cuts them; a paper counts once however often it says a word.
    assert counts["chain"] == 2 and counts["thought"] == 2 and counts["again"] == 1
    assert counts["mapreduce"] == 1 and counts["llm"] == 1
    assert counts["prompting"] == 1 and counts["schrödinger"] == 1 and counts["abc"] == 1
    # Not words: TeX commands, numbers, words under three letters, Han and kana.
    for absent in ("times", "2024", "12345", "of", "xy", "a", "大语言模型"):
        assert absent not in counts, absent
    # Most frequent first, words of one count in alphabetical order.
    entries = vocabulary(texts)
    assert [n for n, _ in entries] == sorted((n for n, _ in entries), reverse=True)
    assert all(words == sorted(words) for _, words in entries)
