// Papers Archive search: Pagefind (its index built with every MkDocs build) behind Material's
// header search box and the search page; paper pages opened from a
// result highlight the words searched for (search-highlight.js, loaded only then).
// Everything from the index is set as text or built as nodes, never parsed as HTML, and the
// file runs as the site's own module: no inline code, no eval, nothing from another host.

// The site root, from this file's own URL (assets/search.js): right at any page depth and
// when the site is published under a sub-path, as GitHub Pages project sites are.
const ROOT = new URL("../", import.meta.url);
// The site's own paths come from the page, as generator/pages/urls.py makes them (the theme's
// templates read config.extra.papers_urls): the header box's form goes to the search page, and
// its data-papers-index names the index's manifest, which names the index's other files.
const BOX = document.querySelector("[data-papers-search]");
const SEARCH_PAGE = new URL(BOX?.querySelector("form")?.getAttribute("action") ?? "", window.location.href);
const MANIFEST = new URL(BOX?.dataset.papersIndex ?? "", ROOT);
const PAGEFIND = new URL(".", MANIFEST);
const HIGHLIGHT_PARAM = "highlight";
// ?literal=1 on the search page: the query as typed, not corrected (the typo notice links it).
const LITERAL_PARAM = "literal";
const HEADER_RESULTS = 8;
const PAGE_RESULTS = 20;
// The filters of the index (data-pagefind-filter in generator/search/indexer.py's records), as the URL names them.
const FILTERS = ["tag", "year", "organization"];
// "Has code": the filter only papers with a GitHub repository carry (indexer.py CODE_FILTER), one checkbox.
const CODE_FILTER = "code";
const CODE_VALUE = "yes";
// Sorts by a count, most first (then newest): the manifest's `sorts` file holds each count per page
// (`stars`, a paper's GitHub stars, only when some paper has them).
const COUNTS = ["upvotes", "comments", "stars"];
const SORTS = ["date", ...COUNTS];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
// A result shows at most this many of its tags.
const RESULT_TAGS = 3;

// Pagefind's ranking.metaWeights (https://pagefind.app/docs/ranking/#configuring-metadata-weights):
// a word found in a metadata field adds weight × idf × (share of the query's idf found there)²:
// a title holding every word outweighs any abstract. `title_terms`: a title's hidden words
// (`r1` of DeepSeek-R1, generator/search/terms.py).
const TITLE_WEIGHT = 20;
const META_WEIGHTS = { title: TITLE_WEIGHT, title_terms: TITLE_WEIGHT, authors: 3, organization: 2, terms: 1 };
// noWorker: Pagefind's wasm runs on the main thread, as it does where workers are missing,
// instead of fetching pagefind-worker.js (12 KB more for every first query) to run in it.
const PAGEFIND_OPTIONS = {
  baseUrl: ROOT.pathname, excerptLength: 24, noWorker: true, ranking: { metaWeights: META_WEIGHTS },
};
// A phrase found by Pagefind before this word of a paper's text is taken for one of its title
// until its fragment says otherwise (titles are 10 words long on average, the text starts with it).
const TITLE_POSITIONS = 12;

let pagefindModule = null;
let sortOrders = null;
// The first page number of each bundle of the index (papers-search.json), or null.
let bundleFirsts = null;
// The names of the index's files, by what they hold (the manifest's `sorts`, `words`).
let indexFiles = {};

