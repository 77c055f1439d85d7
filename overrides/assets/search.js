// Papers Archive search: Pagefind (the index in pagefind/, built with every MkDocs build)
// behind Material's header search box, the search page (search/) and highlighting on paper pages.
// Everything from the index is set as text or built as nodes, never parsed as HTML, and the
// file runs as the site's own module: no inline code, no eval, nothing from another host.

// The site root, from this file's own URL (assets/search.js): right at any page depth and
// when the site is published under a sub-path, as GitHub Pages project sites are.
const ROOT = new URL("../", import.meta.url);
const PAGEFIND = new URL("pagefind/", ROOT);
const SEARCH_PAGE = new URL("search/", ROOT);
const HIGHLIGHT_PARAM = "highlight";
const HEADER_RESULTS = 8;
const PAGE_RESULTS = 20;
// The filters of the index (data-pagefind-filter in generator/search/indexer.py's records), as the URL names them.
const FILTERS = ["tag", "year", "organization"];
// Sorts by a count, most first (then newest): papers-sorts.json holds each count per page.
const COUNTS = ["upvotes", "comments"];
const SORTS = ["date", ...COUNTS];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// noWorker: Pagefind's wasm runs on the main thread, as it does where workers are missing,
// instead of fetching pagefind-worker.js (12 KB more for every first query) to run in it.
// ranking.metaWeights: words of a title that Pagefind does not read in it as written
// (`r1` of DeepSeek-R1, `transformer2` of a TeX title: generator/search/terms.py) weigh as the
// title's own words do (Pagefind's default for `title` is 5, for other metadata 1).
const PAGEFIND_OPTIONS = {
  baseUrl: ROOT.pathname, highlightParam: HIGHLIGHT_PARAM, excerptLength: 24, noWorker: true,
  ranking: { metaWeights: { title: 5, title_terms: 5 } },
};

let pagefindModule = null;
let sortOrders = null;

/** JSON that generator/search/indexer.py writes beside Pagefind's bundle. */
async function bundleJson(name) {
  const response = await fetch(new URL(name, PAGEFIND));
  if (!response.ok) throw new Error(`${name}: ${response.status}`);
  return response.json();
}

/**
 * Pagefind's JS API, imported and configured once per page. A large archive is indexed in
 * parts (papers-search.json lists them), merged here into one search.
 */
function pagefind() {
  pagefindModule ??= Promise.all([
    import(new URL("pagefind.js", PAGEFIND).href),
    bundleJson("papers-search.json"),
  ]).then(async ([pf, manifest]) => {
    await pf.options(PAGEFIND_OPTIONS);
    await pf.init();
    for (const part of manifest.bundles) await pf.mergeIndex(new URL(part, PAGEFIND).pathname, PAGEFIND_OPTIONS);
    return pf;
  });
  return pagefindModule;
}

/**
 * Under `mkdocs serve` (the page says so: <meta name="papers-preview">), the index of the last
 * edit may still be in the making while search answers from the one before; the plugin says so
 * in papers-search-status.json (generator/site/preview.py). A sentence to follow the result
 * count (withLag), or "" when search is up to date or the site is a published one (it has no
 * such file).
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
 * Results in the order of a sort: `date` newest first, `upvotes` or `comments` most first (then
 * newest). The orders come from papers-sorts.json, fetched on the first sorted search only, so
 * that they cost nothing to a search in the order of relevance.
 */
