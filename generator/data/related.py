"""Related papers: cosine similarity of TF-IDF vectors over title and abstract, in chunks."""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import count as numbers
from itertools import filterfalse

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfTransformer

from .model import Paper, paper_with

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


def _term_counts(texts: Iterable[str], n: int, max_docs: int) -> tuple[sp.csr_matrix, list[str]] | None:
    """Counts of the terms of each of the `n` texts, the very matrix scikit-learn's CountVectorizer
    makes, and its terms (column by column).

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
    return (sp.csr_matrix((matrix.data, column[matrix.indices], matrix.indptr), shape=(n, len(names))),
            sorted(names))


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


def _text(paper: Paper) -> str:
    """What a paper's vector is made of: its title, counted twice, and its abstract."""
    return f"{paper.title} {paper.title} {paper.abstract}"


@dataclass
class Vectors:
    """The unit TF-IDF rows of an archive's papers, pruned to their distinctive terms, with
    what made them: `mkdocs serve` keeps them to place edited papers (update_related)."""

    ids: list[str]
    """Paper id of each row."""
    texts: list[str]
    """The text each row was made from (_text)."""
    matrix: sp.csr_matrix
    """One unit float32 row per paper, at most TERMS_PER_PAPER entries each."""
    vocabulary: dict[str, int]
    """Column of each term."""
    idf: np.ndarray
    """Inverse document frequency of each column (scikit-learn's smooth idf)."""

    def rows_of(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Rows for new texts under this vocabulary and idf: terms the archive did not have
        when the vectors were made count for nothing (the approximation of a preview)."""
        data: list[float] = []
        cols: list[int] = []
        indptr = [0]
        for text in texts:
            tally: Counter[int] = Counter()
            for piece in text.lower().translate(SPACES).split():
                for term in (piece,) if piece.isalpha() else TOKEN.findall(piece):
                    col = self.vocabulary.get(term)
                    if col is not None:
                        tally[col] += 1
            # sublinear tf times idf, as TfidfTransformer(sublinear_tf=True) weighs them
            weights = {c: (1.0 + float(np.log(k))) * float(self.idf[c]) for c, k in tally.items()}
            for c in sorted(weights):
                cols.append(c)
                data.append(weights[c])
            indptr.append(len(cols))
        raw = sp.csr_matrix((np.array(data, dtype=np.float64), np.array(cols, dtype=np.int32), indptr),
                            shape=(len(texts), len(self.vocabulary)))
        return _prune(raw, TERMS_PER_PAPER)


def _vectors(papers: list[Paper]) -> Vectors | None:
    """Unit TF-IDF rows over title (counted twice) and abstract, pruned to distinctive terms;
    None when no paper has a term (every text empty, or only stop words)."""
    texts = [_text(p) for p in papers]
    counted = _term_counts(texts, len(papers), _max_docs(len(papers)))
    if counted is None:
        return None
    counts, names = counted
    transformer = TfidfTransformer(sublinear_tf=True)
    matrix = _prune(transformer.fit_transform(counts), TERMS_PER_PAPER)
    return Vectors([p.id for p in papers], texts, matrix, {t: i for i, t in enumerate(names)},
                   transformer.idf_)


def related_ids(
    papers: list[Paper], count: int = RELATED, previous: Mapping[str, Sequence[str]] | None = None,
) -> list[tuple[str, ...]]:
    """For each paper, the ids of the `count` most similar others, most similar first.

    With `previous` (last build's lists), a paper keeps its list while every member still
    scores within `HOLD` of the fresh list: new papers then change the pages they truly
    belong on, not every page whose ranking moved by a hair.
    """
    return related_lists(papers, count, previous)[0]


def related_lists(
    papers: list[Paper], count: int = RELATED, previous: Mapping[str, Sequence[str]] | None = None,
) -> tuple[list[tuple[str, ...]], Vectors | None]:
    """related_ids, and the vectors they were found with (None when no paper has a term)."""
    vectors = _vectors(papers) if len(papers) > 1 else None
    if vectors is None:
        return [() for _ in papers], None
    return _select(vectors.matrix, vectors.ids, count, previous, np.arange(len(papers))), vectors


def _select(matrix, ids: list[str], count: int, previous: Mapping[str, Sequence[str]] | None,
            rows: np.ndarray) -> list[tuple[str, ...]]:
    """The related lists of the papers at `rows` (row numbers of `matrix`, whose rows are the
    papers `ids`), each against every other row, in chunks of CHUNK rows on WORKERS threads."""
    n = len(ids)
    transposed = matrix.T.tocsr()
    kept = [tuple(previous.get(ids[row], ())) for row in rows.tolist()] if previous else [()] * len(rows)
    # Last build's lists as row numbers, -1 for a paper gone; lists of another length never hold.
    members = np.full((len(rows), count), -1, dtype=np.int64)
    lengths = np.zeros(len(rows), dtype=np.int64)
    index = {pid: i for i, pid in enumerate(ids)} if previous else {}
    if previous:
        for r, old in enumerate(kept):
            if 0 < len(old) <= count:
                lengths[r] = len(old)
                members[r, : len(old)] = [index.get(pid, -1) for pid in old]
    names = np.array(ids, dtype=object)
    whole = len(rows) == n

    def chunk(start: int) -> list[tuple[str, ...]]:
        stop = min(start + CHUNK, len(rows))
        selves = rows[start:stop]
        sims = ((matrix[start:stop] if whole else matrix[selves]) @ transposed).tocsr()
        top, found, holds, exact = _chunk_top(sims, selves, count, members[start:stop], lengths[start:stop])
        lists = [kept[start + r] if hold else tuple(row[:k])
                 for r, (row, k, hold) in enumerate(zip(names[top].tolist(), found.tolist(), holds.tolist()))]
        for r in exact.tolist():
            lists[r] = _exact_row(sims, r, int(selves[r]), count, ids, kept[start + r], index)
        return lists

    with ThreadPoolExecutor(WORKERS) as pool:
        return [one for lists in pool.map(chunk, range(0, len(rows), CHUNK)) for one in lists]


def _chunk_top(sims, selves: np.ndarray, count: int, members, lengths):
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
        local, pcols, pvals = _best(indptr, cols, vals, selves, count + 1)
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
        others = (members != selves[:, None]) & (score > 0)
        distinct = np.sort(np.where(listed, members, -2 - np.arange(count)), axis=1)
        holds &= (others | ~listed).all(axis=1) & (np.diff(distinct, axis=1) != 0).all(axis=1)
        holds &= np.where(listed, score, np.inf).min(axis=1) >= HOLD * weakest
    return top_cols[:, :count], found, holds, exact


def _best(indptr, cols, vals, selves: np.ndarray, width: int):
    """At least each row's `width` best entries other than itself (row `selves[r]` of the
    archive), sorted by row, score (best first) and column: as (row in the chunk, column,
    score) arrays."""
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
    other = (pcols != selves[local]) & (pvals > 0)
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
    lists: Sequence[tuple[str, ...]] | None = None,
) -> list[Paper]:
    """Papers with `related` filled in: `lists` (one per paper) or related_ids' lists."""
    if lists is None:
        lists = related_ids(papers, count, previous)
    return [paper_with(p, "related", r) for p, r in zip(papers, lists, strict=True)]


# Edited papers beyond this share of the archive: a preview finds every list afresh.
PREVIEW_SHARE = 0.05


def update_related(
    papers: list[Paper], count: int, previous: Mapping[str, Sequence[str]], vectors: Vectors | None,
) -> tuple[list[tuple[str, ...]], Vectors | None]:
    """related_lists for a preview (`mkdocs serve`), in proportion to the edit: with the
    `vectors` of the last build and its lists `previous`, only the papers an edit touches
    get their lists found again. Returns the lists and the vectors to keep for the next edit.

    Touched are the papers whose text is new or changed, those whose list names a paper
    changed or gone, and those that a changed paper now scores above the weakest member of
    their list; every other list is the one a full computation over the same vectors would
    find. The approximation: a changed paper's row uses the vocabulary and idf of the last full
    computation (Vectors.rows_of), which runs again when more than PREVIEW_SHARE of the
    archive changed. `mkdocs build` always computes in full (related_lists)."""
    n = len(papers)
    if vectors is None or n < 2 or not previous:
        return related_lists(papers, count, previous)
    texts = [_text(p) for p in papers]
    old_row = {pid: i for i, pid in enumerate(vectors.ids)}
    same: list[int | None] = []
    for paper, text in zip(papers, texts, strict=True):
        row = old_row.get(paper.id)
        same.append(row if row is not None and vectors.texts[row] == text else None)
    changed = [i for i, row in enumerate(same) if row is None]
    if len(changed) > PREVIEW_SHARE * n:
        return related_lists(papers, count, previous)
    kept_at = [i for i, row in enumerate(same) if row is not None]
    parts = [vectors.matrix[[same[i] for i in kept_at]]]
    if changed:
        parts.append(vectors.rows_of([texts[i] for i in changed]))
    order = np.empty(n, dtype=np.int64)
    order[kept_at + changed] = np.arange(n)
    matrix = sp.vstack(parts).tocsr()[order]
    ids = [p.id for p in papers]
    now = Vectors(ids, texts, matrix, vectors.vocabulary, vectors.idf)

    touched = {ids[i] for i in changed} | (set(vectors.ids) - set(ids))
    dirty = set(changed)
    members = np.full((n, count), -1, dtype=np.int64)
    index = {pid: i for i, pid in enumerate(ids)}
    for i, pid in enumerate(ids):
        old = previous.get(pid)
        if not old or len(old) > count or touched.intersection(old):
            dirty.add(i)
        else:
            members[i, : len(old)] = [index.get(m, -1) for m in old]
            if len(old) < count or min(members[i, : len(old)]) < 0:
                dirty.add(i)
    if changed:
        # The best score of any changed paper with each paper, against the weakest member of
        # that paper's list: above it, the changed paper may enter the list.
        best = np.asarray((matrix[changed] @ matrix.T).max(axis=0).todense()).ravel()
        ask = np.array(sorted(set(np.flatnonzero(best > 0).tolist()) - dirty), dtype=np.int64)
        if len(ask):
            rows = matrix[ask]
            weakest = np.full(len(ask), np.inf, dtype=np.float64)
            for k in range(count):
                score = np.asarray(rows.multiply(matrix[members[ask, k]]).sum(axis=1)).ravel()
                weakest = np.minimum(weakest, score)
            dirty.update(ask[best[ask] > weakest].tolist())
    lists = [tuple(previous.get(pid, ())) for pid in ids]
    redo = np.array(sorted(dirty), dtype=np.int64)
    if len(redo):
        for row, found in zip(redo.tolist(), _select(matrix, ids, count, previous, redo), strict=True):
            lists[row] = found
    return lists, now
