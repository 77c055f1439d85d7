"""Related papers: cosine similarity of TF-IDF vectors over title and abstract, in chunks."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .model import Paper

RELATED = 5
# Rows of the similarity matrix computed at once: bounds memory at CHUNK x papers floats.
CHUNK = 1024
# Terms kept per paper: the highest-weighted ones carry the similarity and keep the
# sparse product cheap on large archives.
TERMS_PER_PAPER = 48


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


def related_ids(papers: list[Paper], count: int = RELATED) -> list[tuple[str, ...]]:
    """For each paper, the ids of the `count` most similar others, most similar first."""
    n = len(papers)
    if n < 2:
        return [() for _ in papers]
    texts = [f"{p.title} {p.title} {p.abstract}" for p in papers]
    vectorizer = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, dtype=np.float32, max_df=0.5, min_df=1,
        token_pattern=r"(?u)\b[^\W\d_][\w-]+\b",
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no term at all (every text empty or stop words only)
        return [() for _ in papers]
    matrix = _prune(matrix, TERMS_PER_PAPER)
    transposed = matrix.T.tocsr()
    k = min(count, n - 1)
    result: list[tuple[str, ...]] = []
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        sims = (matrix[start:stop] @ transposed).toarray()
        rows = np.arange(stop - start)
        sims[rows, rows + start] = -1.0  # never related to itself
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < n else np.argsort(-sims, axis=1)
        for r in range(stop - start):
            # Ties break on archive order, so two builds agree.
            chosen = sorted(top[r], key=lambda j: (-sims[r, j], j))
            result.append(tuple(papers[j].id for j in chosen if sims[r, j] > 0))
    return result


def apply_related(papers: list[Paper], count: int = RELATED) -> list[Paper]:
    """Papers with `related` filled in."""
    return [replace(p, related=ids) for p, ids in zip(papers, related_ids(papers, count), strict=True)]
