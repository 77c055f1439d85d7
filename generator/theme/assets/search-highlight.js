// Papers Archive search: on a paper page opened from a result (?highlight=the query), the words
// searched for, marked in the title and abstract (the elements marked data-pagefind-body).
// Loaded by search.js only on such a page. A word is marked when it or one of its parts agrees
// with a query word as the search matched it: `Qwen2.5` for `qwen2.5`, `DeepSeek-R1` for `r1`,
// `Chain-of-Thought` for "chain of thought", `MapReduce` of `LLM×MapReduce` for `mapreduce`.

import { agrees, normalizeWord, wordForms } from "./search.js";

// Short words that join others: marked only when the query is nothing else.
const JOINERS = new Set(["a", "an", "and", "as", "at", "by", "for", "from", "in", "is", "of", "on", "or", "the", "to", "via", "with"]);
// Elements whose text is not marked: formulas (their text is MathML's), and marks already made.
const SKIP = "math, mark, script, style";

/** The words of a query to mark: each word whole and its parts, joiners left out unless alone. */
function queryTerms(query) {
  const terms = new Set();
  for (const token of query.replace(/"/g, " ").split(/\s+/)) {
    const whole = normalizeWord(token);
    if (whole) terms.add(whole);
    for (const part of token.split(/[^\p{L}\p{N}]+/u)) if (part) terms.add(normalizeWord(part));
  }
  const content = [...terms].filter((t) => !JOINERS.has(t));
  return content.length ? content : [...terms];
}

/** Whether a word of the page (as written) is one of `terms`: short terms (three letters or fewer) only whole. */
function matches(word, terms) {
  const forms = wordForms(word, new Set());
  return terms.some((term) => [...forms].some((form) => (term.length > 3 ? agrees(term, form) : form === term)));
}

/**
 * Mark the words of `query` (as typed) in `elements` with <mark class="papers-highlight">, each
 * word from its first letter or digit to its last; returns the first mark, or null.
 */
export function highlightWords(query, elements) {
  const terms = queryTerms(query || "");
  if (!terms.length) return null;
  let first = null;
  for (const root of elements) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (node.parentElement.closest(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    for (const node of nodes) {
      const text = node.data;
      const pieces = [];
      let last = 0;
      for (const m of text.matchAll(/\S+/g)) {
        const inner = /[\p{L}\p{N}](?:.*[\p{L}\p{N}])?/u.exec(m[0]);
        if (!inner || !matches(inner[0], terms)) continue;
        const start = m.index + inner.index;
        pieces.push(text.slice(last, start));
        const mark = document.createElement("mark");
        mark.className = "papers-highlight";
        mark.textContent = inner[0];
        pieces.push(mark);
        first ??= mark;
        last = start + inner[0].length;
      }
      if (!pieces.length) continue;
      pieces.push(text.slice(last));
      node.replaceWith(...pieces.filter((p) => p !== ""));
    }
  }
  return first;
}