/** JSON that generator/search/indexer.py writes beside Pagefind's bundle, at `url`. */
async function bundleJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname}: ${response.status}`);
  return response.json();
}

/** The URL of a file of the index that the manifest names under `key` (`sorts`, `words`). */
export async function indexFile(key) {
  await pagefind();
  return new URL(indexFiles[key], PAGEFIND);
}

/**
 * Pagefind's JS API, imported and configured once per page. A large archive is indexed in
 * parts (papers-search.json lists them), merged here into one search.
 */
export function pagefind() {
  pagefindModule ??= Promise.all([
    import(new URL("pagefind.js", PAGEFIND).href),
    bundleJson(MANIFEST),
  ]).then(async ([pf, manifest]) => {
    bundleFirsts = manifest.firsts || null;
    indexFiles = manifest;
    await pf.options(PAGEFIND_OPTIONS);
    await pf.init();
    for (const part of manifest.bundles) await pf.mergeIndex(new URL(part, PAGEFIND).pathname, PAGEFIND_OPTIONS);
    return pf;
  });
  return pagefindModule;
}

/**
 * Under `mkdocs serve` (<meta name="papers-preview">), a sentence saying that search answers
 * from the index of the edit before (papers-search-status.json, generator/site/preview.py), or "".
 */
async function searchLag() {
  if (!document.querySelector('meta[name="papers-preview"]')) return "";
  try {
    const response = await fetch(new URL("papers-search-status.json", ROOT), { cache: "no-store" });
    if (!response.ok) return "";
    const status = await response.json();
    return status.updating ? "Search is catching up with your last edit: it shows the archive as it was before." : "";
  } catch {
    return "";
  }
}

/** A result count followed by searchLag's sentence, if any: `12 papers. Search is catching up…`. */
function withLag(count, lag) {
  if (!lag) return count;
  return `${count.endsWith(".") ? count : `${count}.`} ${lag}`;
}

/**
 * Results sorted by `date` (newest first), `upvotes` or `comments` (most first, then newest),
 * over every part of the index at once (Pagefind sorts each part alone), by the manifest's `sorts` file,
 * fetched on the first sorted search only.
 */
async function sortResults(results, sort) {
  sortOrders ??= indexFile("sorts").then(bundleJson).then((sorts) => {
    const newest = new Map(sorts.pages.map((hash, i) => [hash, i]));
    const counts = Object.fromEntries(COUNTS.map((name) => [
      name, new Map(sorts.pages.map((hash, i) => [hash, (sorts[name] || [])[i] || 0])),
    ]));
    return { newest, counts };
  });
  const { newest, counts } = await sortOrders;
  const last = newest.size;
  const byDate = (a, b) => (newest.get(a.id) ?? last) - (newest.get(b.id) ?? last);
  const count = counts[sort];
  return [...results].sort(count
    ? (a, b) => (count.get(b.id) ?? 0) - (count.get(a.id) ?? 0) || byDate(a, b)
    : byDate);
}

// Words ----------------------------------------------------------------------------------------
// Exported for search-typo.js and search-highlight.js, which import this module (one instance).

// Endings the English stemmer takes off, so that `models` agrees with `model` and `studies` with
// `study`; a query word may stop anywhere in one of them (it is being typed).
const ENDINGS = ["s", "es", "ies", "ied", "ed", "ing", "ings", "ion", "ions", "ation", "ations", "ative",
  "er", "ers", "ly", "ness", "ment", "ments", "ity", "ities", "al", "ally", "ive", "ize", "izes", "ized",
  "izing", "ization", "izations", "ise", "ised", "able", "ful", "ous", "ism", "ist", "ists", "e", "y"];

/** A word as the index holds words (generator/search/terms.py): its letters and digits, lower case. */
export function normalizeWord(word) {
  return (word || "").normalize("NFKC").replace(/[^\p{L}\p{N}]/gu, "").toLowerCase();
}

/** Every indexed form of a text's words into `out`: whole, and cut at punctuation, case and digit changes. */
export function wordForms(text, out) {
  for (const raw of (text || "").split(/[\s\u200b]+/)) {
    const whole = normalizeWord(raw);
    if (!whole) continue;
    out.add(whole);
    const parts = raw.replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1 $2").replace(/(\p{L})(\p{N})|(\p{N})(\p{L})/gu, "$1$3 $2$4")
      .split(/[^\p{L}\p{N}]+/u);
    for (const part of parts) if (part) out.add(part.normalize("NFKC").toLowerCase());
  }
  return out;
}

/** Whether query word `term` and indexed word `word` are one word, or `term` begins it. */
export function agrees(term, word) {
  if (word.startsWith(term)) return true;
  // A CJK window of generator/search/terms.py starts a longer query word.
  if (word.length >= 12 && term.startsWith(word)) return true;
  let common = 0;
  while (common < term.length && term[common] === word[common]) common += 1;
  const rest = term.slice(common);
  return common >= 3 && ENDINGS.some((ending) => ending.startsWith(rest));
}

/**
 * Whether Pagefind, which matches stems, may take `word` for query word `term` (`speculative`
 * and `speculation`: `specul`): they agree, or share four letters or more followed by endings.
 */
export function sharesStem(term, word) {
  if (agrees(term, word)) return true;
  let common = 0;
  while (common < term.length && term[common] === word[common]) common += 1;
  for (let cut = common; cut >= 4; cut--) {
    const [mine, theirs] = [term.slice(cut), word.slice(cut)];
    if ((!mine || ENDINGS.some((e) => e.startsWith(mine))) && (!theirs || ENDINGS.includes(theirs))) return true;
  }
  return false;
}

// The query -----------------------------------------------------------------------------------
// A query is a list of units: a word (`reasoning`, and names as Pagefind reads them whole:
// `GPT-4o` is `gpt4o`), or a phrase, quoted (`"chain of thought"`) or written as a compound of
// words (`chain-of-thought`). A phrase is found spaced or hyphenated, either way round.

/** A word's parts as Pagefind cuts a compound: at all but letters, digits and apostrophes (`Humanity's`). */
function cutParts(token) {
  return token.replace(/['’]/g, "").split(/[^\p{L}\p{N}]+/u).map(normalizeWord).filter(Boolean);
}

/**
 * A query as typed, read into units: {words (what Pagefind is given for it), parts, phrase}.
 * A quote left open while typing runs to the end. Returns null for no query.
 */
async function parseQuery(query) {
  if (query === null) return null;
  // TeX as a reader types what it shows (`$\\text{Transformer}^2$` is `Transformer2`): search-tex.js.
  const text = /[$\\]/.test(query) ? (await import("./search-tex.js")).plainTex(query) : query;
  const units = [];
  for (const [, quoted, token] of text.matchAll(/"([^"]*)"?|([^\s"]+)/g)) {
    if (quoted !== undefined) {
      const parts = quoted.split(/\s+/).flatMap(cutParts);
      if (parts.length) units.push({ parts, phrase: parts.length > 1, words: parts });
      continue;
    }
    const whole = normalizeWord(token);
    if (!whole) continue;
    const parts = cutParts(token);
    // A compound of words (not a name with digits: GPT-4o, Qwen2.5-VL) is a phrase of them.
    const phrase = parts.length > 1 && parts.every((part) => /^\p{L}+$/u.test(part));
    units.push({ parts: phrase ? parts : [whole], phrase, words: phrase ? parts : [whole], typed: token });
  }
  const words = units.flatMap((unit) => unit.words);
  return { query, units, words };
}

/**
 * The ways a phrase's words can be written, as lists of Pagefind words: spaced, or neighbours
 * joined into compounds (`in context learning`, `incontext learning`, `in contextlearning`,
 * `incontextlearning`); for more than four words only all spaced and all joined.
 */
function hyphenations(parts) {
  if (parts.length > 4) return [parts, [parts.join("")]];
  const out = [];
  for (let mask = 0; mask < 1 << (parts.length - 1); mask++) {
    const groups = [parts[0]];
    for (let i = 1; i < parts.length; i++) {
      if (mask & (1 << (i - 1))) groups[groups.length - 1] += parts[i];
      else groups.push(parts[i]);
    }
    out.push(groups);
  }
  return out;
}

/**
 * The papers holding `parts` as a phrase, however hyphenated: Pagefind's exact search of each
 * way to write it (hyphenations), and its search of the words joined, which finds compounds
 * (`Chain-of-Thought-based`). Pagefind answers a word that starts no word of the archive with
 * the longest one that starts it (`world` for `worldmodel`): the joined search counts when
 * every paper it finds holds every part (`all`: ids) and it took no other word
 * (tookAnotherWord). A Map of paper id to the word of its text where the phrase starts (-1:
 * only a hidden metadata field holds it, generator/search/terms.py).
 */
