"""Tag rules: the shipped taxonomy, how phrases match, and how a broken tags.yml is reported."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
import yaml
from judged_sets import corpus_papers, tag_figures
from parse_helpers import require_corpus

from generator.data.model import ConfigError, Paper
from generator.data.pipeline import collect
from generator.data.tags import Tag, Tagger, Taxonomy, _words, apply_tags, load_taxonomy
from generator.site.config import default_settings

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TAGS = ROOT / "content" / "tags.yml"
SAMPLES = ROOT / "content" / "raw"
# Single words that occur in most abstracts: a tag matching one of them alone would mean nothing.
TOO_COMMON = {
    "model", "models", "method", "methods", "approach", "data", "learning", "training", "task", "tasks",
    "performance", "results", "framework", "system", "systems", "network", "networks", "paper", "code",
    "attention", "reasoning", "alignment", "knowledge", "memory", "benchmark", "benchmarks", "dataset",
    "datasets", "evaluation", "efficient", "efficiency", "generation", "language",
}


def coverage(sources: list[Path]) -> tuple[float, int]:
    """Share of the papers read from `sources` that get at least one default tag, and the paper count."""
    archive = collect(default_settings(sources=sources, tags=DEFAULT_TAGS), with_related=False)
    assert archive.papers, f"no papers read from {sources}"
    return sum(1 for p in archive.papers if p.tags) / len(archive.papers), len(archive.papers)


def write_rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tags.yml"
    path.write_text(text, encoding="utf-8")
    return path


def tagger(tmp_path: Path, rules: dict) -> Tagger:
    """A tagger for rules as tags.yml holds them, read through load_taxonomy."""
    return Tagger(load_taxonomy(write_rules(tmp_path, yaml.safe_dump({"tags": rules}, allow_unicode=True))))


# The default taxonomy


def test_default_taxonomy_loads_with_a_description_per_tag():
    taxonomy = load_taxonomy(DEFAULT_TAGS)
    assert 20 <= len(taxonomy) <= 40
    assert [t.name for t in taxonomy] == sorted((t.name for t in taxonomy), key=str.casefold)
    for tag in taxonomy:
        assert tag.description, f"{tag.name} has no description"
        assert tag.match, f"{tag.name} has no match phrases"


def phrase_groups(rule) -> list[tuple[float, list]]:
    """A rule's `match` or `title` as (points, phrases) groups, as tags.yml writes them."""
    if rule is None:
        return []
    if isinstance(rule, dict):
        return [(points, group if isinstance(group, list) else [group]) for points, group in rule.items()]
    return [(1, rule if isinstance(rule, list) else [rule])]


def test_default_phrases_are_text_and_no_too_common_word_tags_alone():
    raw = yaml.safe_load(DEFAULT_TAGS.read_text(encoding="utf-8"))["tags"]
    for name, rule in raw.items():
        groups = phrase_groups(rule["match"]) + phrase_groups(rule.get("title"))
        for phrase in [p for _, group in groups for p in group] + (rule.get("ignore") or []) + (rule.get("exclude") or []):
            assert isinstance(phrase, str), f"{name}: {phrase!r} is read as {type(phrase).__name__}; quote it"
    # In the abstract, a too common word may add to a tag's points but never reach its threshold alone.
    for tag in load_taxonomy(DEFAULT_TAGS):
        points = tag.points or (1.0,) * len(tag.match)
        common = [p[0] for p, n in zip(tag.match, points, strict=True)
                  if len(p) == 1 and p[0] in TOO_COMMON and n >= tag.threshold]
        assert not common, f"{tag.name} is given by the too common {common} on its own"


def test_at_least_95_percent_of_the_sample_papers_get_a_tag():
    share, papers = coverage([SAMPLES])
    assert papers >= 390
    assert share >= 0.95, f"only {share:.1%} of {papers} sample papers are tagged"


def test_every_default_tag_tags_some_sample_paper():
    archive = collect(default_settings(sources=[SAMPLES], tags=DEFAULT_TAGS), with_related=False)
    used = {t for p in archive.papers for t in p.tags}
    unused = [t.name for t in archive.taxonomy if t.name not in used]
    assert not unused, f"tags no sample paper gets: {unused}"


