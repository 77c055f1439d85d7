"""Related papers: similar ones first, never itself, chunking-independent, stable across builds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator import related
from generator.model import Paper, Source
from generator.pipeline import Settings, collect
from generator.related import related_ids

ROOT = Path(__file__).resolve().parents[1]


def paper(n: int, title: str, abstract: str) -> Paper:
    return Paper(id=f"p{n}", title=title, abstract=abstract, date=date(2025, 1, 1), upvotes=None,
                 authors=None, organization=None, org_id=None, links=(), sources=(Source("x.txt", n),))


@pytest.fixture(scope="module")
def samples() -> list[Paper]:
    return collect(Settings(sources=[ROOT / "content" / "raw"], tags=None), with_related=False).papers


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