async function phraseHolders(pf, parts, options, all) {
  const [joined, ...exact] = await Promise.all([
    pf.search(parts.join(""), options), ...hyphenations(parts).map((groups) => pf.search(`"${groups.join(" ")}"`, options))]);
  const at = new Map();
  const mark = (r, start) => {
    if (!at.has(r.id) || (start >= 0 && (at.get(r.id) < 0 || start < at.get(r.id)))) at.set(r.id, start);
  };
  for (const search of exact) for (const r of search.results) mark(r, r.words.length ? r.words[0] : -1);
  if (joined.results.every((r) => all.has(r.id)) && !(await tookAnotherWord(pf, parts, joined, exact, options))) {
    for (const r of joined.results) mark(r, r.words.length ? Math.min(...r.words) : -1);
  }
  return at;
}

/**
 * Whether Pagefind's search of `parts` joined (`joined`) found another word's papers: the joined
 * word is none of the archive's (its exact search, last of `exact`, found nothing) and they are
 * the papers of the phrase's longest start that is (`world` of `worldmodel`).
 */
async function tookAnotherWord(pf, parts, joined, exact, options) {
  if (!joined.results.length || exact[exact.length - 1].results.length) return false;
  for (let k = parts.length - 1; k >= 1; k--) {
    const { results } = await pf.search(`"${parts.slice(0, k).join("")}"`, options);
    if (!results.length) continue;
    const ids = new Set(results.map((r) => r.id));
    return results.length === joined.results.length && joined.results.every((r) => ids.has(r.id));
  }
  return false;
}

/**
 * The papers whose organization's name, not text, holds `parts` in a row (`Shanghai AI
 * Laboratory`): Pagefind's exact search of a phrase found in metadata scores the field's weight.
 */
async function organizationHolders(pf, parts, options) {
  const exact = await pf.search(`"${parts.join(" ")}"`, options);
  return new Set(exact.results.filter((r) => !r.words.length && r.score === META_WEIGHTS.organization).map((r) => r.id));
}

// Finding --------------------------------------------------------------------------------------
// Pagefind matches a query word with the words it starts, else with the longest word that starts
// it (`xyzzyqq` finds `x`), else drops it: results count only when they hold every query word,
// else "No matching papers", or the results of the nearest word of the archive (search-typo.js).

/** The bundle of the index a result comes from (generator/search/indexer.py numbers pages in order), or 0. */
function bundleOf(result) {
  if (!bundleFirsts) return 0;
  const page = parseInt(result.id, 36);
  let k = 0;
  while (k + 1 < bundleFirsts.length && bundleFirsts[k + 1] <= page) k += 1;
  return k;
}

/** The words of `words` that no word of a fragment's text and metadata agrees with. */
function missingIn(data, words) {
  const forms = wordForms(data.content, new Set());
  for (const value of Object.values(data.meta || {})) wordForms(value, forms);
  return words.filter((term) => ![...forms].some((word) => sharesStem(term, word)));
}

// Pagefind searches each bundle of the index alone and drops there a word none of its papers
// holds, so such a bundle answers for the other words: any one of its papers tells (the first
// shown is read), and all its papers are left out.

// Whether the papers of a bundle hold every word a result needs, by bundle and words.
const bundleChecks = new Map();

/**
 * Whether result `r`'s bundle holds every word of `r.need` (the query's words), read from `r`'s
 * fragment; for a paper holding some of the words (`r.pairs`, nearMatches), whether it holds
 * every word of one of its pairs itself.
 */
function bundleHolds(r) {
  if (r.pairs) return fragment(r).then((data) => r.pairs.some((pair) => !missingIn(data, pair).length));
  if (!r.need) return true;  // a search of filters only
  const key = checkKey(r);
  if (!bundleChecks.has(key)) bundleChecks.set(key, fragment(r).then((data) => !missingIn(data, r.need).length));
  return bundleChecks.get(key);
}

/** What `bundleHolds` found out about `r` holds for: its bundle and words, or itself. */
function checkKey(r) {
  return r.pairs ? `paper ${r.id}` : `${bundleOf(r)} ${r.need?.join(" ")}`;
}

/**
 * `results` without the papers of bundles that lack a word, as far as the `size` results from
 * `from` on (the ones to show, read) tell; papers further on are kept until read.
 */
async function verified(results, from, size) {
  for (;;) {
    const batch = results.slice(from, from + size);
    const holds = await Promise.all(batch.map(bundleHolds));
    if (holds.every(Boolean)) return results;
    const lacking = new Set(batch.filter((r, i) => !holds[i]).map(checkKey));
    results = results.filter((r) => !lacking.has(checkKey(r)));
  }
}

/**
 * The query words no result holds: none when the first result holds them all, else those the
 * first result of every bundle lacks (all when nothing was found, or each bundle lacks another).
 */
async function missingWords(results, words) {
  if (!results.length) return words;
  for (const r of results) r.need = words;
  if (await bundleHolds(results[0])) return [];
  const firsts = new Map();
  for (const r of results) if (!firsts.has(bundleOf(r))) firsts.set(bundleOf(r), r);
  const lacking = await Promise.all([...firsts.values()].map(async (r) => missingIn(await fragment(r), words)));
  if (lacking.some((m) => !m.length)) return [];
  const everywhere = words.filter((w) => lacking.every((m) => m.includes(w)));
  return everywhere.length ? everywhere : [...new Set(lacking.flat())];
}

/** `search` with no results and every filter count 0. */
function nothingFound(search) {
  const zero = (counts) => Object.fromEntries(Object.entries(counts || {}).map(
    ([key, values]) => [key, Object.fromEntries(Object.keys(values).map((value) => [value, 0]))]));
  return { ...search, results: [], filters: zero(search?.filters), totalFilters: zero(search?.totalFilters) };
}

const fragments = new Map();

/** A result's fragment (Pagefind's `data()`), fetched once. */
function fragment(result) {
  if (!fragments.has(result.id)) fragments.set(result.id, result.data());
  return fragments.get(result.id);
}

/**
 * Pagefind's search object for a parsed query (Pagefind's `options`: `filters`): the papers
 * holding each unit. Unless `sorted`, each result gets `phraseAt` (where its text starts the
 * whole query as a phrase), `titleMatch` and `orgMatch`. Null once `stale()`.
 */
