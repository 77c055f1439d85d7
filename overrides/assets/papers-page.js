// Papers Archive: what the script of a paper or listing page adds to its content: a paper
// page's "Find it on" links and "Cite" entry, a listing's BibTeX of its papers. Lean pages run it
// from assets/papers-chrome.js (overrides/papers-chrome.html includes this file); the full pages
// of papers and listings (a Zensical build, which renders no lean page) load it (overrides/main.html).
//
// A paper page's "Find it on" links, into the section the page keeps for them (so nothing
// moves): with the arXiv id a capture linked (data-papers-arxiv), the paper on arXiv, its PDF
// and its Hugging Face page; without, searches for its title's plain text; Semantic Scholar
// either way. Anything but an arXiv id is taken as none.
document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector(".papers-paper .papers-find");
  const title = document.querySelector(".papers-paper h1");
  if (!section || !title) return;
  const q = encodeURIComponent((title.dataset.papersTitle || title.textContent).trim().replace(/\s+/g, " "))
    .replace(/%20/g, "+");
  const id = section.dataset.papersArxiv || "";
  const arxiv = /^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})$/.test(id) ? id : null;
  const sites = arxiv ? [
    ["arXiv", `https://arxiv.org/abs/${arxiv}`],
    ["PDF", `https://arxiv.org/pdf/${arxiv}`],
    ["Hugging Face", `https://huggingface.co/papers/${arxiv}`],
  ] : [
    ["arXiv", `https://arxiv.org/search/?query=${q}&searchtype=title`],
    ["Hugging Face", `https://huggingface.co/papers?q=${q}`],
  ];
  sites.push(["Semantic Scholar", `https://www.semanticscholar.org/search?q=${q}`]);
  const links = section.querySelector(".papers-find__links");
  sites.forEach(([name, url], n) => {
    const a = document.createElement("a");
    a.className = "md-button";
    a.href = url;
    a.textContent = name;
    links.append(...(n ? [" ", a] : [a]));
  });
  // "Cite": the paper's BibTeX entry, from its citation tags (assets/reading-list.js), to copy.
  const cite = document.createElement("button");
  cite.type = "button";
  cite.className = "md-button";
  cite.textContent = "Cite";
  cite.setAttribute("aria-expanded", "false");
  links.append(" ", cite);
  cite.addEventListener("click", () => {
    let box = section.querySelector(".papers-cite");
    if (box) {
      box.hidden = !box.hidden;
      cite.setAttribute("aria-expanded", String(!box.hidden));
      return;
    }
    box = document.createElement("div");
    box.className = "papers-cite";
    const pre = document.createElement("pre");
    pre.textContent = window.papersBibtex(document, location.href.split("#")[0]);
    const copy = document.createElement("button");
    copy.type = "button";
    copy.className = "md-button";
    copy.textContent = "Copy BibTeX";
    copy.addEventListener("click", () => navigator.clipboard.writeText(pre.textContent).then(
      () => { copy.textContent = "Copied"; }, () => { copy.textContent = "Select the text to copy"; }));
    box.append(pre, copy);
    section.append(box);
    cite.setAttribute("aria-expanded", "true");
  });
});

// A listing's papers as one BibTeX file: each paper's page is fetched for its citation tags
// when the reader asks (no listing carries them: 100,000 papers would pay for it).
document.addEventListener("DOMContentLoaded", () => {
  // A month's listing holds a list per day: every list of the page, in order.
  const lists = [...document.querySelectorAll("ul.papers-list")];
  if (!lists.length || document.querySelector(".papers-paper")) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "md-button papers-bibtex";
  button.textContent = "BibTeX of these papers";
  lists[lists.length - 1].after(button);
  button.addEventListener("click", async () => {
    const urls = lists.flatMap((list) => [...list.querySelectorAll(":scope > li > a:first-of-type")].map((a) => a.href));
    const entries = new Array(urls.length);
    let done = 0;
    button.disabled = true;
    const next = async () => {
      while (done < urls.length) {
        const n = done++;
        try {
          const page = new DOMParser().parseFromString(await (await fetch(urls[n])).text(), "text/html");
          entries[n] = window.papersBibtex(page, urls[n]);
        } catch (error) {
          entries[n] = `% ${urls[n]}: not read (${error})`;
        }
        button.textContent = `Reading ${Math.min(done, urls.length)} of ${urls.length}…`;
      }
    };
    await Promise.all([1, 2, 3, 4, 5, 6].map(next));
    const file = new Blob([entries.join("\n\n") + "\n"], { type: "application/x-bibtex" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(file);
    a.download = (document.title.split(" - ")[0] || "papers").replace(/[^\w-]+/g, "-").toLowerCase() + ".bib";
    document.body.append(a);
    a.click();
    a.remove();
    button.disabled = false;
    button.textContent = `BibTeX of these papers (${urls.length} saved)`;
  });
});