def test_at_least_90_percent_of_the_real_corpus_gets_a_tag():
    folder = require_corpus()
    # The folder also holds a README and the expected parse; the dumps are the .txt files.
    share, papers = coverage(sorted(folder.glob("*.txt")))
    assert share >= 0.90, f"only {share:.1%} of {papers} real papers are tagged"


# How phrases match


def test_phrases_match_whole_words_only(tmp_path):
    t = tagger(tmp_path, {"LLM": ["LLM"], "RAG": ["RAG"]})
    assert t.tags_for("An LLM answers.") == ("LLM",)
    assert t.tags_for("Several LLMs answer.") == ()
    assert t.tags_for("drag and drop; fragment") == ()
    assert t.tags_for("RAG-based search") == ("RAG",)
    assert tagger(tmp_path, {"LLM": ["LLM", "LLMs"]}).tags_for("Several LLMs answer.") == ("LLM",)


def test_matching_ignores_case(tmp_path):
    t = tagger(tmp_path, {"RAG": ["rag"], "Vision": ["Computer Vision"]})
    for text in ("RAG", "Rag", "rag", "rAg pipelines"):
        assert t.tags_for(text) == ("RAG",)
    assert t.tags_for("COMPUTER VISION") == ("Vision",)


def test_multi_word_phrases_match_across_any_whitespace_and_punctuation(tmp_path):
    t = tagger(tmp_path, {"CoT": ["chain of thought"], "T2I": ["text-to-image"]})
    spellings = ("Chain-of-Thought", "a chain\nof   thought", "(chain) of-thought", "chain, of thought")
    for text in spellings:
        assert t.tags_for(text) == ("CoT",), text
    assert t.tags_for("chain of thoughts") == ()
    assert t.tags_for("chain of the thought") == ()
    assert t.tags_for("text to image and text-to-image") == ("T2I",)


def test_exclusions_veto_the_tag(tmp_path):
    t = tagger(tmp_path, {"Speech": {"match": ["speech"], "exclude": ["part of speech"]}})
    assert t.tags_for("speech recognition") == ("Speech",)
    assert t.tags_for("part-of-speech tags") == ()
    assert t.tags_for("speech recognition and part of speech tags") == ()


def test_a_paper_gets_every_matching_tag_in_name_order(tmp_path):
    t = tagger(tmp_path, {"Zebra": ["stripes"], "Apple": ["fruit"], "Mango": ["tropical"]})
    assert t.tags_for("a tropical fruit with stripes") == ("Apple", "Mango", "Zebra")
    assert t.tags_for("nothing here") == ()


def test_apply_tags_reads_title_and_abstract():
    paper = Paper(
        id="p", title="Retrieval for LLMs", abstract="We study RAG.", date=None, upvotes=None, comments=None, arxiv_id=None, authors=None,
        organization=None, org_id=None, links=(), sources=(),
    )
    taxonomy = (Tag("Retrieval", (("rag",),)), Tag("Language Models", (("llms",),)))
    (tagged,) = apply_tags([paper], taxonomy)
    assert tagged.tags == ("Retrieval", "Language Models")
    assert tagged.title == paper.title and tagged.abstract == paper.abstract


def test_points_and_a_threshold(tmp_path):
    t = tagger(tmp_path, {"Video": {"match": {3: ["video generation"], 1: ["video", "videos"]}, "threshold": 3}})
    assert t.tags_for("", "We study video generation.") == ("Video",)  # 3 points: enough on its own
    assert t.tags_for("", "A video and two videos.") == ()  # 2 points
    assert t.tags_for("", "A video, two videos, a third video.") == ("Video",)  # 3 points
    assert t.scores("", "video generation of videos")[0] == {0: 4.0}  # `video` inside `video generation` counts once


def test_the_title_counts_title_weight_times(tmp_path):
    rules = {"Video": {"match": ["video"], "threshold": 3}}
    assert tagger(tmp_path, rules).tags_for("A video model", "") == ("Video",)
    assert tagger(tmp_path, rules).tags_for("", "A video model") == ()
    lighter = Tagger(load_taxonomy(write_rules(tmp_path, yaml.safe_dump({"title_weight": 2, "tags": rules}))))
    assert lighter.tags_for("A video model", "") == ()