async function findPapers(pf, plan, options, sorted, stale) {
  const search = await pf.search(plan.words.join(" "), options);
  if (stale()) return null;
  const all = new Set(search.results.map((r) => r.id));
  let results = search.results;
  // Each phrase unit: only the papers holding it, spaced or as one word.
  for (const unit of plan.units.filter((u) => u.phrase)) {
    const holders = await phraseHolders(pf, unit.parts, options, all);
    if (stale()) return null;
    results = results.filter((r) => holders.has(r.id));
  }
  for (const r of results) {
    const fields = r.matchedMetaFields || [];
    r.titleMatch = fields.includes("title") || fields.includes("title_terms");
    // One word (not a short one, which starts too many) found in the organization's name; more
    // words are checked below.
    r.orgMatch = plan.words.length === 1 && plan.words[0].length > 3 && fields.includes("organization");
  }
  // The whole query as a phrase: where it starts in each paper's text.
  const parts = plan.units.flatMap((u) => u.parts);
  // (Not for a long query, a title typed whole most often: few papers hold all its words, and
  // their fragments tell their tiers.)
  if (parts.length > 1 && parts.length <= 5 && !sorted) {
    const [at, orgs] = await Promise.all([phraseHolders(pf, parts, options, all), organizationHolders(pf, parts, options)]);
    if (stale()) return null;
    for (const r of results) {
      if (at.has(r.id)) r.phraseAt = at.get(r.id);
      if (orgs.has(r.id)) r.orgMatch = true;
    }
  }
  return { ...search, results };
}

/**
 * A result's tier guessed before its fragment is read (tierOf); `full` is the score above
 * which its title holds every word.
 */
function likelyTier(r, full) {
  if (r.orgMatch) return 1;
  if (r.titleMatch && r.phraseAt !== undefined && r.phraseAt < TITLE_POSITIONS) return 2;
  if (r.titleMatch && r.score >= full) return 3;
  if (r.phraseAt !== undefined) return 4;
  return 5;
}

/**
 * Pagefind's `results` in the order of the tiers guessed from Pagefind's answers (likelyTier),
 * each marked with its place in Pagefind's order (`found`) and its tier.
 */
function guessed(results) {
  results.forEach((r, i) => { r.found = i; });
  // A title holding every word scores the title's weight × the query's idf at least (META_WEIGHTS);
  // one holding some of two words an eighth of that: half the best score splits them.
  const best = Math.max(...results.filter((r) => r.titleMatch).map((r) => r.score), 0);
  for (const r of results) r.tier = likelyTier(r, best / 2);
  return [...results].sort(byTier);
}

/**
 * Within a tier, the papers whose text (title and abstract) says the query's words most often:
 * Pagefind's score favours a paper with no abstract, whose title alone is all its text. Then
 * Pagefind's order (`found`).
 */
function byTier(a, b) {
  return a.tier - b.tier || b.words.length - a.words.length || a.found - b.found;
}

/**
 * Results in guessed order put in tiers (docs/search.md, "How search ranks"; tierOf), byTier within
 * one: read from the fragments of the first `window` results, guessed for the others.
 */
async function rank(results, plan, window) {
  if (!results.length || !window) return results;
  const rest = [...results];
  const head = [];
  // Read the fragments of the window, then of half a window more while a paper not read yet
  // may rank above the last of the window (its tier guessed better), up to three windows.
  for (let batch = window; batch && rest.length; ) {
    const read = rest.splice(0, batch);
    const datas = await Promise.all(read.map(fragment));
    read.forEach((r, i) => {
      const tier = tierOf(datas[i], plan);
      r.named = tier === 1;
      r.plainTier = r.named ? tierOf(datas[i], plan, false) : tier;
    });
    head.push(...read);
    // An organization's name that holds the query ranks its papers first only when the query
    // names it: when more papers read have the word standing alone in their title than in
    // their organization's name (`reasoning`, and the organization "Reasoning Kingdom"), the
    // query is a topic, and those papers rank by their title and text like any other.
    const named = head.filter((r) => r.named).length;
    const topic = named && head.filter((r) => !r.named && r.plainTier === 2).length > named;
    for (const r of head) r.tier = r.named && !topic ? 1 : r.plainTier;
    head.sort(byTier);
    const last = head[Math.min(window, head.length) - 1];
    batch = head.length < 3 * window && rest.length && byTier(rest[0], last) < 0 ? Math.ceil(window / 2) : 0;
  }
  return [...head, ...rest];
}

/** A text as a list of words, each with its forms: whole and its parts (cutParts). */
function textWords(text) {
  return (text || "").split(/[\s\u200b]+/).filter(Boolean)
    .map((raw) => ({ whole: normalizeWord(raw), parts: cutParts(raw) }));
}

/** Whether query words `terms` are a phrase of `words` (textWords): in a row, or one compound. */
function holdsPhrase(words, terms) {
  if (!terms.length) return false;
  const joined = terms.join("");
  const flat = words.flatMap((w) => w.parts);
  for (const w of words) if (w.parts.length > 1 && inForms(joined, [w.whole])) return true;
  for (let i = 0; i + terms.length <= flat.length; i++) {
    if (terms.every((t, k) => inForms(t, [flat[i + k]]))) return true;
  }
  return false;
}

/** The words of an organization's name, cut at spaces and hyphens (`Alibaba-NLP`: `alibaba`, `nlp`). */
function nameWords(name) {
  return new Set((name || "").split(/[\s\-–—/,]+/).map(normalizeWord).filter(Boolean));
}

/** Whether query word `term` is one of `forms`: as `agrees` says, but whole (or plural) when it is short. */
function inForms(term, forms) {
  for (const form of forms) if (term.length > 3 ? agrees(term, form) : form === term || form === `${term}s`) return true;
  return false;
}

/**
 * The tier of a result from its fragment (title, organization, text): 0 the title (or its
 * name before a colon) is the query, 1 the organization's name holds every word, 2 the title
 * holds the query as a phrase (one word: standing alone; 2.5 as part of a name), 3 every word,
 * 4 the text holds the phrase, 5 the rest. `organizations` false: never 1 (rank, when the
 * query is a topic that an organization's name happens to hold).
 */
