"""Synthetic Daily Papers dumps made from the sample dumps, for benchmarks at any size.

Every paper is distinct: the title and abstract of one sample paper, the title prefixed with a
generated method name and one sentence of the abstract replaced by a sentence of another paper,
a date over five years, upvotes, and either an author count or one of forty organizations. So a
synthetic paper has one paper's topic, as a real one does: its tags (4.4 a paper) and abstract
length (about 1,400 characters) are those of the real corpus (4.3 and 1,395 over 9,877 papers);
mixing three papers' sentences, as this generator once did, gave 6.6 tags a paper. Dumps are
layout A files named after their capture day (so the year rule needs nothing else), with every
tenth file in layout B.
"""

from __future__ import annotations

import random
import re
import sys
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.data.sources import read_dumps  # noqa: E402

SAMPLES = REPO / "content" / "raw"
PER_DUMP = 150
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
SYLLABLES = ["ze", "phy", "ra", "lo", "ka", "mi", "no", "tar", "vex", "qui", "lum", "dra", "sol",
             "ion", "gen", "bel", "cor", "fa", "xi", "ur", "pla", "mo", "ri", "tek"]
ORGS = [
    "google Google", "nvidia NVIDIA", "microsoft Microsoft", "tencent Tencent", "Qwen Qwen",
    "ByteDance-Seed ByteDance Seed", "facebook AI at Meta", "MicrosoftResearch Microsoft Research",
    "StanfordUniversity Stanford University", "Berkeley UC Berkeley", "THU1911 Tsinghua University",
    "PekingUniversity Peking University", "SJTU Shanghai Jiao Tong University", "BAAI Beijing Academy of Artificial Intelligence",
    "alibaba-inc alibaba-inc", "stepfun-ai StepFun", "internlm Intern Large Models", "FudanNLP Fudan NLP Lab",
    "hkunlp NLP Group of The University of Hong Kong", "CUHK-CSE The Chinese University of Hong Kong",
    "ZhejiangUniversity Zhejiang University", "meituan-longcat LongCat", "OPPOer OPPO", "sail Sea AI Lab",
    "TIGER-Lab TIGER-Lab", "allenai Ai2", "mit-han-lab MIT HAN Lab", "cmu-lti CMU LTI", "apple Apple",
    "amazon Amazon", "ibm-research IBM Research", "salesforce Salesforce", "deepseek-ai DeepSeek",
    "mistralai Mistral AI", "HuggingFaceTB Hugging Face Smol Models Research", "kaist-ai KAIST AI",
    "EPFL EPFL", "ETH-Zurich ETH Zurich", "UW University of Washington", "Princeton Princeton University",
]
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def sample_entries() -> list[tuple[str, list[str]]]:
    """(title, abstract sentences) of every distinct sample paper."""
    seen: dict[str, tuple[str, list[str]]] = {}
    for dump in read_dumps([SAMPLES]):
        for r in dump.records:
            if r.abstract:
                seen.setdefault(r.title.casefold(), (r.title, SENTENCE.split(r.abstract)))
    return list(seen.values())


def _name(rng: random.Random, n: int) -> str:
    """A pronounceable method name, unique per n."""
    parts = [SYLLABLES[(n // len(SYLLABLES) ** k) % len(SYLLABLES)] for k in range(4)]
    return (rng.choice(SYLLABLES) + "".join(parts)).capitalize()


class Corpus:
    """Deterministic stream of synthetic papers."""

    def __init__(self, seed: int = 20261122, start: date = date(2021, 1, 1), end: date = date(2025, 12, 31)):
        self.rng = random.Random(seed)
        self.base = sample_entries()
        self.start, self.days = start, (end - start).days
        self.count = 0

    def paper(self, newest: date | None = None) -> tuple[str, str, date, str | None, int]:
        rng, n = self.rng, self.count
        self.count += 1
        title, sentences = self.base[n % len(self.base)]
        title = f"{_name(rng, n)}: {title}"
        sentences = list(sentences)
        other = rng.choice(self.base)[1]
        sentences[rng.randrange(len(sentences))] = rng.choice(other)
        abstract = " ".join(sentences)
        when = newest - timedelta(days=rng.randrange(0, 20)) if newest else \
            self.start + timedelta(days=rng.randrange(self.days))
        org = rng.choice(ORGS) if rng.random() < 0.3 else None
        upvotes = int(rng.paretovariate(1.2)) - 1
        return title, abstract, when, org, upvotes


def write_dump(folder: Path, corpus: Corpus, count: int, index: int, newest: date | None = None,
               layout: str = "A") -> Path:
    """One dump of `count` papers; layout A is named after its capture day."""
    papers = [corpus.paper(newest) for _ in range(count)]
    captured = max(p[2] for p in papers) + timedelta(days=1)
    if layout == "B":
        lines = ["Get trending papers in your email inbox once a day!", "Get trending papers in your email inbox!"]
        for k, (title, abstract, *_rest) in enumerate(papers):
            lines += [("Subscribe" if k == 0 else "") + title, abstract]
        path = folder / f"synth_{index:05d}.txt"
    else:
        lines = ["new", "", "Get trending papers in your email inbox!", "", "Subscribe", "", "Daily Papers", "",
                 "byAK and the research community", "", f"{MONTHS[captured.month - 1]} {captured.day}", ""]
        for title, abstract, when, org, upvotes in papers:
            shown = f"{MONTHS[when.month - 1]} {when.day}"
            if when.year != captured.year:
                shown += f", {when.year}"
            if upvotes > 0:
                shown += f" {upvotes}"
            first = org or f"  • {corpus.rng.randrange(1, 40)} authors"
            lines += [title, "", abstract, "", first, "·", shown, ""]
        path = folder / f"{captured.isoformat()}-synth_{index:05d}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_corpus(folder: Path, papers: int, seed: int = 20261122) -> Corpus:
    """Write `papers` distinct synthetic papers as dumps into `folder`; return the generator."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(seed)
    index = 0
    while corpus.count < papers:
        count = min(PER_DUMP, papers - corpus.count)
        write_dump(folder, corpus, count, index, layout="B" if index % 10 == 9 else "A")
        index += 1
    return corpus