async function sortResults(results, sort) {
  sortOrders ??= bundleJson("papers-sorts.json").then((sorts) => {
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

// Honest matching ------------------------------------------------------------------------------
// Pagefind matches a query word with every indexed word it starts, and when there is none, with
// the longest indexed word that starts it (`xyzzyqq` finds `x`); a word that matches nothing is
// dropped from the query. So a search keeps its results only when each query word agrees with a
// word of the results found (`agrees`): `No matching papers` otherwise.

// Endings the English stemmer takes off, so that `models` agrees with `model` and `studies` with
// `study`; a query word may stop anywhere in one of them (it is being typed).
const ENDINGS = ["s", "es", "ies", "ied", "ed", "ing", "ings", "ion", "ions", "ation", "ations", "ative",
  "er", "ers", "ly", "ness", "ment", "ments", "ity", "ities", "al", "ally", "ive", "ize", "izes", "ized",
  "izing", "ization", "izations", "ise", "ised", "able", "ful", "ous", "ism", "ist", "ists", "e", "y"];

/** A query word as the index holds words (generator/search/terms.py): its letters and digits. */
function normalizeWord(word) {
  return word.normalize("NFKC").replace(/[^\p{L}\p{N}]/gu, "").toLowerCase();
}

/**
 * A query as Pagefind is given it: each word reduced to its letters and digits (`UFO^3` is
 * `ufo3`, `GPT-4o` is `gpt4o`, as the indexer reads them), a quoted phrase kept quoted (an
 * exact search). `null` for no query, `words` empty when no word is left.
 */
function prepareQuery(query) {
  if (query === null) return null;
  const exact = /^\s*".+"\s*$/.test(query);
  const words = query.split(/\s+/).map(normalizeWord).filter(Boolean);
  const text = words.join(" ");
  return { words, exact, text: exact ? `"${text}"` : text };
}

/** Every indexed form of a text's words: whole, and cut at punctuation, case and digit changes. */
function indexedForms(text, out) {
  for (const raw of (text || "").split(/[\s\u200b]+/)) {
    const whole = normalizeWord(raw);
    if (!whole) continue;
    out.add(whole);
    const parts = raw.replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1 $2").replace(/(\p{L})(\p{N})|(\p{N})(\p{L})/gu, "$1$3 $2$4")
      .split(/[^\p{L}\p{N}]+/u);
    for (const part of parts) if (part) out.add(part.toLowerCase());
  }
  return out;
}

/** Whether query word `term` and indexed word `word` are one word, or `term` begins it. */
function agrees(term, word) {
  if (word.startsWith(term)) return true;
  // A CJK window of generator/search/terms.py starts a longer query word.
  if (word.length >= 12 && term.startsWith(word)) return true;
  let common = 0;
  while (common < term.length && term[common] === word[common]) common += 1;
  const rest = term.slice(common);
  return common >= 3 && ENDINGS.some((ending) => ending.startsWith(rest));
}

/** Whether every word of a prepared query agrees with a word of the first results' pages. */
async function holdsEveryWord(results, words) {
  const datas = await Promise.all(results.slice(0, 3).map((r) => r.data()));
  const forms = new Set();
  for (const data of datas) {
    indexedForms(data.content, forms);
    for (const value of Object.values(data.meta || {})) indexedForms(value, forms);
  }
  return words.every((term) => [...forms].some((word) => agrees(term, word)));
}

/** `search` with no results and every filter count 0. */
function nothingFound(search) {
  const zero = (counts) => Object.fromEntries(Object.entries(counts || {}).map(
    ([key, values]) => [key, Object.fromEntries(Object.keys(values).map((value) => [value, 0]))]));
  return { ...search, results: [], filters: zero(search.filters), totalFilters: zero(search.totalFilters) };
}

/**
 * Pagefind's search of `query` (as the reader typed it, or null to filter only), honest: no
 * results when a word of it matches no word of the archive. `debounce` (ms) runs it as
 * Pagefind's debouncedSearch, which answers null when a newer search replaced it.
 */
async function searchPapers(pf, query, options = {}, debounce = 0) {
  const prepared = prepareQuery(query);
  if (prepared && !prepared.words.length) return { results: [], filters: {}, totalFilters: {} };
  const text = prepared ? prepared.text : null;
  const search = debounce ? await pf.debouncedSearch(text, options, debounce) : await pf.search(text, options);
  if (search === null || !prepared || prepared.exact || !search.results.length) return search;
  return (await holdsEveryWord(search.results, prepared.words)) ? search : nothingFound(search);
}

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
 * How many of an excerpt's first pieces (excerptNodes) are the paper's title, which the result
 * shows above it already: the record is the title, then the abstract (generator/search/indexer.py),
 * so an excerpt starting in the title holds the rest of it, from any of its words on. Marks
 * split no word here: Pagefind marks whole words.
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

/** The date, upvotes, comments and tags of a result, as a line of small facts. */
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
  for (const tag of data.filters.tag || []) facts.append(el("span", "papers-result__tag", tag));
  return facts;
}

function searchPageUrl(query) {
  const url = new URL(SEARCH_PAGE);
  if (query) url.searchParams.set("q", query);
  return url.href;
}

const NOT_TYPED = new Set(["checkbox", "radio", "button", "submit", "reset", "range", "color", "file", "image"]);

/** Whether a key pressed in `target` is typing into it (so `/` is a character, not a shortcut). */
function isTyping(target) {
  if (target instanceof HTMLInputElement) return !NOT_TYPED.has(target.type);
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement
    || (target instanceof HTMLElement && target.isContentEditable);
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
    const query = input.value.trim();
    if (!query) {
      meta.textContent = placeholder;
      list.replaceChildren();
      return;
    }
    let search;
    try {
      search = await searchPapers(await pagefind(), query, {}, 120);
    } catch {
      meta.textContent = "Search is not available: the index was not found.";
      return;
    }
    if (search === null || mine !== seq) return;
    const found = search.results.length;
    const [datas, lag] = await Promise.all([
      Promise.all(search.results.slice(0, HEADER_RESULTS).map((r) => r.data())), searchLag()]);
    if (mine !== seq) return;
    meta.textContent = withLag(found ? plural(found, "matching paper", "matching papers") : "No matching papers", lag);
    const items = datas.map((data) => {
      const item = el("li", "md-search-result__item");
      const link = el("a", "md-search-result__link");
      link.href = data.url;
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
      return item;
    });
    const all = el("li", "md-search-result__item");
    const allLink = el("a", "md-search-result__link papers-search__all",
      found > HEADER_RESULTS ? `All ${plural(found, "result", "results")}, with filters and sorting`
        : "Filters and sorting on the search page");
    allLink.href = searchPageUrl(query);
    all.append(allLink);
    list.replaceChildren(...items, all);
  };

  input.addEventListener("input", show);
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
  const list = form.querySelector("[data-papers-search-list]");
  const more = form.querySelector("[data-papers-search-more]");
  const resultsBox = list.parentElement;
  const groups = Object.fromEntries([...form.querySelectorAll("[data-papers-filter]")]
    .map((group) => [group.dataset.papersFilter, group]));
  const intro = status.textContent;

  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  sort.value = SORTS.includes(params.get("sort")) ? params.get("sort") : "";
  const selected = Object.fromEntries(FILTERS.map((key) => [key, new Set(params.getAll(key))]));
  for (const key of FILTERS) if (selected[key].size) groups[key].open = true;
  let results = [];
  let shown = 0;
  let seq = 0;

  /** The state as URL parameters, in a stable order: what the form would submit. */
  const stateParams = () => {
    const out = new URLSearchParams();
    if (input.value.trim()) out.set("q", input.value.trim());
    for (const key of FILTERS) for (const value of [...selected[key]].sort()) out.append(key, value);
    if (sort.value) out.set("sort", sort.value);
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
      else if (groups[key].open) out[key] = { any: [] };
    }
    return out;
  };

  /** Fill the open filter lists with their values and counts. */
  const renderFilters = (counts) => {
    for (const key of FILTERS) {
      const group = groups[key];
      const summary = group.querySelector("summary");
      summary.querySelector(".papers-filter__selected")?.remove();
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
  };

  /** List items for a batch of results, once their fragments are loaded. */
  const resultItems = async (batch) => (await Promise.all(batch.map((r) => r.data()))).map((data) => {
    const item = el("li", "papers-result");
    const link = el("a", "papers-result__title", data.meta.title);
    link.href = data.url;
    const excerpt = el("p", "papers-result__excerpt");
    excerpt.append(excerptNodes(data.excerpt, data.meta.title));
    item.append(link, resultFacts(data), excerpt);
    return item;
  });

  /** Run the search the form describes; a newer run makes an older one stop where it is. */
  const run = async () => {
    const mine = ++seq;
    const state = stateParams().toString();
    window.history.replaceState(null, "", state ? `?${state}` : window.location.pathname);
    resultsBox.setAttribute("aria-busy", "true");
    more.hidden = true;
    const query = input.value.trim() || null;
    const browsing = query === null && !FILTERS.some((key) => selected[key].size);
    let pf;
    try {
      pf = await pagefind();
    } catch {
      status.textContent = "Search is not available: the index was not found.";
      resultsBox.setAttribute("aria-busy", "false");
      return;
    }
    for (const key of FILTERS) groups[key].dataset.counted = groups[key].open ? "yes" : "";
    const filters = pagefindFilters();
    // With nothing to search for, a search runs only to count the values of open filter lists.
    const search = browsing && !Object.keys(filters).length ? null : await searchPapers(pf, query, { filters });
    let found = browsing || !search ? [] : search.results;
    // Without words to rank by, filtered papers come newest first: Pagefind's own order is
    // that of its page table, shortest first (generator/search/indexer.py).
    const order = sort.value || (query === null ? "date" : "");
    if (order && found.length) found = await sortResults(found, order);
    const counts = { ...search?.filters };
    // A group's counts leave out its own choice: they say what choosing a value would add.
    for (const key of FILTERS) {
      if (selected[key].size && groups[key].open) {
        counts[key] = (await searchPapers(pf, query, { filters: pagefindFilters(key) })).filters[key];
      }
    }
    const [items, lag] = await Promise.all([resultItems(found.slice(0, PAGE_RESULTS)), searchLag()]);
    if (mine !== seq) return;
    results = found;
    shown = items.length;
    list.replaceChildren(...items);
    more.hidden = shown >= results.length;
    if (browsing) status.textContent = intro;
    else status.textContent = withLag(results.length ? plural(results.length, "paper", "papers") : "No matching papers.", lag);
    renderFilters(counts);
    resultsBox.setAttribute("aria-busy", "false");
  };

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  form.addEventListener("change", (ev) => {
    const target = ev.target;
    if (target instanceof HTMLInputElement && target.type === "checkbox") {
      if (target.checked) selected[target.name].add(target.value);
      else selected[target.name].delete(target.value);
    }
    if (target !== input) run();
  });
  for (const group of Object.values(groups)) {
    // Opening a list counts its values, unless the run under way does already.
    group.addEventListener("toggle", () => {
      if (group.open && !group.dataset.counted) run();
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
    const items = await resultItems(results.slice(shown, shown + PAGE_RESULTS));
    more.disabled = false;
    if (mine !== seq) return;
    list.append(...items);
    shown += items.length;
    more.hidden = shown >= results.length;
    resultsBox.setAttribute("aria-busy", "false");
  });
  run();
  return input;
}

// Paper pages: the words of the search that led here ------------------------------------------

async function highlight() {
  if (!new URLSearchParams(window.location.search).has(HIGHLIGHT_PARAM)) return;
  const { default: PagefindHighlight } = await import(new URL("pagefind-highlight.js", PAGEFIND).href);
  // addStyles: false, because the mark's colours come from papers.css, not an injected <style>.
  new PagefindHighlight({ highlightParam: HIGHLIGHT_PARAM, addStyles: false });
  const first = document.querySelector("mark.pagefind-highlight");
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