def test_title_only_phrases(tmp_path):
    t = tagger(tmp_path, {"Benchmarks": {"match": {3: ["a new benchmark"]}, "title": {3: ["bench", "benchmark"]},
                                         "threshold": 3}})
    assert t.tags_for("MathBench: a benchmark of proofs", "") == ("Benchmarks",)
    assert t.tags_for("Proofs", "We evaluate on a benchmark.") == ()  # a title-only phrase in the abstract
    assert t.tags_for("Proofs", "We build a new benchmark.") == ("Benchmarks",)


def test_a_phrase_does_not_count_inside_a_longer_one(tmp_path):
    rules = {"Language Models": {"match": ["language model", "language models", "LLM"],
                                 "ignore": ["vision-language model", "vision-language models"], "threshold": 2},
             "Multimodal": {"match": ["vision-language model", "vision-language models"]}}
    t = tagger(tmp_path, rules)
    assert t.tags_for("", "Vision-language models and a vision-language model.") == ("Multimodal",)
    assert t.tags_for("", "A language model and an LLM.") == ("Language Models",)
    # Around the longer phrase the shorter one counts again.
    assert t.tags_for("", "A vision-language model built on a language model, an LLM.") == ("Language Models", "Multimodal")
    assert t.scores("", "vision language model language model")[0] == {0: 1.0, 1: 1.0}


def test_at_most_max_tags_the_strongest(tmp_path):
    rules = {name: {"match": [name.lower()], "threshold": threshold}
             for name, threshold in (("Alpha", 1), ("Beta", 2), ("Gamma", 1), ("Delta", 4))}
    text = "alpha alpha beta beta beta gamma delta delta delta delta"
    # Strength is points over threshold: Alpha 2, Beta 1.5, Gamma 1, Delta 1.
    # 3 by default; Gamma and Delta are as strong, Delta has more points.
    assert tagger(tmp_path, rules).tags_for("", text) == ("Alpha", "Beta", "Delta")
    few = {"max_tags": 2, "min_share": 0, "tags": rules}
    assert Tagger(load_taxonomy(write_rules(tmp_path, yaml.safe_dump(few)))).tags_for("", text) == ("Alpha", "Beta")
    many = {"max_tags": 10, "min_share": 0, "tags": rules}
    assert Tagger(load_taxonomy(write_rules(tmp_path, yaml.safe_dump(many)))).tags_for("", text) == (
        "Alpha", "Beta", "Delta", "Gamma")


def test_a_tag_far_weaker_than_the_strongest_is_left_out(tmp_path):
    rules = {"Main": ["main"], "Aside": ["aside"]}
    text = "main " * 10 + "aside"
    share = Tagger(load_taxonomy(write_rules(tmp_path, yaml.safe_dump({"min_share": 0.2, "tags": rules}))))
    assert share.tags_for("", text) == ("Main",)  # 1 is less than 0.2 of 10
    assert share.tags_for("", "main " * 5 + "aside") == ("Aside", "Main")
    assert tagger(tmp_path, rules).tags_for("", text) == ("Aside", "Main")  # off by default


def test_a_repeated_phrase_counts_less_with_repeat_power(tmp_path):
    rules = {"Video": {"match": {1: ["video", "videos"], 2: ["video generation"]}, "threshold": 3}}
    rooted = Tagger(load_taxonomy(write_rules(tmp_path, yaml.safe_dump({"repeat_power": 0.5, "tags": rules}))))
    # Four times one word counts as 4 ** 0.5 = 2 occurrences, not 4: below the threshold.
    assert rooted.scores("", "video video video video")[0] == {0: 2.0}
    assert rooted.tags_for("", "video video video video") == ()
    # Each phrase is rooted on its own, and title and abstract apart: 1 + 1 + 2 points; 3 + 2 ** 0.5.
    assert rooted.scores("", "video, videos and video generation")[0] == {0: 4.0}
    assert rooted.scores("Video", "video video")[0] == pytest.approx({0: 3 + 2**0.5})
    assert tagger(tmp_path, rules).scores("", "video video video video")[0] == {0: 4.0}  # off by default


def test_an_old_rules_file_still_works(tmp_path):
    # Lists of phrases, no points or thresholds: any phrase gives the tag, as before, up to 3 tags.
    path = write_rules(tmp_path, "tags:\n  Robotics: [robot, robots]\n  Code:\n    match: [code generation]\n"
                                 "    exclude: [video coding]\n")
    t = Tagger(load_taxonomy(path))
    assert t.tags_for("Robots that write code", "Code generation for a robot.") == ("Code", "Robotics")
    assert t.tags_for("", "One robot.") == ("Robotics",)


