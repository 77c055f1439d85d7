"""Related papers: similar ones first, never itself, chunking-independent, stable across builds."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from judged_sets import CONDENSED_DEPTH, corpus_papers, related_figures
from parse_helpers import require_corpus

from generator.data import related
from generator.data.model import Paper, Source
from generator.data.pipeline import collect
from generator.data.related import related_ids
from generator.site.config import default_settings

ROOT = Path(__file__).resolve().parents[1]


def paper(n: int, title: str, abstract: str) -> Paper:
    return Paper(id=f"p{n}", title=title, abstract=abstract, date=date(2025, 1, 1), upvotes=None, comments=None, arxiv_id=None,
                 authors=None, organization=None, org_id=None, links=(), sources=(Source("x.txt", n),))


@pytest.fixture(scope="module")
def samples() -> list[Paper]:
    return collect(default_settings(sources=[ROOT / "content" / "raw"], tags=None), with_related=False).papers


def test_similar_papers_come_first() -> None:
    papers = [
        paper(0, "Sparse autoencoders find interpretable features", "Sparse autoencoders decompose activations into interpretable features of language models."),
        paper(1, "Scaling sparse autoencoders", "We train sparse autoencoders on activations and find interpretable features at scale."),
        paper(2, "Diffusion models for video generation", "A video diffusion model generates temporally coherent frames."),
        paper(3, "Faster video diffusion", "Distilling video diffusion models into few-step frame generators."),
    ]
    lists = related_ids(papers, count=1)
    assert lists == [("p1",), ("p0",), ("p3",), ("p2",)]


def test_never_itself_and_at_most_count(samples: list[Paper]) -> None:
    lists = related_ids(samples, count=5)
    assert len(lists) == len(samples)
    for p, ids in zip(samples, lists):
        assert p.id not in ids
        assert len(ids) <= 5 and len(set(ids)) == len(ids)
    assert sum(1 for ids in lists if len(ids) == 5) > 0.9 * len(samples)


def test_chunk_size_does_not_change_the_result(samples: list[Paper], monkeypatch) -> None:
    whole = related_ids(samples, count=5)
    monkeypatch.setattr(related, "CHUNK", 7)
    assert related_ids(samples, count=5) == whole


def test_previous_lists_stay_while_they_still_hold(samples: list[Paper]) -> None:
    fresh = related_ids(samples, count=5)
    wide = related_ids(samples, count=60)
    # Last build's list in another order: every member still scores as well, so it stays.
    reordered = tuple(reversed(fresh[0]))
    # A list holding a far weaker match is computed afresh.
    weak = (*fresh[2][:4], wide[2][-1])
    previous = {samples[0].id: reordered, samples[1].id: ("no-such-paper", *fresh[1][1:]),
                samples[2].id: weak}
    again = related_ids(samples, count=5, previous=previous)
    assert again[0] == reordered
    assert again[1] == fresh[1]  # a member is gone
    assert again[2] == fresh[2]
    assert again[3:] == fresh[3:]


def test_no_text_no_related() -> None:
    assert related_ids([paper(0, "a", ""), paper(1, "the", "")]) == [(), ()]
    assert related_ids([paper(0, "Only one", "paper here")]) == [()]


# The fast paths against what they replace


TRICKY = [
    "State-of-the-art LLM-based agents (GPT-4o, Llama3-8B) beat 4-bit baselines; see arXiv:2401.01234.",
    "A b c dé x1 _under_score__ snake_case --dash-- -lead trail- 3D-aware 2x faster Ⅻ-fold ²nd",
    "Ligatures: ﬁne-tuning; Greek ΣΟΦΙΑΣ σοφίας; em—dash en–dash naïve café CAFÉ İstanbul ǅemal",
    "Tabs\tand\nnewlines\r\nand\u00a0no-break\u2009thin spaces; 日本語のテキスト and 中文 text",
    "the and of to in a is for on with as by that this we our are be",
    "",
    "  42 1984 3.14 ... !!! ###",
    "model model MODEL Model models modeling re-modeling re—model model-based model_based",
]


def test_words_of() -> None:
    assert related.words_of("State-of-the-art LLM-based agents (GPT-4o) beat 4-bit baselines in 2024") == [
        "state", "art", "llm", "based", "agent", "gpt", "4o", "beat", "bit", "baseline"]
    assert related.words_of("Studies of models, its class and focus") == ["study", "model", "class", "focus"]
    assert related.words_of("Ligatures: ﬁne-tuning; ΣΟΦΙΑΣ café 日本語のテキスト") == [
        "ligature", "ﬁne", "tuning", "σοφιας", "café", "日本語のテキスト"]


def test_term_counts_are_words_and_pairs_in_two_texts_or_more() -> None:
    from collections import Counter

    texts = TRICKY * 3 + [p.replace(" ", "-") for p in TRICKY] + ["unique words here", "model model model"]
    matrix, terms = related._term_counts(texts, len(texts))
    plain = []
    for text in texts:
        words = related.words_of(text)
        plain.append(Counter(words + [f"{a} {b}" for a, b in zip(words, words[1:])]))
    in_texts = Counter(term for counts in plain for term in counts)
    assert sorted(terms) == sorted(term for term, n in in_texts.items() if n >= 2)
    assert matrix.dtype == np.float32 and matrix.shape == (len(texts), len(terms)) and matrix.has_sorted_indices
    for row, counts in enumerate(plain):
        got = {terms[c]: v for c, v in zip(matrix[row].indices, matrix[row].data, strict=True)}
        assert got == {term: n for term, n in counts.items() if in_texts[term] >= 2}, texts[row]
    assert related._term_counts(texts + ["", "the of"], len(texts) + 2)[0].shape == (len(texts) + 2, len(terms))


def test_term_counts_none_without_terms() -> None:
    assert related._term_counts(["the a", "", "42"], 3) is None
    assert related._term_counts(["alpha", "beta"], 2) is None  # every term in one text only


def test_svd_finds_the_leading_singular_vectors() -> None:
    rng = np.random.default_rng(1)
    low = rng.standard_normal((300, 12)) @ np.diag(np.linspace(30, 10, 12)) @ rng.standard_normal((12, 400))
    matrix = sp.csr_matrix((low + 0.01 * rng.standard_normal((300, 400))).astype(np.float32))
    got = related._svd(matrix, 8, np.arange(400, dtype=np.uint32))
    expected = np.linalg.svd(matrix.toarray().astype(np.float64))[2][:8]
    assert got.shape == (8, 400) and got.dtype == np.float32
    # The same subspace: each vector found lies in the span of the true ones.
    assert np.allclose(np.linalg.norm(expected @ got.T, axis=0), 1.0, atol=1e-3)


def test_the_lsa_search_in_clusters_finds_what_the_whole_search_finds(samples: list[Paper], monkeypatch) -> None:
    vectors = related._vectors(samples)
    rows = np.arange(len(samples))
    whole = related._lsa_candidates(vectors.dense, vectors.centroids, vectors.cluster, rows, 10)
    scores = vectors.dense @ vectors.dense.T
    np.fill_diagonal(scores, -np.inf)
    best = np.argsort(-scores, axis=1, kind="stable")[:, :10]
    assert [set(a) for a in whole.tolist()] == [set(b) for b in best.tolist()]
    # Clusters of 20 papers, the 6 nearest searched: most of the same candidates (the samples are
    # a few close topics; on the real corpus, a 1% search finds 85% of them).
    monkeypatch.setattr(related, "CLUSTER_SIZE", 20)
    monkeypatch.setattr(related, "PROBES", 6)
    centroids = related._clusters(vectors.dense, rows)
    assert len(centroids) == len(samples) // 20
    near = related._lsa_candidates(vectors.dense, centroids, related._nearest(vectors.dense, centroids), rows, 10)
    found = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(near.tolist(), best.tolist(), strict=True)])
    assert found > 0.6, found


def row_by_row(papers: list[Paper], count: int, previous: dict | None = None) -> list[tuple[str, ...]]:
    """Each paper's list selected one row at a time, as related_ids did before it was vectorised,
    from the same candidates and scores."""
    vectors = related._vectors(papers)
    ids = [p.id for p in papers]
    index = {pid: i for i, pid in enumerate(ids)}
    members = np.full((len(ids), count), -1, dtype=np.int64)
    for i, pid in enumerate(ids):
        old = (previous or {}).get(pid, ())
        if 0 < len(old) <= count:
            members[i, : len(old)] = [index.get(m, -1) for m in old]
    rows = np.arange(len(ids))
    lsa = related._lsa_candidates(vectors.dense, vectors.centroids, vectors.cluster, rows, related.CANDIDATES)
    sims, _, _ = related._scores(vectors, vectors.matrix.T.tocsr(), rows, lsa, members)
    return [related._exact_row(sims, r, r, count, ids, tuple((previous or {}).get(pid, ())), index if previous else {})
            for r, pid in enumerate(ids)]


@pytest.fixture(scope="module")
def with_twins(samples: list[Paper]) -> list[Paper]:
    """The samples and, for a third of them, up to three copies: plenty of equal scores."""
    twins = [replace(p, id=f"{p.id}-{k}") for i, p in enumerate(samples[:130]) for k in range(i % 4)]
    return samples + twins


@pytest.mark.parametrize("count", [1, 5, 12])
def test_vectorised_selection_matches_row_by_row(with_twins: list[Paper], count: int, monkeypatch) -> None:
    redone = []
    exact_row = related._exact_row
    monkeypatch.setattr(related, "_exact_row", lambda *args: redone.append(args[2]) or exact_row(*args))
    monkeypatch.setattr(related, "CHUNK", 100)
    assert related_ids(with_twins, count=count) == row_by_row(with_twins, count)
    assert redone, "no row had equal scores at the cut: the test lost its point"


def test_previous_lists_hold_as_row_by_row(with_twins: list[Paper], monkeypatch) -> None:
    monkeypatch.setattr(related, "CHUNK", 100)
    fresh = row_by_row(with_twins, 5)
    wide = row_by_row(with_twins, 8)
    ids = [p.id for p in with_twins]
    kinds = [
        lambda i: tuple(reversed(fresh[i])),  # same members: holds
        lambda i: wide[i][3:8],  # weaker members: holds only when close enough
        lambda i: (*fresh[i][:4], ids[i]),  # itself
        lambda i: (*fresh[i][:4], fresh[i][0]),  # a member twice
        lambda i: (*fresh[i][:4], "gone"),  # a paper no longer there
        lambda i: fresh[i][:3],  # another length
        lambda i: wide[i],
        lambda i: tuple(ids[(i * 7919 + k) % len(ids)] for k in range(5)),  # unrelated papers
    ]
    previous = {pid: list(kinds[i % len(kinds)](i)) for i, pid in enumerate(ids)}
    expected = row_by_row(with_twins, 5, previous)
    assert related_ids(with_twins, count=5, previous=previous) == expected
    held = sum(1 for i, pid in enumerate(ids) if expected[i] == tuple(previous[pid]) != fresh[i])
    assert held > 10, "too few lists held for the test to mean much"


def previewed(papers: list[Paper], edited: list[Paper], count: int = 5):
    """A preview's lists after an edit (related.update_related, as `mkdocs serve` keeps them),
    the lists before it, and every list selected afresh over the preview's own vectors."""
    before, vectors = related.related_lists(papers, count)
    previous = {p.id: list(r) for p, r in zip(papers, before, strict=True)}
    lists, now = related.update_related(edited, count, previous, vectors)
    full = related._select(now, count, previous, np.arange(len(edited))).lists
    return lists, before, full


