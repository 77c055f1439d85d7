"""Draw the search query set (tests/fixtures/search/queries.json) from the real corpus.

    .venv/bin/python -m generator check ../shared/corpus/real --json /tmp/real.json
    .venv/bin/python benchmarks/search_queries.py /tmp/real.json

Each query names the titles it must find (`expect`, empty for a word that is nowhere in the
archive). Kinds: rare title words, model names and their parts, organization names, CJK, TeX
titles, phrases, absent words. Drawn deterministically (sorted, no randomness); the TeX, CJK and
absent queries are written out below. Also writes tests/fixtures/search/papers.txt, a dump of
every expected paper (layout A), so that the set runs where the corpus is absent.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "tests" / "fixtures" / "search"
WORD = re.compile(r"[A-Za-z]+")
COMPOUND = re.compile(r"\b([A-Z][A-Za-z]*\d*(?:\.\d+)?-[A-Za-z0-9.]*\d[A-Za-z0-9.]*)\b")
HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n" \
         "byAK and the research community\n\nNov 11\n\n"
# Written out: TeX titles by their plain forms, CJK, words that are nowhere in the archive.
TEX = [("UFO3", "UFO^3:"), ("UFO^3", "UFO^3:"), ("Transformer2", "$\\text{Transformer}^2$"),
       ("Transformer^2", "$\\text{Transformer}^2$"), ("L2M mutual information", "L$^2$M"),
       ("Trans-LoRA", "$\\textit{Trans-LoRA}$"), ("Only-IF", "$\\textbf{Only-IF}$"), ("nabla2DFT", "$\\nabla^2$DFT"),
       ("Free2Guide", "Free$^2$Guide"), ("VILA2", "$VILA^2$"), ("Video-Ma2mba", "Ma$^2$mba"), ("VLM2-Bench", "VLM$^2$-Bench"),
       ("SL2A-INR", "SL$^{2}$A-INR")]
# Parts of model names, alone: every title holding the part as a word of a compound.
PARTS = ["R1", "4o", "VL", "o1", "Qwen2.5", "V3", "o3"]
CJK = [("台灣大學", "台灣大學"), ("香港科技大学", "香港科技大学"), ("科技大学", "香港科技大学"), ("台灣", "台灣大學")]
ABSENT = ["xyzzyqq", "quantumgravity", "zorblax", "flibbertigibbet", "qwxzv", "snorkelwumpus",
          "reasoning xyzzyqq", "diffusion zorblax", "transformerzzz", "gpt-9q"]


def main() -> None:
    papers = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))["papers"]
    titles = [p["title"] for p in papers]
    text = {p["title"]: f"{p['title']} {p['abstract']}".lower() for p in papers}
    queries: list[dict] = []

    title_count = Counter(w.lower() for t in titles for w in set(WORD.findall(t)))
    text_count = Counter(w for t in text.values() for w in set(WORD.findall(t)))
    rare = sorted(w for w, n in title_count.items() if n == 1 and len(w) >= 8 and text_count[w] <= 3)
    for word in rare[::max(1, len(rare) // 24)][:24]:
        queries.append({"q": word, "kind": "rare title word",
                        "expect": [t for t in titles if word in {w.lower() for w in WORD.findall(t)}]})

    names: dict[str, list[str]] = defaultdict(list)
    for t in titles:
        for name in set(COMPOUND.findall(t)):
            names[name.rstrip(".")].append(t)
    picked = sorted((n for n, ts in names.items() if 1 <= len(ts) <= 8), key=lambda n: (-len(names[n]), n))[:14]
    for name in picked:
        queries.append({"q": name, "kind": "model name", "expect": sorted(names[name])})
        part = name.split("-")[-1]
        holders = sorted(t for t in titles if re.search(rf"(?<![A-Za-z0-9]){re.escape(part)}(?![A-Za-z0-9])", t))
        if len(part) >= 2 and holders and not part.isdigit():
            queries.append({"q": f"{name.split('-')[0]} {part}", "kind": "model name part",
                            "expect": sorted(set(names[name]))})

    for part in PARTS:
        queries.append({"q": part, "kind": "model name part", "expect": sorted(
            t for t in titles if re.search(rf"(?<![A-Za-z0-9.]){re.escape(part)}(?![A-Za-z0-9]|\.\d)", t))})

    orgs: dict[str, list[str]] = defaultdict(list)
    for p in papers:
        if p["organization"] and not re.search(r"[\u3000-\u9fff]", p["organization"]):
            orgs[p["organization"]].append(p["title"])
    org_names = sorted((o for o, ts in orgs.items() if 2 <= len(ts) <= 6 and len(o) >= 6 and " " in o))
    for org in org_names[::max(1, len(org_names) // 10)][:10]:
        queries.append({"q": org, "kind": "organization", "expect": sorted(orgs[org])})

    for query, org in CJK:
        queries.append({"q": query, "kind": "CJK", "expect": sorted(p["title"] for p in papers if p["organization"] == org)})
    for query, marker in TEX:
        queries.append({"q": query, "kind": "TeX title", "expect": sorted(t for t in titles if marker in t)})

    phrases = 0
    for t in sorted(titles, key=lambda t: (len(t), t)):
        words = WORD.findall(t)
        if phrases >= 14 or len(words) < 6:
            continue
        phrase = " ".join(words[2:5]).lower()
        holders = [u for u in titles if phrase in " ".join(WORD.findall(u)).lower()]
        if holders == [t] and all(len(w) > 3 for w in words[2:5]) and len(t) % 7 == 0:
            queries.append({"q": phrase, "kind": "phrase", "expect": [t]})
            phrases += 1
    for query in ABSENT:
        assert not any(all(w in t for w in query.split()) for t in text.values()), query
        queries.append({"q": query, "kind": "absent", "expect": []})

    for q in queries:
        assert q["kind"] == "absent" or q["expect"], q
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "queries.json").write_text(json.dumps({"source": "../shared/corpus/real (9,205 papers)",
                                                  "queries": queries}, ensure_ascii=False, indent=1) + "\n",
                                      encoding="utf-8")
    wanted = {t for q in queries for t in q["expect"]}
    by_title = {p["title"]: p for p in papers}
    dump = HEADER + "".join(f"{t}\n\n{by_title[t]['abstract']}\n\n" + (
        f"{org_id(by_title[t]['organization'])} {by_title[t]['organization']}\n·\nOct 7, 2025\n\n"
        if by_title[t]["organization"] else "") for t in sorted(wanted))
    (OUT / "papers.txt").write_text(dump, encoding="utf-8")
    kinds = Counter(q["kind"] for q in queries)
    print(f"{len(queries)} queries ({', '.join(f'{k} {n}' for k, n in kinds.items())}); {len(wanted)} papers")


def org_id(name: str) -> str:
    """An organization id for a layout-A org line: the name's letters, lower case, joined by -."""
    return "-".join(re.findall(r"\w+", name.lower())) or "org"


if __name__ == "__main__":
    main()
