// Papers Archive search: the nearest word of the archive for a query word that is in no paper
// ("No paper has transfomer; showing transformer"). Loaded by search.js only when a search
// finds a word nowhere, with the archive's vocabulary (papers-words.txt in the index, the manifest's `words`, written at
// build time by generator/search/indexer.py): nothing of it is fetched before a typo.

import { agrees, indexFile, normalizeWord } from "./search.js";

// Shortest word corrected: a word of three letters is a name or an abbreviation more often than a
// typo, and has too many neighbours one letter away.
const SHORTEST = 4;

let vocabulary = null;

/**
 * The vocabulary: `sorted`, every word in code point order (for prefix look-ups), and
 * `byLength`, the words of each length as [word, papers holding it], most frequent first.
 * papers-words.txt holds one line per count of papers, largest first: `count<TAB>word word …`.
 */
function loadVocabulary() {
  vocabulary ??= indexFile("words").then((url) => fetch(url)).then((response) => {
    if (!response.ok) throw new Error(`papers-words.txt: ${response.status}`);
    return response.text();
  }).then((text) => {
    const sorted = [];
    const byLength = new Map();
    for (const line of text.split("\n")) {
      const tab = line.indexOf("\t");
      if (tab < 0) continue;
      const count = Number(line.slice(0, tab));
      for (const word of line.slice(tab + 1).split(" ")) {
        if (!word) continue;
        sorted.push(word);
        if (!byLength.has(word.length)) byLength.set(word.length, []);
        byLength.get(word.length).push([word, count]);
      }
    }
    sorted.sort();
    return { sorted, byLength };
  });
  return vocabulary;
}

/** Whether some word of `sorted` starts with `prefix` (Pagefind matches a word by its start). */
function startsSome(sorted, prefix) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo].startsWith(prefix);
}

/**
 * Edits allowed between a word of `length` letters and its correction: one up to 9 letters,
 * two from 10 (a transposition counts one: `retreival` is one edit from `retrieval`). Most
 * typos are one edit; two would turn words the archive lacks into others (`marzipan`, `marxian`).
 */
function allowedEdits(length) {
  return length < SHORTEST ? 0 : length < 10 ? 1 : 2;
}

/**
 * The optimal string alignment distance of `a` and `b` (Levenshtein's insertions, deletions
 * and substitutions, and transpositions of neighbours), or `limit + 1` once it exceeds `limit`.
 */
export function editDistance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = null;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let least = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      row.push(d);
      least = Math.min(least, d);
    }
    if (least > limit) return limit + 1;
    before = previous;
    previous = row;
  }
  return previous[b.length];
}

/** The nearest word of the vocabulary to `word`: fewest edits, then most papers, then alphabetical; null for none. */
function nearest(word, byLength) {
  const limit = allowedEdits(word.length);
  let best = null;
  for (let length = word.length - limit; length <= word.length + limit; length++) {
    for (const [candidate, count] of byLength.get(length) || []) {
      const d = editDistance(word, candidate, best ? Math.min(best.d, limit) : limit);
      if (d > limit) continue;
      if (!best || d < best.d || (d === best.d && (count > best.count || (count === best.count && candidate < best.word)))) {
        best = { word: candidate, d, count };
      }
    }
  }
  return best?.word ?? null;
}

/**
 * The query as typed with each word that is in no paper replaced by the nearest word of the
 * archive, or null when there is none to replace, or one has no near word. `missing` lists
 * the query words (as search.js normalizes them) that no result holds; when nothing was found,
 * all of them. A word is cut into its runs of letters and digits as typed (`deepsek-r1`:
 * `deepsek`, `r1`); a run that starts no word of the archive is replaced, keeping the
 * punctuation around it (`deepseek-r1`). Runs of fewer than SHORTEST letters, or with digits,
 * are left as they are: names more often than typos.
 */
export async function correctedQuery(query, missing) {
  const { sorted, byLength } = await loadVocabulary();
  const fixes = new Map();
  for (const [run] of query.matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = normalizeWord(run);
    if (!missing.some((term) => term.includes(word) || agrees(word, term))) continue;
    if (word.length < SHORTEST || /\p{N}/u.test(word) || startsSome(sorted, word)) continue;
    const better = nearest(word, byLength);
    if (!better) return null;
    fixes.set(run, better);
  }
  if (!fixes.size) return null;
  return query.replace(/[\p{L}\p{N}]+/gu, (run) => fixes.get(run) ?? run);
}

/**
 * The notice of a corrected search (`corrected`: {typed, shown}, the queries), as nodes built
 * from text (nothing typed becomes markup): `No paper has transfomer; showing transformer.`,
 * the words in <em>, and, with `literal` (a URL), a link to the search as typed.
 */
export function correctionNodes(corrected, literal) {
  const out = document.createDocumentFragment();
  const typed = corrected.typed.split(/\s+/);
  const shown = corrected.shown.split(/\s+/);
  const emphasized = (words) => words.flatMap((word, i) => {
    const em = document.createElement("em");
    em.textContent = word;
    return i ? [", ", em] : [em];
  });
  out.append("No paper has ", ...emphasized(typed.filter((word, i) => word !== shown[i])), "; showing ",
    ...emphasized(shown.filter((word, i) => word !== typed[i])), ".");
  if (literal) {
    const a = document.createElement("a");
    a.className = "papers-search__literal";
    a.textContent = `Search for “${corrected.typed}” instead`;
    a.href = literal;
    out.append(" ", a);
  }
  return out;
}