def test_a_preview_finds_the_lists_a_full_selection_over_its_vectors_finds(samples: list[Paper]) -> None:
    # A new paper that is a near copy of the first one, an abstract rewritten, a paper deleted.
    twin = replace(samples[0], id="twin-of-first", title=samples[0].title + " revisited")
    edited = [twin] + samples[:5] + [replace(samples[5], abstract=samples[40].abstract)] + samples[6:30] + samples[31:]
    lists, before, full = previewed(samples, edited)
    assert lists == full
    by_id = dict(zip((p.id for p in edited), lists, strict=True))
    assert "twin-of-first" in by_id[samples[0].id]  # the copy enters its original's list
    assert samples[0].id == by_id["twin-of-first"][0]
    assert all(samples[30].id not in one for one in lists)  # the deleted paper leaves every list
    # Most lists are last build's, untouched.
    untouched = sum(by_id[p.id] == r for p, r in zip(samples, before, strict=True) if p.id in by_id)
    assert untouched > 0.8 * len(samples)


def test_a_preview_without_a_text_change_keeps_every_list(samples: list[Paper], monkeypatch) -> None:
    before, vectors = related.related_lists(samples, 5)
    previous = {p.id: list(r) for p, r in zip(samples, before, strict=True)}
    monkeypatch.setattr(related, "_select", lambda *a: pytest.fail("a list was selected again"))
    # A tag rule or a date changed: the texts are the same, so is every list.
    lists, _ = related.update_related([replace(p, tags=("X",)) for p in samples], 5, previous, vectors)
    assert lists == before