def test_unicode_names_and_phrases(tmp_path):
    rules = {"Réseaux de neurones ✨": ["réseau neuronal"], "Straße": ["straße"], "言語モデル": ["言語モデル"]}
    t = tagger(tmp_path, rules)
    assert t.tags_for("Un RÉSEAU  NEURONAL profond") == ("Réseaux de neurones ✨",)
    assert t.tags_for("STRASSE") == ("Straße",)  # case folding: ß is ss
    assert t.tags_for("言語モデル の 研究") == ("言語モデル",)
    # Ligatures and full-width letters from PDF extraction read as plain text.
    assert tagger(tmp_path, {"FT": ["fine-tuning"]}).tags_for("ﬁne-tuning with ＬＬＭ") == ("FT",)


# The file format


def test_plain_lists_and_single_phrases(tmp_path):
    path = write_rules(tmp_path, "tags:\n  Robotics: [robot, robots]\n  Code:\n    match: code generation\n")
    taxonomy = load_taxonomy(path)
    assert [(t.name, t.match, t.description) for t in taxonomy] == [
        ("Code", (("code", "generation"),), ""),
        ("Robotics", (("robot",), ("robots",)), ""),
    ]


def test_description_is_one_line(tmp_path):
    path = write_rules(tmp_path, "tags:\n  A:\n    description: |\n      Two\n      lines.\n    match: [a]\n")
    assert load_taxonomy(path)[0].description == "Two lines."


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("tags:\n  A: [a\n", 3, "not valid YAML: expected ',' or ']', but got '<stream end>' "
                               "(while parsing a flow sequence that starts at line 2)"),
        ("tags:\n  A: [a]\n  A: [b]\n", 3, "not valid YAML: duplicate key 'A' (first at line 2)"),
        ("tags: [a, b]\n", 1, "expected a mapping 'tags:'"),
        ("tag:\n  A: [a]\n", 1, "expected a mapping 'tags:'"),
        ("", 1, "expected a mapping 'tags:'"),
        ("tags:\n  A: [a]\nextra: 1\n", 3, "unknown top-level key 'extra'"),
        ("tags:\n  A:\n    description: no phrases\n", 2, "tag 'A': no match phrases"),
        ("tags:\n  A:\n    match: []\n", 2, "tag 'A': no match phrases"),
        ("tags:\n  A:\n", 2, "tag 'A': expected a list of phrases or a mapping"),
        ("tags:\n  A:\n    match: [a]\n    matches: [b]\n", 4, "tag 'A': unknown keys ['matches']"),
        ("tags:\n  A:\n    match: 3\n", 3, "tag 'A': 'match' must be a list of phrases or a mapping of points to phrases, got a number"),
        ("tags:\n  A:\n    match: [a]\n    exclude: {b: c}\n", 4, "tag 'A': 'exclude' must be a list of phrases, got a mapping"),
        ("tags:\n  A:\n    match: [a, [b]]\n", 3, "tag 'A': 'match' phrase ['b'] is not text"),
        ("tags:\n  A:\n    match:\n      - a\n      - yes\n", 5, "tag 'A': 'match' phrase True is not text; put it in quotes"),
        ("tags:\n  A:\n    match: ['+++']\n", 3, "tag 'A': 'match' phrase '+++' has no letters or digits"),
        ("tags:\n  A:\n    match: [a]\n    description: [x]\n", 4, "tag 'A': 'description' must be text, got a list"),
        ("tags:\n  Agents: [a]\n  agents: [b]\n", 3, "tag 'agents': same name as tag 'Agents'"),
        ("tags:\n  '***': [a]\n", 2, "tag '***': a tag name needs letters or digits"),
        ("tags:\n  yes: [a]\n", 2, "tag name True is not text; put it in quotes"),
        # The keys of careful rules.
        ("tags:\n  A:\n    threshold: 0\n    match: [a]\n", 3, "tag 'A': 'threshold' must be a number above 0, got 0"),
        ("tags:\n  A:\n    threshold: two\n    match: [a]\n", 3, "tag 'A': 'threshold' must be a number above 0, got 'two'"),
        ("tags:\n  A:\n    match:\n      2: [a]\n      lots: [b]\n", 5,
         "tag 'A': 'match' points 'lots' are not a number above 0 (write `2: [phrase, phrase]`)"),
        ("tags:\n  A:\n    match: [a]\n    title:\n      -1: [b]\n", 5, "tag 'A': 'title' points -1 are not a number above 0"),
        ("tags:\n  A:\n    match: [a]\n    title:\n      3: {b: c}\n", 5, "tag 'A': 'title' must be a list of phrases or a mapping"),
        ("tags:\n  A:\n    match: [a]\n    ignore:\n      2: [b]\n", 4, "tag 'A': 'ignore' must be a list of phrases, got a mapping"),
        ("tags:\n  A:\n    title: [a]\n    ignore: ['...']\n", 4, "tag 'A': 'ignore' phrase '...' has no letters or digits"),
        ("max_tags: 0\ntags:\n  A: [a]\n", 1, "'max_tags' must be a whole number of 1 or more, got 0"),
        ("tags:\n  A: [a]\nmax_tags: 2.5\n", 3, "'max_tags' must be a whole number of 1 or more, got 2.5"),
        ("title_weight: -1\ntags:\n  A: [a]\n", 1, "'title_weight' must be a number of 0 or more, got -1"),
        ("min_share: 2\ntags:\n  A: [a]\n", 1, "'min_share' must be a number from 0 to 1, got 2"),
        ("repeat_power: 0\ntags:\n  A: [a]\n", 1, "'repeat_power' must be a number above 0 and at most 1, got 0"),
        ("tags:\n  A: [a]\nrepeat_power: 1.5\n", 3, "'repeat_power' must be a number above 0 and at most 1, got 1.5"),
    ],
)
def test_config_errors_name_the_file_the_line_and_the_tag(tmp_path, text, line, expected):
    path = write_rules(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_taxonomy(path)
    assert str(error.value).startswith(f"{path}:{line}: {expected}")
    assert "\n" not in str(error.value)


def test_all_errors_are_reported_together_a_line_each(tmp_path):
    path = write_rules(
        tmp_path,
        "tags:\n"
        "  Good: [fine]\n"
        "  Empty:\n    description: nothing to match\n"
        "  Typo:\n    match: [a]\n    exclud: [b]\n"
        "  Wrong:\n    match: a b\n    threshold: []\n",
    )
    with pytest.raises(ConfigError) as error:
        load_taxonomy(path)
    assert str(error.value).splitlines() == [
        f"{path}:3: tag 'Empty': no match phrases",
        f"{path}:7: tag 'Typo': unknown keys ['exclud'] (expected description, match, title, ignore, exclude, threshold)",
        f"{path}:10: tag 'Wrong': 'threshold' must be a number above 0, got a list",
    ]


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="tag rules not found"):
        load_taxonomy(tmp_path / "nope.yml")


