"""Related papers: cosine similarity of TF-IDF vectors over title and abstract, in chunks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .model import Paper

RELATED = 5
# Rows of the similarity product computed at once: bounds memory whatever the archive size.
CHUNK = 2048
# Terms kept per paper: its most distinctive ones carry the similarity, and keeping few makes
# the sparse product cheap (its cost grows with the square of each term's document count).
TERMS_PER_PAPER = 16
# Terms in more papers than this say little about relatedness and cost the most.
def _max_docs(n: int) -> int:
    return max(200, min(1000, n // 100))
# Last build's list stands while each member scores at least this share of the fresh
# list's weakest score: a new paper has to be clearly better to change a page.
HOLD = 0.8


def _prune(matrix, keep: int):
    """Keep each row's `keep` largest weights, renormalised to unit length."""
    matrix = matrix.tocsr()
    indptr, data = matrix.indptr, matrix.data
    for row in range(matrix.shape[0]):
        start, end = indptr[row], indptr[row + 1]
        if end - start > keep:
            cut = np.argpartition(data[start:end], end - start - keep)[: end - start - keep]
            data[start + cut] = 0.0
    matrix.eliminate_zeros()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = matrix.multiply(1.0 / norms[:, None]).tocsr()
    return matrix.astype(np.float32)


def _vectors(papers: list[Paper]):
    """Unit TF-IDF rows over title (counted twice) and abstract, pruned to distinctive terms."""
    n = len(papers)
    texts = [f"{p.title} {p.title} {p.abstract}" for p in papers]
    vectorizer = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, dtype=np.float32, min_df=1,
        max_df=_max_docs(n),
        token_pattern=r"(?u)\b[^\W\d_][\w-]+\b",
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no term at all (every text empty, or only stop words)
        return None
    return _prune(matrix, TERMS_PER_PAPER)


def related_ids(
    papers: list[Paper], count: int = RELATED, previous: Mapping[str, Sequence[str]] | None = None,
) -> list[tuple[str, ...]]:
    """For each paper, the ids of the `count` most similar others, most similar first.

    With `previous` (last build's lists), a paper keeps its list while every member still
    scores within `HOLD` of the fresh list: new papers then change the pages they truly
    belong on, not every page whose ranking moved by a hair.
    """
    n = len(papers)
    matrix = _vectors(papers) if n > 1 else None
    if matrix is None:
        return [() for _ in papers]
    transposed = matrix.T.tocsr()
    ids = [p.id for p in papers]
    index = {pid: i for i, pid in enumerate(ids)} if previous else {}
    result: list[tuple[str, ...]] = []
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        sims = (matrix[start:stop] @ transposed).tocsr()
        for r in range(stop - start):
            row = start + r
            cols = sims.indices[sims.indptr[r] : sims.indptr[r + 1]]
            vals = sims.data[sims.indptr[r] : sims.indptr[r + 1]]
            keep = (cols != row) & (vals > 0)
            cols, vals = cols[keep], vals[keep]
            if len(cols) > count:
                top = np.argpartition(-vals, count - 1)[:count]
                top_cols, top_vals = cols[top], vals[top]
            else:
                top_cols, top_vals = cols, vals
            # Ties break on archive order, so two builds agree.
            order = np.lexsort((top_cols, -top_vals))
            fresh = tuple(ids[j] for j in top_cols[order])
            kept = tuple(previous.get(ids[row], ())) if previous else ()
            if kept and len(kept) == len(fresh) and _holds(kept, cols, vals, index, top_vals.min()):
                result.append(kept)
            else:
                result.append(fresh)
    return result


def _holds(kept: Sequence[str], cols, vals, index: Mapping[str, int], weakest: float) -> bool:
    """Whether every paper of last build's list still scores within HOLD of `weakest`."""
    members = [index.get(pid, -1) for pid in kept]
    if min(members) < 0:
        return False
    found = np.isin(cols, members)
    return int(found.sum()) == len(members) and float(vals[found].min()) >= HOLD * weakest


def apply_related(
    papers: list[Paper], count: int = RELATED, previous: Mapping[str, Sequence[str]] | None = None,
) -> list[Paper]:
    """Papers with `related` filled in."""
    lists = related_ids(papers, count, previous)
    return [replace(p, related=r) for p, r in zip(papers, lists, strict=True)]
