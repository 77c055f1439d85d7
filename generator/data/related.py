"""Related papers: TF-IDF over the words and word pairs of title and abstract, mixed with LSA.

A paper's score with another is TFIDF_WEIGHT times the cosine of their TF-IDF vectors over the
terms that are rare in the archive (the part of the whole cosine that those terms make), plus the
rest times the cosine of their LSA vectors (a truncated SVD of the terms), which carries the
common topic words (reasoning, benchmark, video) that the rare terms leave out. A paper's
candidates are its best CANDIDATES by either: the sparse product of the rare terms, in chunks of
rows, and the LSA vectors searched in the clusters nearest to it. Every step is linear in the
archive but the sparse product, whose cost stays bounded by the rare terms' paper counts.

Chosen on related papers graded by reading both abstracts (tests/fixtures/related): nDCG@5 0.78
where plain TF-IDF over words and word pairs scores 0.70, LSA alone 0.70, and the method before
(16 rare terms a paper, none in more than 200 papers) 0.42 (benchmarks/bench_related.py).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain, islice

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .model import Paper, paper_with

RELATED = 5
# Rows of the similarity product computed at once: bounds memory whatever the archive size.
CHUNK = 2048
# Chunks in flight: the sparse product and most array work release the GIL, so two threads
# keep both cores of a small machine busy.
WORKERS = 2
# Weight of the rare-term TF-IDF cosine in a score; the LSA cosine has the rest.
TFIDF_WEIGHT = 0.7
# Terms in more than this share of the papers (at least RARE_MIN, at most RARE_MAX papers) are
# left to LSA in the sparse product, whose cost grows with the square of each term's paper count.
RARE_SHARE = 0.01
RARE_MIN = 100
RARE_MAX = 300
# Rare terms kept per paper in the sparse product, its heaviest.
TERMS_PER_PAPER = 64
# LSA: dimensions, and papers its SVD is fitted on (the first in an order of their ids' hashes,
# which adding papers does not shuffle; the others are projected).
DIMENSIONS = 256
SVD_PAPERS = 10_000
# LSA weighs a term by a power of its idf: rare terms shape the topics more than in TF-IDF.
LSA_IDF_POWER = 1.5
# LSA terms: those in at least this many of the fitted papers.
LSA_MIN_DOCS = 2
# Power iterations of the randomized SVD: fewer leave the basis to the random start.
SVD_ITER = 6
# The LSA search: papers a cluster, and the clusters searched for a paper (its nearest).
CLUSTER_SIZE = 256
PROBES = 4
# Candidates a paper gets from each side (rare terms, LSA) before the mixed score ranks them.
CANDIDATES = 20
# Last build's list stands while each member scores at least this share of the best paper
# that would replace one: a new paper has to be clearly better to change a page.
HOLD = 0.8
# Entries sampled per row of a similarity chunk to bound its top scores from below.
SAMPLE = 128
# ASCII characters other than letters and digits separate words; str.translate is fast on ASCII.
SPACES = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})
WORD = re.compile(r"[^\W_]+")
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS)


def _stem(word: str) -> str:
    """A word without its plural ending (`models` and `model`, `studies` and `study`)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words_of(text: str) -> list[str]:
    """The words a paper's vector counts, in order: lowercased, split at every character that is
    not a letter or digit, stop words, one-character words and numbers left out, plurals made
    singular. Consecutive words make the word pairs (bigrams)."""
    out = []
    for piece in text.lower().translate(SPACES).split():
        for word in (piece,) if piece.isascii() else WORD.findall(piece):
            if len(word) > 1 and not word.isdigit() and word not in STOP_WORDS:
                out.append(_stem(word))
    return out


class _WordIds(dict):
    """Word ids of each space-separated piece of lowercased text, found once per piece."""

    def __init__(self) -> None:
        super().__init__()
        self.words: dict[str, int] = {}

    def __missing__(self, piece: str) -> tuple[int, ...]:
        ids = tuple(self.words.setdefault(w, len(self.words)) for w in words_of(piece))
        self[piece] = ids
        return ids


