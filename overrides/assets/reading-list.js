// Papers Archive: a reading list kept in the browser, and BibTeX entries.
//
// A star beside a paper on its page, in listings and in the search page's results adds it to
// the reader's list, kept in localStorage of this site (nothing is sent anywhere); the "My
// list" page (list.md, the element [data-papers-my-list]) shows it, exports it as JSON or BibTeX,
// imports a list exported before, and suggests the papers its papers' pages name as related.
// `papersBibtex(page, url)` builds a paper's BibTeX entry from the citation tags of its page
// (generator/pages/templates/_citation.html.j2); papers-chrome.js's "Cite" uses it too.
(() => {
  "use strict";
  const script = document.currentScript;
  // The site's root: this file is at <root>/assets/reading-list.js.
  const root = new URL("..", script ? script.src : location.href);
  const KEY = "papers-archive:reading-list:" + root.pathname;
  const PAPERS = root.pathname + "papers/";

  function bibtex(page, url) {
    const meta = (name) => [...page.querySelectorAll(`meta[name="${name}"]`)].map((m) => m.content);
    const esc = (text) => text.replace(/[\\{}]/g, "").replace(/([&%$#_])/g, "\\$1");
    const title = meta("citation_title")[0] || "";
    const authors = meta("citation_author");
    const date = meta("citation_publication_date")[0] || "";
    const id = meta("citation_arxiv_id")[0] || "";
    const year = date.slice(0, 4);
    const last = (authors[0] || "").split(/\s+/).pop() || "";
    const word = (title.match(/[A-Za-z][A-Za-z0-9]{2,}/g) || [""]).find((w) => !/^(the|and|for|with|from)$/i.test(w)) || "";
    const key = (last + year + word).normalize("NFKD").replace(/[^A-Za-z0-9]/g, "").toLowerCase()
      || (id ? "arxiv" + id.replace(/\W/g, "") : "paper");
    const fields = [["title", `{${esc(title)}}`]];
    if (authors.length) fields.push(["author", `{${authors.map(esc).join(" and ")}}`]);
    if (year) fields.push(["year", `{${year}}`]);
    if (id) fields.push(["eprint", `{${id}}`], ["archivePrefix", "{arXiv}"], ["url", `{https://arxiv.org/abs/${id}}`]);
    else fields.push(["url", `{${url}}`]);
    return `@misc{${key},\n` + fields.map(([k, v]) => `  ${k} = ${v},`).join("\n") + "\n}";
  }
  window.papersBibtex = bibtex;

  // The list: {version: 1, papers: {path: {title, date, added, related?: [[path, title], …]}}},
  // a path relative to the site's root (papers/2025/10/<id>/).
  function load() {
    try {
      const data = JSON.parse(localStorage.getItem(KEY) || "null");
      if (data && data.version === 1 && data.papers && typeof data.papers === "object") return data;
    } catch (error) { /* storage unreadable or blocked: an empty list */ }
    return { version: 1, papers: {} };
  }
  function save(data) {
    try {
      localStorage.setItem(KEY, JSON.stringify(data));
      return true;
    } catch (error) {
      return false;  // storage full or blocked (a private window): the star says so
    }
  }
  const pathOf = (href) => {
    const url = new URL(href, location.href);
    return url.pathname.startsWith(root.pathname) ? url.pathname.slice(root.pathname.length) : null;
  };
  const isPaper = (href) => new URL(href, location.href).pathname.startsWith(PAPERS);

  function star(path, title, date, related) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "papers-star";
    const show = () => {
      const on = Boolean(load().papers[path]);
      button.setAttribute("aria-pressed", String(on));
      button.textContent = on ? "★" : "☆";
      button.title = on ? "In your reading list: click to remove" : "Add to your reading list";
      button.setAttribute("aria-label", (on ? "Remove from" : "Add to") + " my reading list: " + title);
    };
    button.addEventListener("click", (event) => {
      event.preventDefault();
      event.stopPropagation();
      const data = load();
      if (data.papers[path]) delete data.papers[path];
      else data.papers[path] = { title, date: date || null, added: new Date().toISOString().slice(0, 10),
        ...(related ? { related: related() } : {}) };
      if (!save(data)) button.title = "Your browser keeps no reading list here (storage is off)";
      show();
    });
    show();
    return button;
  }

  // `base`: the address the page was read from; a fetched page's links are relative to it,
  // not to the page that fetched it (a DOMParser document's `href`s resolve against the latter).
  function relatedOf(page, base = location.href) {
    return [...page.querySelectorAll(".papers-related a")]
      .map((a) => [pathOf(new URL(a.getAttribute("href"), base).href), a.textContent.trim()]).filter(([p]) => p);
  }

  function decorate() {
    // A paper's own page: first in the line of its facts, under its title (not in the heading,
    // whose text stays the title's).
    const h1 = document.querySelector(".papers-paper h1");
    const facts = document.querySelector(".papers-paper .papers-facts");
    if (h1 && facts && !facts.querySelector(".papers-star")) {
      const path = pathOf(location.href);
      const date = (document.querySelector('meta[name="citation_publication_date"]') || {}).content || null;
      if (path) facts.prepend(star(path, h1.textContent.trim(), date && date.replace(/\//g, "-"), () => relatedOf(document)));
    }
    // Listings and the search page's results.
    for (const item of document.querySelectorAll("ul.papers-list > li, li.papers-result")) {
      if (item.querySelector(".papers-star")) continue;
      const link = item.querySelector("a");
      if (!link || !isPaper(link.href)) continue;
      const path = pathOf(link.href);
      if (path) link.after(" ", star(path, link.textContent.trim(), null, null));
    }
  }

  function download(name, text, type) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type }));
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
  }

  async function fetchPage(path) {
    const response = await fetch(new URL(path, root));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return new DOMParser().parseFromString(await response.text(), "text/html");
  }

  // The "My list" page.
  function myList(box) {
    const data = load();
    const entries = Object.entries(data.papers).sort((a, b) => (b[1].added || "").localeCompare(a[1].added || ""));
    box.replaceChildren();
    const count = document.createElement("p");
    count.textContent = entries.length
      ? `${entries.length} paper${entries.length === 1 ? "" : "s"} in your reading list, kept in this browser only.`
      : "Your reading list is empty: star a paper (☆) on its page, in a listing or in search results.";
    box.append(count);
    if (entries.length) {
      const list = document.createElement("ul");
      list.className = "papers-list";
      for (const [path, paper] of entries) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = new URL(path, root).href;
        a.textContent = paper.title;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "md-button papers-my-list__remove";
        remove.textContent = "Remove";
        remove.setAttribute("aria-label", "Remove from my reading list: " + paper.title);
        remove.addEventListener("click", () => {
          const now = load();
          delete now.papers[path];
          save(now);
          myList(box);
        });
        const small = document.createElement("small");
        small.textContent = [paper.date, paper.added && `added ${paper.added}`].filter(Boolean).join(" · ");
        li.append(a, " ", remove, small);
        list.append(li);
      }
      box.append(list);
    }
    const actions = document.createElement("p");
    actions.className = "papers-my-list__actions";
    const button = (label, handler) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "md-button";
      b.textContent = label;
      b.addEventListener("click", handler);
      actions.append(b, " ");
      return b;
    };
    if (entries.length) {
      button("Export JSON", () => download("reading-list.json", JSON.stringify(load(), null, 1) + "\n", "application/json"));
      const bib = button("Export BibTeX", async () => {
        bib.disabled = true;
        const out = [];
        for (const [path, paper] of entries) {
          try { out.push(bibtex(await fetchPage(path), new URL(path, root).href)); }
          catch (error) { out.push(`% ${paper.title}: its page could not be read (${error.message})`); }
        }
        download("reading-list.bib", out.join("\n\n") + "\n", "application/x-bibtex");
        bib.disabled = false;
      });
    }
    const input = document.createElement("input");
    input.type = "file";
    input.accept = ".json,.bib,application/json";
    input.hidden = true;
    const status = document.createElement("span");
    status.className = "papers-my-list__status";
    status.setAttribute("role", "status");
    input.addEventListener("change", async () => {
      const file = input.files && input.files[0];
      if (!file) return;
      const added = importText(await file.text());
      status.textContent = added < 0 ? `${file.name} is no reading list this page can read.`
        : `${added} paper${added === 1 ? "" : "s"} added from ${file.name}.`;
      input.value = "";
      if (added > 0) myList(box);
      box.append(actions);
    });
    button("Import JSON or BibTeX", () => input.click());
    actions.append(input, status);
    box.append(actions);
    if (entries.length) suggestions(box, data);
  }

  // A list exported before (JSON), or a BibTeX file whose entries' url is a paper page of this
  // site. Returns the papers added, -1 when the text is neither.
  function importText(text) {
    const data = load();
    let added = 0;
    const add = (path, paper) => {
      if (!path || !path.startsWith("papers/") || data.papers[path]) return;
      data.papers[path] = { title: String(paper.title || path), date: paper.date || null,
        added: paper.added || new Date().toISOString().slice(0, 10) };
      added += 1;
    };
    try {
      const json = JSON.parse(text);
      if (!json || typeof json.papers !== "object") return -1;
      for (const [path, paper] of Object.entries(json.papers)) add(path, paper || {});
    } catch (error) {
      const entries = [...text.matchAll(/@\w+\s*\{[^@]*/g)].map((m) => m[0]);
      if (!entries.length) return -1;
      for (const entry of entries) {
        const url = (entry.match(/url\s*=\s*\{([^}]*)\}/i) || [])[1];
        const title = (entry.match(/title\s*=\s*\{(.*)\},?\s*$/im) || [])[1];
        if (url) add(pathOf(url), { title: title && title.replace(/[{}]/g, "") });
      }
    }
    save(data);
    return added;
  }

  // "You may also like": the papers that the listed papers' pages name as related, most named
  // first; a paper starred elsewhere than its page has its page read for them (at most 20).
  async function suggestions(box, data) {
    const section = document.createElement("section");
    const heading = document.createElement("h2");
    heading.textContent = "You may also like";
    const list = document.createElement("ul");
    list.className = "papers-list";
    section.append(heading, list);
    let reads = 0;
    for (const [path, paper] of Object.entries(data.papers)) {
      if (paper.related || reads >= 20) continue;
      reads += 1;
      try {
        paper.related = relatedOf(await fetchPage(path), new URL(path, root).href);
      } catch (error) { paper.related = []; }
    }
    const now = load();
    for (const [path, paper] of Object.entries(data.papers)) if (now.papers[path]) now.papers[path].related = paper.related;
    save(now);
    const score = new Map();
    for (const paper of Object.values(now.papers)) {
      (paper.related || []).forEach(([path, title], rank) => {
        if (now.papers[path]) return;
        const seen = score.get(path) || { title, score: 0 };
        seen.score += 1 / (rank + 1);
        score.set(path, seen);
      });
    }
    const ranked = [...score.entries()].sort((a, b) => b[1].score - a[1].score || a[1].title.localeCompare(b[1].title));
    if (!ranked.length) return;
    for (const [path, { title }] of ranked.slice(0, 20)) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = new URL(path, root).href;
      a.textContent = title;
      li.append(a);
      list.append(li);
    }
    box.append(section);
    decorate();
  }

  document.addEventListener("DOMContentLoaded", () => {
    decorate();
    const box = document.querySelector("[data-papers-my-list]");
    if (box) myList(box);
    // Search results arrive after the page: stars are added to them as they come.
    const results = document.querySelector("[data-papers-search-page]");
    if (results) new MutationObserver(decorate).observe(document.querySelector(".md-content") || document.body,
      { childList: true, subtree: true });
  });
})();