function tierOf(data, plan, organizations = true) {
  const title = data.meta.title || "";
  const titleWords = textWords(title);
  const terms = plan.units.flatMap((u) => u.parts);
  const typed = plan.units.flatMap((u) => u.words).join(" ");
  const named = (text) => textWords(text).map((w) => w.whole).join(" ");
  // The title, or the name before its colon (`BitDance` of `BitDance: Scaling …`).
  if (named(title) === typed || named(title.split(/:\s/)[0]) === typed) return 0;
  const org = nameWords(data.meta.organization);
  if (organizations && org.size && plan.words.every((t) => org.has(t) || org.has(`${t}s`))) return 1;
  // One word: standing alone in the title (`FLUX that Plays Music`) before part of a name (`LucidFlux`).
  if (terms.length === 1 && titleWords.some((w) => w.whole === terms[0] || w.whole === `${terms[0]}s`)) return 2;
  if (holdsPhrase(titleWords, terms)) return terms.length === 1 ? 2.5 : 2;
  const forms = wordForms(`${title} ${data.meta.title_terms || ""}`, new Set());
  const inTitle = (t) => inForms(t, forms);
  if (terms.length > 1 && plan.units.every((u) => (u.phrase ? holdsPhrase(titleWords, u.parts) : u.words.every(inTitle)))) return 3;
  if (terms.length === 1 && terms.every(inTitle)) return 2.5;
  if (terms.length > 1 && holdsPhrase(textWords(data.content), terms)) return 4;
  return 5;
}

/**
 * The search of `query` as typed (null: filters only), honest and ranked: no results when a
 * word matches no word of the archive, unless one is near it (its results, and `corrected`:
 * {typed, shown}); the first `window` results ranked. `options`: `filters`, `sorted` (no
 * ranking) and `literal` (no correction). Null once `stale()` (a newer search started).
 */
export async function searchPapers(pf, query, options = {}, window = PAGE_RESULTS, stale = () => false) {
  const plan = await parseQuery(query);
  const pagefindOptions = { filters: options.filters || {} };
  if (!plan) return pf.search(null, pagefindOptions);
  if (!plan.words.length) return { results: [], filters: {}, totalFilters: {} };
  let search = await findPapers(pf, plan, pagefindOptions, options.sorted, stale);
  if (search === null) return null;
  // Guessed order first, so that the result read to check the words is one to be shown.
  if (!options.sorted) search = { ...search, results: guessed(search.results) };
  let missing = await missingWords(search.results, plan.words);
  if (stale()) return null;
  let corrected = null;
  if (missing.length && !options.literal) {
    const { correctedQuery } = await import("./search-typo.js");
    const shown = await correctedQuery(query.trim(), missing);
    if (stale()) return null;
    if (shown) {
      const fixed = await parseQuery(shown);
      let again = await findPapers(pf, fixed, pagefindOptions, options.sorted, stale);
      if (again === null) return null;
      if (!options.sorted) again = { ...again, results: guessed(again.results) };
      if (!(await missingWords(again.results, fixed.words)).length) {
        search = again;
        missing = [];
        corrected = { typed: query.trim(), shown, plan: fixed };
      }
    }
  }
  if (stale()) return null;
  if (missing.length) return nothingFound(search);
  const used = corrected?.plan ?? plan;
  // A sorted list is read as it is shown (`verified`), by the caller that sorts it.
  if (options.sorted) return { ...search, corrected };
  let results = await verified(await rank(search.results, used, window), 0, window);
  if (stale()) return null;
  if (results.length < NEAR_BELOW) {
    const { nearMatches } = await import("./search-near.js");
    const near = await nearMatches(pf, used.words, pagefindOptions, results);
    if (stale()) return null;
    results = await verified([...results, ...near], 0, window);
  }
  if (stale()) return null;
  return { ...search, results, corrected };
}

// A query of three words or more that fewer papers than this hold all of (a title typed whole,
// most often) is followed by the papers that hold some of its words (search-near.js).
const NEAR_BELOW = 10;

// Showing --------------------------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function plural(n, one, many) {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

/** `2025-10-07` as the site writes dates, `Oct 7, 2025`. */
function humanDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  return m ? `${MONTHS[Number(m[2]) - 1]} ${Number(m[3])}, ${m[1]}` : "Undated";
}

/**
 * Pagefind's excerpt is the page's text with `<` and `>` escaped and the matched words wrapped
 * in <mark>: rebuilt as text nodes and <mark> elements, nothing in it can become markup.
 */
function excerptNodes(excerpt, title) {
  const words = [];  // [text, marked, space before]
  let marked = false;
  for (const part of (excerpt || "").split(/(<\/?mark>)/)) {
    if (part === "<mark>" || part === "</mark>") {
      marked = part === "<mark>";
    } else if (part) {
      const text = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
      for (const [i, word] of text.split(/(\s+)/).entries()) {
        if (i % 2) words.push(["", false, true]);
        else if (word) words.push([word, marked, false]);
      }
    }
  }
  const shown = words.slice(titleWords(words, title));
  const out = document.createDocumentFragment();
  while (shown.length && !shown[0][0]) shown.shift();
  for (const [text, mark, space] of shown) {
    if (space) out.append(" ");
    else out.append(mark ? el("mark", null, text) : text);
  }
  return out;
}

/**
 * How many of an excerpt's first pieces (excerptNodes) are the end of the paper's title, which
 * the result shows already (the record is the title, then the abstract).
 */
function titleWords(pieces, title) {
  const mine = (title || "").split(/\s+/).filter(Boolean);
  const at = [];  // [index of the piece after a word, the word] for the excerpt's words
  let word = "";
  pieces.forEach(([text, , space], i) => {
    if (space) { if (word) at.push([i, word]); word = ""; } else word += text;
  });
  if (word) at.push([pieces.length, word]);
  for (let from = 0; from < mine.length; from++) {
    const rest = mine.slice(from);
    // Pagefind ends the heading's text with a full stop when it has none.
    const same = (w, k) => w === at[k][1] || (k === rest.length - 1 && at[k][1] === `${w}.`);
    if (rest.length <= at.length && rest.every(same)) return at[rest.length - 1][0];
  }
  return 0;
}