def _term_counts(texts: Iterable[str], n: int) -> tuple[sp.csr_matrix, list[str]] | None:
    """How often each of the `n` texts has each term (a word of words_of, or two consecutive
    words), terms in fewer than two texts left out (float32, sorted indices); and the terms,
    column by column: words by first appearance, then pairs. None when no term is left.

    Each distinct space-separated piece of text is cut into words once for the whole archive;
    the rest is array work: pairs of word ids numbered by one sort, counts summed by SciPy."""
    pieces = _WordIds()
    sequences = [np.fromiter(chain.from_iterable(map(pieces.__getitem__, text.lower().translate(SPACES).split())),
                             np.int32) for text in islice(texts, n)]
    lengths = np.array([len(one) for one in sequences], dtype=np.int64)
    if not lengths.sum():
        return None
    ids = np.concatenate(sequences)
    del sequences
    docs = np.repeat(np.arange(n, dtype=np.int32), lengths)
    words = len(pieces.words)
    pair = docs[:-1] == docs[1:]
    # A pair of words (a, b) is a * words + b, numbered after the words by one sort.
    pairs, pair_column = np.unique(ids[:-1][pair].astype(np.int64) * words + ids[1:][pair], return_inverse=True)
    columns = np.concatenate((ids, (words + pair_column).astype(np.int32)))
    rows = np.concatenate((docs, docs[:-1][pair]))
    del ids, docs, pair, pair_column
    counts = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(n, words + len(pairs)))
    del rows, columns
    counts.sum_duplicates()
    kept = np.bincount(counts.indices, minlength=counts.shape[1]) >= 2
    if not kept.any():
        return None
    renumber = (np.cumsum(kept) - 1).astype(np.int32)
    keep = kept[counts.indices]
    kept_before = np.concatenate(([0], np.cumsum(keep)))
    indptr = kept_before[counts.indptr]
    matrix = sp.csr_matrix((counts.data[keep], renumber[counts.indices[keep]], indptr), shape=(n, int(kept.sum())))
    names = list(pieces.words)
    names = [names[k] for k in np.flatnonzero(kept[:words]).tolist()] + [
        f"{names[k // words]} {names[k % words]}" for k in pairs[kept[words:]].tolist()]
    return matrix, names


def _weights(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Unit rows of sublinear tf times `idf` (float32; empty rows stay empty)."""
    data = (1.0 + np.log(counts.data, dtype=np.float32)) * idf[counts.indices]
    sizes = np.diff(counts.indptr)
    norms = np.zeros(counts.shape[0], dtype=np.float32)
    filled = sizes > 0
    norms[filled] = np.sqrt(np.add.reduceat(data * data, counts.indptr[:-1][filled]))
    norms[norms == 0] = 1.0
    data /= np.repeat(norms, sizes)
    return sp.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)


def _prune(matrix: sp.csr_matrix, rare: np.ndarray, keep: int) -> sp.csr_matrix:
    """Each row's `keep` heaviest entries in `rare` columns, weights unchanged (so a product of
    two rows is the part of their cosine that those terms make)."""
    matrix = matrix.tocsr(copy=True)
    matrix.data[~rare[matrix.indices]] = 0.0
    matrix.eliminate_zeros()
    indptr, data = matrix.indptr, matrix.data
    for row in np.flatnonzero(np.diff(indptr) > keep).tolist():
        start, end = indptr[row], indptr[row + 1]
        cut = np.argpartition(data[start:end], end - start - keep)[: end - start - keep]
        data[start + cut] = 0.0
    matrix.eliminate_zeros()
    return matrix


def _text(paper: Paper) -> str:
    """What a paper's vector is made of: its title, counted twice, and its abstract."""
    return f"{paper.title} {paper.title} {paper.abstract}"


