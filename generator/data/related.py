"""Related papers: cosine similarity of TF-IDF vectors over title and abstract, in chunks."""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from itertools import count as numbers
from itertools import filterfalse

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfTransformer

from .model import Paper

RELATED = 5
# Rows of the similarity product computed at once: bounds memory whatever the archive size.
CHUNK = 2048
# Chunks in flight: the sparse product and most array work release the GIL, so two threads
# keep both cores of a small machine busy.
WORKERS = 2
# Terms kept per paper: its most distinctive ones carry the similarity, and keeping few makes
# the sparse product cheap (its cost grows with the square of each term's document count).
TERMS_PER_PAPER = 16
# Terms in more papers than this say little about relatedness and cost the most.
def _max_docs(n: int) -> int:
    return max(200, min(1000, n // 100))
# Last build's list stands while each member scores at least this share of the fresh
# list's weakest score: a new paper has to be clearly better to change a page.
HOLD = 0.8
# A term: two or more word characters or hyphens, starting with a letter (scikit-learn's
# token_pattern as we used it with its TfidfVectorizer).
TOKEN = re.compile(r"(?u)\b[^\W\d_][\w-]+\b")
# ASCII characters other than word characters and `-` play the part of a space in TOKEN, so
# turning them into spaces and splitting there cuts no term; str.translate is fast on ASCII.
SPACES = str.maketrans({c: " " for c in map(chr, range(128)) if not re.fullmatch(r"[\w-]", c)})
# Entries sampled per row of a similarity chunk to bound its top scores from below.
SAMPLE = 128


def _term_counts(texts: Iterable[str], n: int, max_docs: int) -> sp.csr_matrix | None:
    """Counts of the terms of each of the `n` texts, the very matrix scikit-learn's CountVectorizer makes.

    Same terms, same columns (terms in alphabetical order, those in more than `max_docs`
    texts left out), same order of entries in each row; None when no term is left. Faster:
    the loop over texts counts space-separated pieces with C-level calls only, and each
    distinct piece is cut into terms once for the whole archive.
    """
    pieces, by_piece = _piece_counts(texts, n)
    # Terms numbered by first appearance, which is the order of each row's entries in
    # CountVectorizer: it sorts them by that number before it renumbers the terms.
    first: dict[str, int] = {}
    piece_rows, term_cols = array("i"), array("i")
    for piece, number in pieces.items():
        for term in (piece,) if piece.isalpha() else TOKEN.findall(piece):
            if len(term) > 1 and term not in ENGLISH_STOP_WORDS:
                piece_rows.append(number)
                term_cols.append(first.setdefault(term, len(first)))
    if not first:
        return None
    ones = np.ones(len(piece_rows), dtype=np.float32)
    terms_of_pieces = sp.csr_matrix((ones, (piece_rows, term_cols)), shape=(len(pieces), len(first)))
    matrix = (by_piece @ terms_of_pieces).tocsr()
    del by_piece  # as large as the product: memory for what follows
    matrix.sort_indices()
    kept = np.bincount(matrix.indices, minlength=len(first)) <= max_docs
    if not kept.any():
        return None
    names = [term for term, keep in zip(first, kept.tolist(), strict=True) if keep]
    alphabetical = {term: i for i, term in enumerate(sorted(names))}
    column = np.zeros(len(first), dtype=np.int32)
    column[kept] = [alphabetical[term] for term in names]
    matrix.data[~kept[matrix.indices]] = 0
    matrix.eliminate_zeros()
    return sp.csr_matrix((matrix.data, column[matrix.indices], matrix.indptr), shape=(n, len(names)))


def _piece_counts(texts: Iterable[str], n: int) -> tuple[dict[str, int], sp.csr_matrix]:
    """The distinct pieces of lowercased text between spaces and TOKEN's other separators,
    numbered in order of first appearance, and how often each text has each."""
    pieces: dict[str, int] = {}
    ids, counts = [], []
    for text in texts:
        tally = Counter(text.lower().translate(SPACES).split())
        pieces.update(zip(filterfalse(pieces.__contains__, tally), numbers(len(pieces))))
        ids.append(np.fromiter(map(pieces.__getitem__, tally), np.int32, len(tally)))
        counts.append(np.fromiter(tally.values(), np.float32, len(tally)))
    indptr = np.concatenate(([0], np.cumsum([len(row) for row in ids])))
    return pieces, sp.csr_matrix((np.concatenate(counts), np.concatenate(ids), indptr), shape=(n, len(pieces)))


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
    texts = (f"{p.title} {p.title} {p.abstract}" for p in papers)
    counts = _term_counts(texts, len(papers), _max_docs(len(papers)))
    if counts is None:  # no term at all (every text empty, or only stop words)
        return None
    return _prune(TfidfTransformer(sublinear_tf=True).fit_transform(counts), TERMS_PER_PAPER)


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
    kept = [tuple(previous.get(pid, ())) for pid in ids] if previous else [()] * n
    # Last build's lists as row numbers, -1 for a paper gone; lists of another length never hold.
    members = np.full((n, count), -1, dtype=np.int64)
    lengths = np.zeros(n, dtype=np.int64)
    index = {pid: i for i, pid in enumerate(ids)} if previous else {}
    if previous:
        for row, old in enumerate(kept):
            if 0 < len(old) <= count:
                lengths[row] = len(old)
                members[row, : len(old)] = [index.get(pid, -1) for pid in old]
    names = np.array(ids, dtype=object)

    def chunk(start: int) -> list[tuple[str, ...]]:
        stop = min(start + CHUNK, n)
        sims = (matrix[start:stop] @ transposed).tocsr()
        top, found, holds, exact = _chunk_top(sims, start, count, members[start:stop], lengths[start:stop])
        lists = [kept[start + r] if hold else tuple(row[:k])
                 for r, (row, k, hold) in enumerate(zip(names[top].tolist(), found.tolist(), holds.tolist()))]
        for r in exact.tolist():
            lists[r] = _exact_row(sims, r, start + r, count, ids, kept[start + r], index)
        return lists

    with ThreadPoolExecutor(WORKERS) as pool:
        return [one for lists in pool.map(chunk, range(0, n, CHUNK)) for one in lists]


def _chunk_top(sims, start: int, count: int, members, lengths):
    """Each row's top `count` columns of one chunk of the similarity matrix, without Python loops.

    Returns the columns (most similar first, by column on equal scores; -1 pads), how many
    each row has, whether last build's list holds, and the rows to redo with `_exact_row`:
    those where a score equal to the weakest one was left out, since which of the equals the
    row-by-row selection keeps depends on the order of the row's entries.
    """
    rows = sims.shape[0]
    indptr, cols, vals = sims.indptr, sims.indices, sims.data
    top_cols = np.full((rows, count + 1), -1, dtype=np.int64)
    top_vals = np.zeros((rows, count + 1), dtype=np.float32)
    if len(vals):
        local, pcols, pvals = _best(indptr, cols, vals, start, count + 1)
        first = np.searchsorted(local, np.arange(rows))
        have = np.bincount(local, minlength=rows)
        valid = np.arange(count + 1) < have[:, None]
        at = np.minimum(first[:, None] + np.arange(count + 1), max(len(local) - 1, 0))
        top_cols[valid] = pcols[at[valid]]
        top_vals[valid] = pvals[at[valid]]
    else:
        have = np.zeros(rows, dtype=np.int64)
    found = np.minimum(have, count)
    exact = np.flatnonzero((have > count) & (top_vals[:, count - 1] == top_vals[:, count]))
    weakest = top_vals[np.arange(rows), np.maximum(found - 1, 0)]

    # Last build's list holds when each member, a distinct other paper, scores at least
    # HOLD times the fresh list's weakest score.
    holds = (lengths > 0) & (lengths == found)
    if holds.any():
        listed = np.arange(count) < lengths[:, None]
        # Members still in the fresh list have their scores at hand; the others are looked up
        # (scores are positive: a pair without an entry reads as 0).
        same = members[:, :, None] == top_cols[:, None, :count]
        score = np.where(same, top_vals[:, None, :count], 0).max(axis=2)
        ask = holds[:, None] & listed & (members >= 0) & ~same.any(axis=2)
        if ask.any():
            score[ask] = np.asarray(sims[np.nonzero(ask)[0], members[ask]]).ravel()
        others = (members != np.arange(start, start + rows)[:, None]) & (score > 0)
        distinct = np.sort(np.where(listed, members, -2 - np.arange(count)), axis=1)
        holds &= (others | ~listed).all(axis=1) & (np.diff(distinct, axis=1) != 0).all(axis=1)
        holds &= np.where(listed, score, np.inf).min(axis=1) >= HOLD * weakest
    return top_cols[:, :count], found, holds, exact


def _best(indptr, cols, vals, start: int, width: int):
    """At least each row's `width` best entries other than itself, sorted by row, score (best
    first) and column: as (row in the chunk, column, score) arrays."""
    rows = len(indptr) - 1
    sizes = np.diff(indptr)
    # A lower bound for each row's width-th best score other than itself: the (width + 1)-th
    # best of a sample of distinct entries (itself may be one of them). Fewer than width + 1
    # entries sampled means all of them are, and the bound is 0.
    size = max(SAMPLE, width + 1)
    step = np.arange(size)
    spread = np.where(sizes[:, None] >= size, step * sizes[:, None] // size, step)
    positions = np.minimum(indptr[:-1, None] + spread, len(vals) - 1)
    sample = np.where(step < sizes[:, None], vals[positions], 0).astype(np.float32)
    bound = np.partition(sample, size - width - 1, axis=1)[:, size - width - 1]
    picked = np.flatnonzero(vals >= np.repeat(bound, sizes))
    local = np.searchsorted(indptr, picked, side="right") - 1
    pcols, pvals = cols[picked], vals[picked]
    other = (pcols != local + start) & (pvals > 0)
    local, pcols, pvals = local[other], pcols[other].astype(np.int64), pvals[other]
    # One sort of 64-bit keys (row, then the score's bits inverted, then column) is much
    # faster than np.lexsort; positive float32 scores order as their bit patterns do.
    column_bits = int(cols.max(initial=0)).bit_length()
    if rows.bit_length() + 31 + column_bits > 64:
        order = np.lexsort((pcols, -pvals, local))
        return local[order], pcols[order], pvals[order]
    score_bits = np.uint64(0x7FFFFFFF) - pvals.view(np.uint32).astype(np.uint64)
    keys = (local.astype(np.uint64) << np.uint64(31 + column_bits)) | (score_bits << np.uint64(column_bits))
    keys = np.sort(keys | pcols.astype(np.uint64))
    pvals = (np.uint64(0x7FFFFFFF) - ((keys >> np.uint64(column_bits)) & np.uint64(0x7FFFFFFF)))
    return ((keys >> np.uint64(31 + column_bits)).astype(np.int64),
            (keys & np.uint64((1 << column_bits) - 1)).astype(np.int64),
            pvals.astype(np.uint32).view(np.float32))


def _exact_row(sims, r: int, row: int, count: int, ids: list[str], kept: tuple[str, ...],
               index: Mapping[str, int]) -> tuple[str, ...]:
    """Row `r` of a chunk, selected one row at a time as related lists always have been."""
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
    if kept and len(kept) == len(fresh) and _holds(kept, cols, vals, index, top_vals.min()):
        return kept
    return fresh


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