/** The date, upvotes, comments and first RESULT_TAGS tags of a result, as a line of small facts. */
function resultFacts(data) {
  const facts = el("span", "papers-result__facts");
  facts.append(el("span", "papers-result__date", humanDate(data.meta.date)));
  // Upvotes when a capture showed some, as on the listings and paper pages (never "▲ 0").
  if (Number(data.meta.upvotes) > 0) {
    facts.append(el("span", "papers-result__upvotes", `▲ ${plural(Number(data.meta.upvotes), "upvote", "upvotes")}`));
  }
  if (data.meta.comments !== undefined) {
    const n = Number(data.meta.comments);
    facts.append(el("span", "papers-result__comments", plural(n, "comment", "comments")));
  }
  const tags = data.filters.tag || [];
  for (const tag of tags.slice(0, RESULT_TAGS)) facts.append(el("span", "papers-result__tag", tag));
  if (tags.length > RESULT_TAGS) facts.append(el("span", "papers-result__more-tags", `+${tags.length - RESULT_TAGS}`));
  return facts;
}

/** A result's link, from the site's root: its page, with the words searched for to highlight there. */
function resultUrl(data, query) {
  const url = new URL(data.url, window.location.href);
  url.search = "";
  if (query) url.searchParams.set(HIGHLIGHT_PARAM, query);
  return url.pathname + url.search;
}

function searchPageUrl(query, literal = false) {
  const url = new URL(SEARCH_PAGE);
  if (query) url.searchParams.set("q", query);
  if (literal) url.searchParams.set(LITERAL_PARAM, "1");
  return url.href;
}

const NOT_TYPED = new Set(["checkbox", "radio", "button", "submit", "reset", "range", "color", "file", "image"]);

/** Whether a key pressed in `target` is typing into it (so `/` is a character, not a shortcut). */
function isTyping(target) {
  if (target instanceof HTMLInputElement) return !NOT_TYPED.has(target.type);
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement
    || (target instanceof HTMLElement && target.isContentEditable);
}

/**
 * The count of `results` as a status says it, `one` or `many` after the number of papers that
 * hold every word, then how many hold some of them (nearMatches): `1 paper, 12 papers with some
 * of the words`.
 */
function countOf(results, one, many) {
  const near = results.filter((r) => r.near).length;
  const count = plural(results.length - near, one, many);
  return near ? `${count}, ${plural(near, "paper", "papers")} with some of the words` : count;
}

/** The list item that heads the papers holding some of the words (nearMatches). */
function nearHeading(className) {
  return el("li", className, "Papers with some of the words");
}

/**
 * Milliseconds to wait after a key before searching: longer after a word of one or two letters,
 * most often being typed, which starts thousands of words (slow for Pagefind).
 */
function typingPause(text) {
  const last = normalizeWord(text.trim().split(/\s+/).pop());
  return last.length < 3 ? 250 : 60;
}

/** Tell tests and benchmarks that a search has shown its results (`detail`: the query). */
function announce(query) {
  document.dispatchEvent(new CustomEvent("papers-search-shown", { detail: { query, at: performance.now() } }));
}

// The header box -----------------------------------------------------------------------------

function setupHeader() {
  const box = document.querySelector("[data-papers-search]");
  if (!box) return null;
  const form = box.querySelector("form");
  const input = box.querySelector("[data-papers-search-input]");
  const meta = box.querySelector("[data-papers-search-meta]");
  const list = box.querySelector("[data-papers-search-results]");
  // Material's toggle: checked, its CSS shows the results under the box (and, on small
  // screens, the whole search layer) and its keyboard shortcuts stand aside.
  const toggle = document.getElementById("__search");
  const placeholder = meta.textContent;
  let seq = 0;
  let timer = 0;

  const open = (on) => {
    if (toggle && toggle.checked !== on) {
      toggle.checked = on;
      toggle.dispatchEvent(new Event("change"));
    }
  };
  toggle?.addEventListener("change", () => {
    if (toggle.checked) {
      if (!box.contains(document.activeElement)) input.focus();
    } else if (box.contains(document.activeElement)) {
      document.activeElement.blur();
    }
  });
  input.addEventListener("focus", () => {
    open(true);
    pagefind().catch(() => {});
  });
  // Tabbing out of the box closes it; a click elsewhere lands on Material's overlay, which does.
  box.addEventListener("focusout", (ev) => {
    if (ev.relatedTarget && !box.contains(ev.relatedTarget)) open(false);
  });

  const show = async () => {
    const mine = ++seq;
    const stale = () => mine !== seq;
    const query = input.value.trim();
    if (!query) {
      meta.textContent = placeholder;
      list.replaceChildren();
      return;
    }
    let search;
    try {
      search = await searchPapers(await pagefind(), query, {}, HEADER_RESULTS, stale);
    } catch {
      meta.textContent = "Search is not available: the index was not found.";
      return;
    }
    if (search === null || stale()) return;
    const found = search.results.length;
    const shownResults = search.results.slice(0, HEADER_RESULTS);
    const [datas, lag] = await Promise.all([Promise.all(shownResults.map(fragment)), searchLag()]);
    if (stale()) return;
    const count = found ? countOf(search.results, "matching paper", "matching papers") : "No matching papers";
    if (search.corrected) {
      const { correctionNodes } = await import("./search-typo.js");
      meta.replaceChildren(correctionNodes(search.corrected, null), ` ${withLag(count, lag)}`);
    }
    else meta.textContent = withLag(count, lag);
    const words = search.corrected?.shown ?? query;
    const items = datas.flatMap((data, i) => {
      const item = el("li", "md-search-result__item");
      const link = el("a", "md-search-result__link");
      link.href = resultUrl(data, words);
      const article = el("article", "md-search-result__article md-typeset");
      const excerpt = el("p", "papers-result__excerpt");
      excerpt.append(excerptNodes(data.excerpt, data.meta.title));
      article.append(
        el("div", "md-search-result__icon md-icon"),
        el("div", "papers-result__title", data.meta.title),
        resultFacts(data),
        excerpt,
      );
      link.append(article);
      item.append(link);
      return shownResults[i].near && !shownResults[i - 1]?.near ? [nearHeading("md-search-result__item papers-search__near"), item] : [item];
    });
    const all = el("li", "md-search-result__item");
    const allLink = el("a", "md-search-result__link papers-search__all",
      found > HEADER_RESULTS ? `All ${plural(found, "result", "results")}, with filters and sorting`
        : "Filters and sorting on the search page");
    allLink.href = searchPageUrl(query);
    all.append(allLink);
    list.replaceChildren(...items, all);
    announce(query);
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    seq += 1;
    timer = setTimeout(show, typingPause(input.value));
  });
  form.addEventListener("reset", () => setTimeout(() => {
    show();
    input.focus();
  }));
  box.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") {
      ev.preventDefault();
      open(false);
      return;
    }
    if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
    const links = [...list.querySelectorAll("a")];
    if (!links.length) return;
    ev.preventDefault();
    const at = links.indexOf(document.activeElement);
    const next = ev.key === "ArrowDown" ? Math.min(at + 1, links.length - 1) : at - 1;
    (next < 0 ? input : links[next]).focus();
  });
  return input;
}