def test_a_preview_of_a_large_edit_computes_afresh(samples: list[Paper]) -> None:
    rewritten = [replace(p, abstract=p.abstract + " A new sentence on robots.") for p in samples[:60]] + samples[60:]
    lists, _, _ = previewed(samples, rewritten)
    assert lists == related_ids(rewritten, 5, previous=dict(zip((p.id for p in samples),
                                                                 related_ids(samples, 5), strict=True)))


# Against related papers graded by reading both abstracts (tests/fixtures/related, each file says how)


@pytest.fixture(scope="module")
def real_rankings() -> tuple[list[Paper], dict[str, tuple[str, ...]]]:
    papers = corpus_papers(require_corpus())
    lists, _ = related.related_lists(papers, CONDENSED_DEPTH)
    return papers, {p.id: found for p, found in zip(papers, lists, strict=True)}


@pytest.mark.parametrize(("which", "ndcg", "unrelated"), [("judged", 0.75, 0.10), ("heldout", 0.60, 0.20)])
def test_related_papers_a_researcher_would_open(real_rankings, which, ndcg, unrelated):
    # Measured when the method was chosen (README): judged 0.78 (0.74 with unjudged papers as
    # unrelated), 4% unrelated; held out 0.62 (0.55), 14%. The method before it: 0.42 and 38%,
    # 0.35 and 50%; plain TF-IDF: 0.70 and 9%, 0.57 and 23%.
    papers, rankings = real_rankings
    figures = related_figures(papers, rankings, which)
    assert figures["nDCG@5"] >= ndcg, figures
    assert figures["unrelated"] <= unrelated, figures