# The one regular expression against the plain rule


def by_the_rule(taxonomy: Taxonomy, title: str, abstract: str = "") -> tuple[str, ...]:
    """Tags by the rules as TAGS.md states them, one phrase and one word position at a time."""
    passed = []
    for index, tag in enumerate(taxonomy):
        score, vetoed = 0.0, False
        for part, text, weight in (("title", title, taxonomy.title_weight), ("abstract", abstract, 1.0)):
            words = _words(text)
            points: dict[tuple[str, ...], float] = {}
            groups = [(tag.match, tag.points)] + ([(tag.title, tag.title_points)] if part == "title" else [])
            for phrases, scores in groups:
                for phrase, n in zip(phrases, scores or (1.0,) * len(phrases), strict=True):
                    points[phrase] = max(points.get(phrase, 0.0), n)
            for phrase in tag.ignore:
                points.setdefault(phrase, 0.0)
            lengths = {len(p) for p in points}
            found = [(i, i + k, points[words[i : i + k]]) for k in lengths
                     for i in range(len(words) - k + 1) if words[i : i + k] in points]
            # A phrase inside a longer phrase of the same tag does not count; n occurrences of one
            # phrase count as n ** repeat_power.
            counted = Counter((words[s:e], n) for s, e, n in found
                              if not any(s2 <= s and e <= e2 and e2 - s2 > e - s for s2, e2, _ in found))
            score += weight * sum(n * times**taxonomy.repeat_power for (_, n), times in counted.items())
            vetoed |= any(words[i : i + len(p)] == p for p in tag.exclude for i in range(len(words) - len(p) + 1))
        if score >= tag.threshold and not vetoed:
            passed.append((score / tag.threshold, score, index))
    if passed:
        strongest = max(strength for strength, _, _ in passed)
        passed = [one for one in passed if one[0] >= taxonomy.min_share * strongest]
    passed = sorted(passed, key=lambda one: (-one[0], -one[1], one[2]))[: taxonomy.max_tags]
    return tuple(taxonomy[i].name for i in sorted(i for _, _, i in passed))