// The search page ----------------------------------------------------------------------------

function setupPage() {
  const form = document.querySelector("[data-papers-search-page]");
  if (!form) return null;
  const input = form.querySelector("[data-papers-search-page-input]");
  const sort = form.querySelector("[data-papers-search-sort]");
  const status = form.querySelector("[data-papers-search-status]");
  const notice = form.querySelector("[data-papers-search-notice]");
  const list = form.querySelector("[data-papers-search-list]");
  const more = form.querySelector("[data-papers-search-more]");
  const filterBox = form.querySelector("[data-papers-search-filters]");
  // Offered when some paper has code (search.md.j2).
  const codeBox = form.querySelector("[data-papers-search-code]");
  const resultsBox = list.parentElement;
  const groups = Object.fromEntries([...form.querySelectorAll("[data-papers-filter]")]
    .map((group) => [group.dataset.papersFilter, group]));
  const intro = status.textContent;

  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  sort.value = SORTS.includes(params.get("sort")) ? params.get("sort") : "";
  let literal = params.get(LITERAL_PARAM) === "1";
  const selected = Object.fromEntries(FILTERS.map((key) => [key, new Set(params.getAll(key))]));
  for (const key of FILTERS) if (selected[key].size) groups[key].open = true;
  if (codeBox) codeBox.checked = params.get(CODE_FILTER) === CODE_VALUE;
  /** Whether only papers with code are asked for. */
  const codeOnly = () => Boolean(codeBox?.checked);
  let results = [];
  let shownCount = 0;
  let seq = 0;
  let words = "";

  /** The state as URL parameters, in a stable order: what the form would submit. */
  const stateParams = () => {
    const out = new URLSearchParams();
    if (input.value.trim()) out.set("q", input.value.trim());
    for (const key of FILTERS) for (const value of [...selected[key]].sort()) out.append(key, value);
    if (codeOnly()) out.set(CODE_FILTER, CODE_VALUE);
    if (sort.value) out.set("sort", sort.value);
    if (literal) out.set(LITERAL_PARAM, "1");
    return out;
  };
  /**
   * Pagefind filters: any of the values chosen in a group, for every group that has a choice
   * (but `except`). An open group with no choice gets an empty `any`, which narrows nothing but
   * makes Pagefind load that group's part of the index and count its values.
   */
  const pagefindFilters = (except) => {
    const out = {};
    for (const key of FILTERS) {
      if (key !== except && selected[key].size) out[key] = { any: [...selected[key]] };
      else if (isOpen(key)) out[key] = { any: [] };
    }
    if (codeOnly()) out[CODE_FILTER] = { any: [CODE_VALUE] };
    return out;
  };
  /** Whether a filter list shows (its group open, and on a phone the filters too). */
  const isOpen = (key) => groups[key].open && (!filterBox || filterBox.open || !folded());
  /** Whether the filters fold into one control (a narrow screen: papers.css). */
  const folded = () => filterBox && getComputedStyle(filterBox.querySelector("summary")).display !== "none";
  // The filters' one control (search.md.j2) is open, but on a narrow screen until a filter is chosen.
  if (filterBox && (!folded() || codeOnly() || FILTERS.some((key) => selected[key].size))) filterBox.open = true;

  /** Fill the open filter lists with their values and counts. */
  const renderFilters = (counts) => {
    let chosen = codeOnly() ? 1 : 0;
    for (const key of FILTERS) {
      const group = groups[key];
      const summary = group.querySelector("summary");
      summary.querySelector(".papers-filter__selected")?.remove();
      chosen += selected[key].size;
      if (selected[key].size) summary.append(el("span", "papers-filter__selected", ` · ${selected[key].size} selected`));
      if (!counts[key]) continue;
      const options = group.querySelector("ul");
      // Re-rendered on every change: keep the keyboard on the checkbox that was just used.
      const active = options.contains(document.activeElement) ? document.activeElement.value : null;
      const values = Object.entries(counts[key]);
      for (const value of selected[key]) if (!counts[key][value]) values.push([value, 0]);
      // Years newest first ("Undated" last), other values by count.
      values.sort(key === "year"
        ? (a, b) => (b[0] === "Undated" ? -1 : a[0] === "Undated" ? 1 : b[0].localeCompare(a[0]))
        : (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      options.replaceChildren(...values.map(([value, count]) => {
        const option = el("li", "papers-filter__option");
        const choice = el("label", "papers-filter__choice");
        const box = el("input");
        box.type = "checkbox";
        box.name = key;
        box.value = value;
        box.checked = selected[key].has(value);
        choice.append(box, el("span", "papers-filter__value", value),
          el("span", "papers-filter__count", count.toLocaleString("en")));
        if (!count && !box.checked) option.classList.add("papers-filter__option--empty");
        option.append(choice);
        return option;
      }));
      if (active !== null) [...options.querySelectorAll("input")].find((box) => box.value === active)?.focus();
    }
    const badge = filterBox?.querySelector(".papers-search-page__chosen");
    if (badge) badge.textContent = chosen ? ` · ${chosen} selected` : "";
  };

  /** List items for a batch of results (`from` their first's place in `results`), once their fragments are loaded. */
  const resultItems = async (batch, from = 0) => (await Promise.all(batch.map(fragment))).flatMap((data, i) => {
    const item = el("li", "papers-result");
    const link = el("a", "papers-result__title", data.meta.title);
    link.href = resultUrl(data, words);
    const excerpt = el("p", "papers-result__excerpt");
    excerpt.append(excerptNodes(data.excerpt, data.meta.title));
    item.append(link, resultFacts(data), excerpt);
    const r = batch[i];
    return r.near && !(i ? batch[i - 1] : results[from - 1])?.near ? [nearHeading("papers-search-page__near"), item] : [item];
  });

  /** Run the search the form describes; a newer run makes an older one stop where it is. */
  const run = async () => {
    const mine = ++seq;
    const stale = () => mine !== seq;
    const state = stateParams().toString();
    window.history.replaceState(null, "", state ? `?${state}` : window.location.pathname);
    resultsBox.setAttribute("aria-busy", "true");
    more.hidden = true;
    const query = input.value.trim() || null;
    const browsing = query === null && !codeOnly() && !FILTERS.some((key) => selected[key].size);
    let pf;
    try {
      pf = await pagefind();
    } catch {
      status.textContent = "Search is not available: the index was not found.";
      resultsBox.setAttribute("aria-busy", "false");
      return;
    }
    for (const key of FILTERS) groups[key].dataset.counted = isOpen(key) ? "yes" : "";
    const filters = pagefindFilters();
    // Without words to rank by, filtered papers come newest first: Pagefind's own order is
    // that of its page table, shortest first (generator/search/indexer.py).
    const order = sort.value || (query === null ? "date" : "");
    // With nothing to search for, a search runs only to count the values of open filter lists.
    const search = browsing && !Object.keys(filters).length ? null
      : await searchPapers(pf, query, { filters, sorted: Boolean(order), literal }, PAGE_RESULTS, stale);
    if (stale() || (search === null && !browsing)) return;
    let found = browsing || !search ? [] : search.results;
    if (order && found.length) found = await verified(await sortResults(found, order), 0, PAGE_RESULTS);
    const counts = { ...search?.filters };
    // A group's counts leave out its own choice: they say what choosing a value would add.
    for (const key of FILTERS) {
      if (selected[key].size && isOpen(key)) {
        const other = await searchPapers(pf, search?.corrected?.shown ?? query,
          { filters: pagefindFilters(key), sorted: true, literal: true }, 0, stale);
        if (other === null) return;
        counts[key] = other.filters[key];
      }
    }
    words = search?.corrected?.shown ?? query ?? "";
    const [items, lag] = await Promise.all([resultItems(found.slice(0, PAGE_RESULTS)), searchLag()]);
    if (stale()) return;
    results = found;
    shownCount = Math.min(PAGE_RESULTS, found.length);
    list.replaceChildren(...items);
    more.hidden = shownCount >= results.length;
    if (search?.corrected) {
      const { correctionNodes } = await import("./search-typo.js");
      notice.replaceChildren(correctionNodes(search.corrected, searchPageUrl(search.corrected.typed, true)));
      notice.hidden = false;
    } else {
      notice.replaceChildren();
      notice.hidden = true;
    }
    if (browsing) status.textContent = intro;
    else status.textContent = withLag(results.length ? countOf(results, "paper", "papers") : "No matching papers.", lag);
    renderFilters(counts);
    resultsBox.setAttribute("aria-busy", "false");
    announce(query);
  };

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    seq += 1;  // a search under way stops showing what the box no longer says
    literal = false;
    timer = setTimeout(run, typingPause(input.value));
  });
  form.addEventListener("change", (ev) => {
    const target = ev.target;
    if (target instanceof HTMLInputElement && target.type === "checkbox" && target !== codeBox) {
      if (target.checked) selected[target.name].add(target.value);
      else selected[target.name].delete(target.value);
    }
    if (target !== input) run();
  });
  const groupToggles = [...Object.values(groups), ...(filterBox ? [filterBox] : [])];
  for (const group of groupToggles) {
    // Opening a list counts its values, unless the run under way does already.
    group.addEventListener("toggle", () => {
      if (FILTERS.some((key) => isOpen(key) && !groups[key].dataset.counted)) run();
    });
  }
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    run();
  });
  more.addEventListener("click", async () => {
    const mine = seq;
    more.disabled = true;
    resultsBox.setAttribute("aria-busy", "true");
    const checked = await verified(results, shownCount, PAGE_RESULTS);
    if (mine !== seq) return;
    // A bundle of the index that lacked a word: its papers are gone from the count too.
    const changed = checked.length !== results.length;
    results = checked;
    const items = await resultItems(results.slice(shownCount, shownCount + PAGE_RESULTS), shownCount);
    more.disabled = false;
    if (mine !== seq) return;
    if (changed) status.textContent = countOf(results, "paper", "papers");
    list.append(...items);
    shownCount = Math.min(shownCount + PAGE_RESULTS, results.length);
    more.hidden = shownCount >= results.length;
    resultsBox.setAttribute("aria-busy", "false");
  });
  run();
  return input;
}

// Paper pages: the words of the search that led here ------------------------------------------

async function highlight() {
  const params = new URLSearchParams(window.location.search);
  if (!params.has(HIGHLIGHT_PARAM) || !document.querySelector("[data-pagefind-body]")) return;
  const { highlightWords } = await import("./search-highlight.js");
  const first = highlightWords(params.getAll(HIGHLIGHT_PARAM).join(" "), document.querySelectorAll("[data-pagefind-body]"));
  if (first && first.getBoundingClientRect().top > window.innerHeight) first.scrollIntoView({ block: "center" });
}

const headerInput = setupHeader();
const pageInput = setupPage();
// `/` focuses the search box, as it does Material's own; the search page's box first.
document.addEventListener("keydown", (ev) => {
  if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey || isTyping(ev.target)) return;
  const target = pageInput || headerInput;
  if (!target) return;
  ev.preventDefault();
  target.focus();
  target.select();
});
highlight();
