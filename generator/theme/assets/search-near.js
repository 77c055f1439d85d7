// Papers Archive search: the papers that hold some of a query's words, shown after those that
// hold them all when few do (a title typed whole, most often). Loaded by search.js only then.

const NEAR_MOST = 30;
// Word pairs searched at most: the first ones (a title's start names its topic).
const PAIRS_MOST = 6;
// Words that say nothing of a topic: left out of the word pairs.
const JOINING = new Set(["a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "for", "from", "how", "in",
  "is", "it", "its", "not", "of", "on", "or", "the", "to", "towards", "toward", "via", "vs", "we", "what", "when",
  "with", "without", "you", "your"]);

/**
 * The papers, other than `found` (Pagefind's results), that hold some of a query's `words`
 * (as search.js reads them): each pair of neighbouring words, joining words left out (`kv
 * cache`, `cache compression`; the first PAIRS_MOST), is searched with Pagefind's `options`,
 * and a paper found by more pairs comes first, then one saying the words more often. None for
 * a query of fewer than three words; at most NEAR_MOST papers, each marked `near` (tier 6)
 * with the pairs that found it (`pairs`: a bundle of the index that lacks a word answers for
 * the others, so search.js reads each paper for one of them when it is shown).
 */
export async function nearMatches(pf, words, options, found) {
  const kept = words.filter((w) => !JOINING.has(w));
  if (kept.length < 3) return [];
  const seen = new Set(found.map((r) => r.id));
  const hits = new Map();
  const pairs = kept.slice(1).map((w, i) => [kept[i], w]).slice(0, PAIRS_MOST);
  const searches = await Promise.all(pairs.map((pair) => pf.search(pair.join(" "), options)));
  for (const [k, search] of searches.entries()) {
    for (const r of search.results) {
      if (seen.has(r.id)) continue;
      const hit = hits.get(r.id) || { r, pairs: [], first: hits.size };
      hit.pairs.push(pairs[k]);
      hits.set(r.id, hit);
    }
  }
  return [...hits.values()]
    .sort((a, b) => b.pairs.length - a.pairs.length || b.r.words.length - a.r.words.length || a.first - b.first)
    .slice(0, NEAR_MOST).map(({ r, pairs: theirs }) => Object.assign(r, { near: true, tier: 6, pairs: theirs }));
}