def test_tags_follow_the_rule_on_overlapping_phrases(tmp_path):
    rules = {
        "LM": {"match": {2: ["language model", "language models"], 1: ["large language model", "LM", "LMs"]},
               "ignore": ["vision language model", "vision language models"], "threshold": 2},
        "Large": ["large", "large language"],
        "Chain": {"match": ["chain of thought", "chain", "of thought prompting"], "title": {3: ["thought"]},
                  "threshold": 3},
        "Long": {"match": ["a b c d e", "b c"], "exclude": ["c d e f", "x"]},
        "Model": {"match": {0.5: ["model"]}, "exclude": ["model model"], "threshold": 1.5},
        "Ünï": {"match": ["straße", "naïve bayes", "日本"], "title": ["vision"]},
        "Digits": {"match": ["3d", "4-bit", "gpt 4", "a"], "ignore": ["a b"], "threshold": 2},
        "Vision": {"title": {2: ["vision", "vision language"]}, "match": ["vision language model"], "threshold": 2},
    }
    words = ["large", "language", "model", "models", "lm", "lms", "chain", "of", "thought", "prompting",
             "a", "b", "c", "d", "e", "f", "x", "STRASSE", "naïve", "Bayes", "日本", "3D", "4", "bit", "gpt", "vision"]
    gaps = [" ", "  ", "-", ", ", "\n", "—", "_", "", "’", " (", ") ", "\u00a0", "…"]
    rng = random.Random(7)

    def text(most: int) -> str:
        return "".join(rng.choice(words) + rng.choice(gaps) for _ in range(rng.randrange(0, most)))

    for settings in ({}, {"max_tags": 2, "title_weight": 2, "min_share": 0.5}, {"max_tags": 9, "min_share": 0},
                     {"repeat_power": 0.5, "min_share": 0.2}):
        taxonomy = load_taxonomy(write_rules(tmp_path, yaml.safe_dump({**settings, "tags": rules}, allow_unicode=True)))
        t = Tagger(taxonomy)
        for _ in range(1500):
            title, abstract = text(6), text(14)
            assert t.tags_for(title, abstract) == by_the_rule(taxonomy, title, abstract), (title, abstract)


def test_default_tags_follow_the_rule_on_the_samples():
    taxonomy = load_taxonomy(DEFAULT_TAGS)
    t = Tagger(taxonomy)
    archive = collect(default_settings(sources=[SAMPLES], tags=None), with_related=False)
    for p in archive.papers:
        assert t.tags_for(p.title, p.abstract) == by_the_rule(taxonomy, p.title, p.abstract), p.id


# The shipped rules against papers tagged by reading them (tests/fixtures/tags, each file says how)


@pytest.fixture(scope="module")
def real_papers() -> list[Paper]:
    return corpus_papers(require_corpus())


@pytest.mark.parametrize(("which", "precision", "recall"), [("judged", 0.85, 0.80), ("heldout", 0.78, 0.72)])
def test_the_shipped_rules_tag_as_a_curator_does(real_papers, which, precision, recall):
    # Measured when the rules were set (TAGS.md): judged 0.853 / 0.818 (the targets of issue 23:
    # 0.85 / 0.80), held out 0.803 / 0.744; the rules of issue 23 before them 0.80 / 0.81 and
    # 0.80 / 0.77, the rules before those 0.47 / 0.89 with 4.4 tags a paper where the curator gives 2.3.
    figures = tag_figures(real_papers, load_taxonomy(DEFAULT_TAGS), which)
    errors = "\n".join(f"{title}: + {extra} - {missed}" for title, extra, missed in figures["errors"])
    assert figures["precision"] >= precision, errors
    assert figures["recall"] >= recall, errors
    assert figures["tags a paper"] <= 2.6
