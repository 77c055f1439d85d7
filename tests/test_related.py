"""Related papers: similar ones first, never itself, chunking-independent, stable across builds."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

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


def test_term_counts_match_scikit_learn() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    texts = TRICKY * 3 + [p.replace(" ", "-") for p in TRICKY]
    for max_docs in (1, 2, 3, 100):
        expected = CountVectorizer(stop_words="english", dtype=np.float32, max_df=max_docs,
                                   token_pattern=related.TOKEN.pattern).fit_transform(texts)
        got, terms = related._term_counts(texts, len(texts), max_docs)
        assert terms == sorted(terms) and len(terms) == got.shape[1]
        assert got.shape == expected.shape and got.dtype == expected.dtype
        for part in ("indptr", "indices", "data"):
            assert np.array_equal(getattr(got, part), getattr(expected, part)), (max_docs, part)


def test_term_counts_none_without_terms() -> None:
    assert related._term_counts(["the a", "", "42"], 3, 10) is None
    assert related._term_counts(["alpha beta", "alpha beta"], 2, 1) is None  # every term in too many texts


def row_by_row(papers: list[Paper], count: int, previous: dict | None = None) -> list[tuple[str, ...]]:
    """Each paper's list selected one row at a time, as related_ids did before it was vectorised."""
    matrix = related._vectors(papers).matrix
    sims = (matrix @ matrix.T.tocsr()).tocsr()
    ids = [p.id for p in papers]
    index = {pid: i for i, pid in enumerate(ids)} if previous else {}
    return [related._exact_row(sims, r, r, count, ids, tuple((previous or {}).get(pid, ())), index)
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
    full = related._select(now.matrix, now.ids, count, previous, np.arange(len(edited)))
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