@dataclass(frozen=True)
class Lsa:
    """The LSA basis of an archive: a truncated SVD of its papers' terms."""

    columns: np.ndarray
    """The vocabulary columns it reads (int64, ascending)."""
    basis: np.ndarray
    """Dimensions x len(columns), float32; no rows when the archive is too small for LSA."""

    def rows(self, counts: sp.csr_matrix, idf: np.ndarray) -> np.ndarray:
        """Unit LSA rows (float32, zero for a text without its terms) of texts from their term
        counts (texts x vocabulary) and the vocabulary's idf."""
        if not len(self.basis):
            return np.zeros((counts.shape[0], 0), dtype=np.float32)
        weights = _weights(counts[:, self.columns], idf[self.columns] ** LSA_IDF_POWER)
        dense = np.empty((counts.shape[0], len(self.basis)), dtype=np.float32)
        for s in range(0, len(dense), 4 * CHUNK):
            dense[s : s + 4 * CHUNK] = weights[s : s + 4 * CHUNK] @ self.basis.T
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        dense /= norms
        return dense


@dataclass
class Vectors:
    """What the related papers of an archive were found with: `mkdocs serve` keeps it to place
    edited papers (update_related)."""

    ids: list[str]
    """Paper id of each row."""
    texts: list[str]
    """The text each row was made from (_text)."""
    matrix: sp.csr_matrix
    """Rare-term TF-IDF: per paper at most TERMS_PER_PAPER float32 entries of its unit vector."""
    dense: np.ndarray
    """LSA: one unit float32 row of at most DIMENSIONS per paper (zero without terms); n x 0
    when the archive is too small for LSA."""
    vocabulary: dict[str, int]
    """Column of each term (a word, or two words and a space between them)."""
    idf: np.ndarray
    """Inverse document frequency of each column (scikit-learn's smooth idf), float32."""
    rare: np.ndarray
    """Whether each column counts in the sparse product (bool)."""
    lsa: Lsa
    """The LSA basis."""
    centroids: np.ndarray
    """Unit LSA centres of the clusters searched, float32 (one row when the archive is small)."""
    cluster: np.ndarray
    """The cluster of each paper (int64)."""
    candidates: np.ndarray | None = None
    """Each paper's candidates when its list was last selected (Found.candidates)."""
    floors: np.ndarray | None = None
    """What a paper had to score to become one of them (Found.floors)."""

    def rows_of(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
        """Sparse rows, LSA rows and clusters for new texts under this vocabulary, idf and LSA
        basis: terms the archive did not have when the vectors were made count for nothing
        (the approximation of a preview)."""
        rows, cols, data = [], [], []
        for r, text in enumerate(texts):
            words = words_of(text)
            tally: dict[int, int] = {}
            for term in chain(words, map(" ".join, zip(words, words[1:]))):
                col = self.vocabulary.get(term)
                if col is not None:
                    tally[col] = tally.get(col, 0) + 1
            rows.extend([r] * len(tally))
            cols.extend(tally)
            data.extend(tally.values())
        counts = sp.csr_matrix((np.array(data, dtype=np.float32), (rows, cols)), shape=(len(texts), len(self.idf)))
        counts.sum_duplicates()
        dense = self.lsa.rows(counts, self.idf)
        return _prune(_weights(counts, self.idf), self.rare, TERMS_PER_PAPER), dense, _nearest(dense, self.centroids)


def _nearest(dense: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """The nearest centroid of each row (int64)."""
    if len(centroids) <= 1 or not dense.shape[1]:
        return np.zeros(len(dense), dtype=np.int64)
    return np.concatenate([np.argmax(dense[s : s + CHUNK] @ centroids.T, axis=1)
                           for s in range(0, len(dense), CHUNK)]).astype(np.int64)


def _vectors(papers: list[Paper]) -> Vectors | None:
    """The vectors of an archive's papers; None when no paper has a term shared with another."""
    n = len(papers)
    texts = [_text(p) for p in papers]
    counted = _term_counts(texts, n)
    if counted is None:
        return None
    counts, names = counted
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
    rare = df <= max(RARE_MIN, min(RARE_MAX, int(RARE_SHARE * n)))
    # Papers in an order that adding papers does not shuffle: those the SVD and the clusters
    # start from stay the same, and so, nearly, do the related lists.
    ids = [p.id for p in papers]
    order = np.argsort(_hashes(ids), kind="stable")
    lsa = _lsa(counts, idf, order, names)
    dense = lsa.rows(counts, idf)
    centroids = _clusters(dense, order)
    matrix = _prune(_weights(counts, idf), rare, TERMS_PER_PAPER)
    return Vectors(ids, texts, matrix, dense, {t: i for i, t in enumerate(names)}, idf, rare,
                   lsa, centroids, _nearest(dense, centroids))


def _lsa(counts: sp.csr_matrix, idf: np.ndarray, order: np.ndarray, terms: Sequence[str]) -> Lsa:
    """The LSA basis of an archive: a truncated SVD of its papers' terms weighed by idf to the
    power LSA_IDF_POWER, fitted on the first SVD_PAPERS papers in `order` (rows), over the
    terms at least LSA_MIN_DOCS of them have. `terms` name the columns."""
    fitted = counts[np.sort(order[:SVD_PAPERS])]
    columns = np.flatnonzero(np.bincount(fitted.indices, minlength=counts.shape[1]) >= LSA_MIN_DOCS)
    dims = min(DIMENSIONS, fitted.shape[0] - 1, len(columns) - 1)
    if dims < 2:
        return Lsa(columns, np.zeros((0, len(columns)), dtype=np.float32))
    weights = _weights(fitted[:, columns], idf[columns] ** LSA_IDF_POWER)
    return Lsa(columns, _svd(weights, dims, _hashes([terms[c] for c in columns.tolist()])))


def _hashes(texts: Iterable[str]) -> np.ndarray:
    """A hash of each text that stays the same from build to build (uint32)."""
    return np.fromiter((zlib.crc32(t.encode("utf-8")) for t in texts), dtype=np.uint32)


def _svd(matrix: sp.csr_matrix, dims: int, seeds: np.ndarray) -> np.ndarray:
    """The top `dims` right singular vectors of a sparse matrix (dims x columns, float32), by a
    randomized range finder with power iterations (Halko et al. 2011) over its rows, and the
    eigenvectors of the small Gram matrix of the projection: no QR or SVD of a matrix as wide
    as the vocabulary, which costs more than the rest together.

    The random start gives each column a random vector picked by its seed (`seeds`, one per
    column), so a paper added to the archive changes the start only by its own row: the basis,
    and with it every related list, moves as little as the archive does."""
    width = min(dims + 10, matrix.shape[0])
    table = np.random.default_rng(0).standard_normal((1 << 14, width)).astype(np.float32)
    transposed = matrix.T.tocsr()
    with ThreadPoolExecutor(WORKERS) as pool:
        basis = _product(pool, matrix, table[seeds % (1 << 14)])
        for _ in range(SVD_ITER):
            basis = _product(pool, matrix, _product(pool, transposed, _orthonormal(basis)))
        basis = _orthonormal(basis)
        projected = np.ascontiguousarray(_product(pool, transposed, basis).T)  # width x columns
    values, vectors = np.linalg.eigh((projected @ projected.T).astype(np.float64))
    top = np.argsort(values)[::-1][:dims]
    scale = 1.0 / np.sqrt(np.maximum(values[top], 1e-12))
    return ((vectors[:, top].T * scale[:, None]).astype(np.float32) @ projected).astype(np.float32)


def _product(pool: ThreadPoolExecutor, sparse: sp.csr_matrix, dense: np.ndarray) -> np.ndarray:
    """sparse @ dense, its rows split between the pool's threads (SciPy releases the GIL; each
    row of the product is computed alone, so the split does not change it)."""
    step = -(-sparse.shape[0] // WORKERS)
    parts = pool.map(lambda start: sparse[start : start + step] @ dense, range(0, sparse.shape[0], step))
    return np.concatenate(list(parts))


def _orthonormal(matrix: np.ndarray) -> np.ndarray:
    """Orthonormal columns spanning a tall matrix's columns, from the eigenvectors of its small
    Gram matrix (columns that add less than a millionth of the largest are dropped): a few
    times faster than a QR decomposition, and as good for a range finder."""
    values, vectors = np.linalg.eigh((matrix.T @ matrix).astype(np.float64))
    keep = values > values.max() * 1e-6
    return (matrix @ (vectors[:, keep] / np.sqrt(values[keep])).astype(np.float32)).astype(np.float32)


def _clusters(dense: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Unit centres of the clusters of the LSA rows that the search goes through (spherical
    k-means, a few rounds over at most 50 papers a cluster, started from the first papers in
    `order`); one centre when the archive is small."""
    n = len(dense)
    k = n // CLUSTER_SIZE
    if k <= PROBES or not dense.shape[1]:
        return np.zeros((1, dense.shape[1]), dtype=np.float32)
    sample = dense[order[: 50 * k]]
    centroids = sample[:k].copy()
    for _ in range(8):
        nearest = np.argmax(sample @ centroids.T, axis=1)
        members = sp.csr_matrix((np.ones(len(sample), dtype=np.float32), (nearest, np.arange(len(sample)))),
                                shape=(k, len(sample)))
        sums = np.asarray(members @ sample)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        centroids = np.where(norms > 0, sums / np.maximum(norms, 1e-12), centroids).astype(np.float32)
    return centroids


def _lsa_candidates(dense: np.ndarray, centroids: np.ndarray, cluster: np.ndarray, rows: np.ndarray,
                    count: int) -> np.ndarray:
    """The `count` other papers with the best LSA cosine for each of `rows`, searched in the
    PROBES clusters nearest to it (all papers when there is one cluster): rows x count columns,
    -1 where there are fewer."""
    if not dense.shape[1] or not len(rows):
        return np.full((len(rows), count), -1, dtype=np.int64)
    if len(centroids) == 1:
        probes = np.zeros((len(rows), 1), dtype=np.int64)
    else:
        probes = np.concatenate([np.argpartition(-(dense[rows[s : s + CHUNK]] @ centroids.T), PROBES - 1, axis=1)
                                 [:, :PROBES] for s in range(0, len(rows), CHUNK)])
    # Each row's best `count` in each cluster it searches, then its best of those.
    cols = np.full((len(rows), probes.shape[1], count), -1, dtype=np.int64)
    vals = np.full((len(rows), probes.shape[1], count), -np.inf, dtype=np.float32)
    members = np.argsort(cluster, kind="stable")
    bounds = np.searchsorted(cluster[members], np.arange(len(centroids) + 1))
    flat = probes.ravel()
    by_probe = np.argsort(flat, kind="stable")
    probe_bounds = np.searchsorted(flat[by_probe], np.arange(len(centroids) + 1))
    for c in range(len(centroids)):
        group = members[bounds[c] : bounds[c + 1]]
        searching = by_probe[probe_bounds[c] : probe_bounds[c + 1]]
        for start in range(0, len(searching), CHUNK):
            query, slot = np.divmod(searching[start : start + CHUNK], probes.shape[1])
            block = dense[rows[query]] @ dense[group].T
            block[rows[query][:, None] == group[None, :]] = -np.inf
            if block.shape[1] > count:
                top = np.argpartition(-block, count - 1, axis=1)[:, :count]
                vals[query, slot] = np.take_along_axis(block, top, axis=1)
                cols[query, slot] = group[top]
            else:
                vals[query, slot, : block.shape[1]] = block
                cols[query, slot, : block.shape[1]] = group
    vals = vals.reshape(len(rows), -1)
    cols = cols.reshape(len(rows), -1)
    top = np.argpartition(-vals, count - 1, axis=1)[:, :count]
    best = np.take_along_axis(cols, top, axis=1)
    best[~np.isfinite(np.take_along_axis(vals, top, axis=1))] = -1
    return best


@dataclass
class Found:
    """What the selection of some papers' lists found: the lists, and per paper its candidates
    and the scores a paper has to reach to become one (update_related reads them)."""

    lists: list[tuple[str, ...]]
    """Ids of each paper's related papers, most similar first."""
    candidates: np.ndarray
    """Columns of each paper's candidates, rows x 2 CANDIDATES, -1 padded (int64)."""
    floors: np.ndarray
    """Per paper the weakest candidate's rare-term score (0 with fewer than CANDIDATES) and LSA
    score (-inf with fewer), rows x 2 (float32)."""


def _scores(vectors: Vectors, transposed: sp.csr_matrix, selves: np.ndarray, lsa: np.ndarray,
            members: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """The scores of one chunk of papers (rows `selves`) with their candidates: a CSR matrix of
    len(selves) x papers holding the positive scores of the best CANDIDATES by rare terms, the
    LSA candidates `lsa` and last build's members `members` (-1 pads both); with the candidates
    (len(selves) x 2 CANDIDATES) and floors (Found)."""
    n = len(vectors.ids)
    rows = len(selves)
    sparse = (vectors.matrix[selves] @ transposed).tocsr()
    sparse.sort_indices()
    by_terms = np.full((rows, CANDIDATES), -1, dtype=np.int64)
    floors = np.zeros((rows, 2), dtype=np.float32)
    if sparse.nnz:
        local, cols, vals = _best(sparse.indptr, sparse.indices, sparse.data, selves, CANDIDATES)
        rank = np.arange(len(local)) - np.searchsorted(local, local)
        first = rank < CANDIDATES
        by_terms[local[first], rank[first]] = cols[first]
        last = first & (rank == CANDIDATES - 1)
        floors[local[last], 0] = vals[last]
    floors[:, 1] = -np.inf
    if vectors.dense.shape[1] and lsa.shape[1]:
        full = (lsa >= 0).all(axis=1)
        lsa_scores = _dot(vectors.dense, np.repeat(selves, lsa.shape[1]), lsa.ravel()).reshape(lsa.shape)
        floors[full, 1] = lsa_scores[full].min(axis=1)
    candidates = np.concatenate((by_terms, lsa), axis=1)
    wanted = np.concatenate((candidates, members), axis=1)
    r = np.repeat(np.arange(rows), wanted.shape[1])
    c = wanted.ravel()
    keep = (c >= 0) & (c != selves[r])
    cells = np.unique(r[keep] * n + c[keep])
    r, c = np.divmod(cells, n)
    score = TFIDF_WEIGHT * _lookup(sparse, r, c)
    if vectors.dense.shape[1]:
        score += (1.0 - TFIDF_WEIGHT) * _dot(vectors.dense, selves[r], c)
    positive = score > 0
    sims = sp.csr_matrix((score[positive].astype(np.float32), (r[positive], c[positive])), shape=(rows, n))
    sims.sort_indices()
    return sims, candidates, floors


def _lookup(matrix: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The entries of a CSR matrix with sorted indices at (rows, cols), 0 where it has none."""
    if not matrix.nnz or not len(rows):
        return np.zeros(len(rows), dtype=np.float32)
    width = matrix.shape[1]
    keys = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr)) * width + matrix.indices
    wanted = rows.astype(np.int64) * width + cols
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where(keys[at] == wanted, matrix.data[at], 0.0).astype(np.float32)


def _dot(dense: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The LSA cosine of each pair (rows[i], cols[i]) (float32; 0 where cols is -1)."""
    out = np.zeros(len(rows), dtype=np.float32)
    for s in range(0, len(rows), 16_384):
        r, c = rows[s : s + 16_384], cols[s : s + 16_384]
        out[s : s + 16_384] = np.where(c >= 0, np.einsum("ij,ij->i", dense[r], dense[np.maximum(c, 0)]), 0.0)
    return out


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
    found = _select(vectors, count, previous, np.arange(len(papers)))
    vectors.candidates, vectors.floors = found.candidates, found.floors
    return found.lists, vectors


def _select(vectors: Vectors, count: int, previous: Mapping[str, Sequence[str]] | None,
            rows: np.ndarray) -> Found:
    """The related lists of the papers at `rows` (row numbers of `vectors`), each against every
    other paper, in chunks of CHUNK rows on WORKERS threads."""
    ids = vectors.ids
    transposed = vectors.matrix.T.tocsr()
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
    lsa = _lsa_candidates(vectors.dense, vectors.centroids, vectors.cluster, rows, CANDIDATES)

    def chunk(start: int) -> tuple[list[tuple[str, ...]], np.ndarray, np.ndarray]:
        stop = min(start + CHUNK, len(rows))
        selves = rows[start:stop]
        sims, candidates, floors = _scores(vectors, transposed, selves, lsa[start:stop], members[start:stop])
        top, found, holds, exact = _chunk_top(sims, selves, count, members[start:stop], lengths[start:stop])
        lists = [kept[start + r] if hold else tuple(row[:k])
                 for r, (row, k, hold) in enumerate(zip(names[top].tolist(), found.tolist(), holds.tolist()))]
        for r in exact.tolist():
            lists[r] = _exact_row(sims, r, int(selves[r]), count, ids, kept[start + r], index)
        return lists, candidates, floors

    with ThreadPoolExecutor(WORKERS) as pool:
        parts = list(pool.map(chunk, range(0, len(rows), CHUNK)))
    if not parts:
        return Found([], np.zeros((0, 2 * CANDIDATES), dtype=np.int64), np.zeros((0, 2), dtype=np.float32))
    return Found([one for lists, _, _ in parts for one in lists], np.concatenate([c for _, c, _ in parts]),
                 np.concatenate([f for _, _, f in parts]))
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

    # Last build's list holds when each member, a distinct other paper, scores at least HOLD
    # times the best paper of the fresh list that is not a member.
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
        newcomer = (np.arange(count) < found[:, None]) & ~same.any(axis=1)
        best_new = np.where(newcomer, top_vals[:, :count], 0).max(axis=1)
        holds &= np.where(listed, score, np.inf).min(axis=1) >= HOLD * best_new
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
    if kept and len(kept) == len(fresh) and _holds(kept, cols, vals, index, top_cols, top_vals):
        return kept
    return fresh


def _holds(kept: Sequence[str], cols, vals, index: Mapping[str, int], top_cols, top_vals) -> bool:
    """Whether every paper of last build's list still scores at least HOLD times the best
    paper of the fresh list (`top_cols`, `top_vals`) that is not one of them."""
    members = [index.get(pid, -1) for pid in kept]
    if min(members) < 0:
        return False
    found = np.isin(cols, members)
    newcomers = ~np.isin(top_cols, members)
    best_new = float(top_vals[newcomers].max()) if newcomers.any() else 0.0
    return int(found.sum()) == len(members) and float(vals[found].min()) >= HOLD * best_new


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

    Touched are the papers whose text is new or changed, those whose list or candidates name a
    paper changed or gone, and those of which a changed paper now scores above the weakest
    member of the list or becomes a candidate; every other list is the one a full computation
    over the same vectors would find. The approximation: a changed paper's vectors use the
    vocabulary, idf, LSA basis and clusters of the last full computation (Vectors.rows_of),
    which runs again when more than PREVIEW_SHARE of the archive changed. `mkdocs build`
    always computes in full (related_lists)."""
    n = len(papers)
    if vectors is None or vectors.candidates is None or n < 2 or not previous:
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
    old = np.array([same[i] for i in kept_at], dtype=np.int64)
    order = np.empty(n, dtype=np.int64)
    order[kept_at + changed] = np.arange(n)
    new_matrix, new_dense, new_cluster = vectors.rows_of([texts[i] for i in changed])
    matrix = sp.vstack([vectors.matrix[old], new_matrix]).tocsr()[order]
    dense = np.concatenate((vectors.dense[old], new_dense))[order]
    cluster = np.concatenate((vectors.cluster[old], new_cluster))[order]
    # Candidates as columns of the new rows (-1 for a paper changed or gone), floors kept.
    column = np.full(len(vectors.ids) + 1, -1, dtype=np.int64)
    column[old] = order[: len(kept_at)]
    candidates = np.full((n, 2 * CANDIDATES), -1, dtype=np.int64)
    floors = np.zeros((n, 2), dtype=np.float32)
    candidates[kept_at] = column[vectors.candidates[old]]
    floors[kept_at] = vectors.floors[old]
    ids = [p.id for p in papers]
    now = Vectors(ids, texts, matrix, dense, vectors.vocabulary, vectors.idf, vectors.rare, vectors.lsa,
                  vectors.centroids, cluster, candidates, floors)

    touched = {ids[i] for i in changed} | (set(vectors.ids) - set(ids))
    dirty = set(changed)
    # A candidate changed or gone: -1 in the new columns where the old ones had a paper.
    lost = (candidates[kept_at] < 0) & (vectors.candidates[old] >= 0)
    dirty.update(np.array(kept_at, dtype=np.int64)[lost.any(axis=1)].tolist())
    members = np.full((n, count), -1, dtype=np.int64)
    index = {pid: i for i, pid in enumerate(ids)}
    for i, pid in enumerate(ids):
        listed = previous.get(pid)
        if not listed or len(listed) > count or touched.intersection(listed):
            dirty.add(i)
        else:
            members[i, : len(listed)] = [index.get(m, -1) for m in listed]
            if len(listed) < count or min(members[i, : len(listed)]) < 0:
                dirty.add(i)
    if changed:
        dirty.update(_reached(now, np.array(changed, dtype=np.int64), members, dirty).tolist())
    lists = [tuple(previous.get(pid, ())) for pid in ids]
    redo = np.array(sorted(dirty), dtype=np.int64)
    if len(redo):
        found = _select(now, count, previous, redo)
        for row, one in zip(redo.tolist(), found.lists, strict=True):
            lists[row] = one
        now.candidates[redo], now.floors[redo] = found.candidates, found.floors
    return lists, now


def _reached(vectors: Vectors, changed: np.ndarray, members: np.ndarray, dirty: set[int]) -> np.ndarray:
    """The papers not in `dirty` whose lists a changed paper may now enter: it scores above the
    weakest member of the list (`members`, row numbers) or reaches a floor of its candidates."""
    n = len(vectors.ids)
    matrix, dense = vectors.matrix, vectors.dense
    out = []
    for start in range(0, n, CHUNK):
        rows = np.arange(start, min(start + CHUNK, n))
        rows = rows[~np.isin(rows, list(dirty))] if dirty else rows
        if not len(rows):
            continue
        sparse = (matrix[changed] @ matrix[rows].T).toarray()
        lsa = dense[changed] @ dense[rows].T if dense.shape[1] else np.zeros_like(sparse)
        score = TFIDF_WEIGHT * sparse + (1.0 - TFIDF_WEIGHT) * lsa
        score[changed[:, None] == rows[None, :]] = 0.0
        floors = vectors.floors[rows]
        enters = ((sparse > 0) & (sparse >= floors[None, :, 0])).any(axis=0)
        enters |= (lsa >= floors[None, :, 1]).any(axis=0)
        best = score.max(axis=0)
        weakest = np.full(len(rows), np.inf, dtype=np.float32)
        for k in range(members.shape[1]):
            weakest = np.minimum(weakest, _pair_scores(vectors, rows, members[rows, k]))
        out.append(rows[enters | (best > weakest)])
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def _pair_scores(vectors: Vectors, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The score of each pair (rows[i], cols[i]) (float32)."""
    sparse = np.asarray(vectors.matrix[rows].multiply(vectors.matrix[np.maximum(cols, 0)]).sum(axis=1)).ravel()
    score = TFIDF_WEIGHT * sparse
    if vectors.dense.shape[1]:
        score = score + (1.0 - TFIDF_WEIGHT) * _dot(vectors.dense, rows, cols)
    return np.where(cols >= 0, score, 0.0).astype(np.float32)
