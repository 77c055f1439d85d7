"""Tag rules: the shipped taxonomy, how phrases match, and how a broken tags.yml is reported."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from parse_helpers import require_corpus

from generator.data.model import ConfigError, Paper
from generator.data.pipeline import collect
from generator.data.tags import Tag, Tagger, _words, apply_tags, load_taxonomy
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


def test_default_phrases_are_text_and_none_is_a_too_common_word():
    raw = yaml.safe_load(DEFAULT_TAGS.read_text(encoding="utf-8"))["tags"]
    for name, rule in raw.items():
        for phrase in (*rule["match"], *(rule.get("exclude") or [])):
            assert isinstance(phrase, str), f"{name}: {phrase!r} is read as {type(phrase).__name__}; quote it"
    for tag in load_taxonomy(DEFAULT_TAGS):
        common = [p[0] for p in tag.match if len(p) == 1 and p[0] in TOO_COMMON]
        assert not common, f"{tag.name} matches on its own the too common {common}"


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
    ("text", "expected"),
    [
        ("tags:\n  A: [a\n", "not valid YAML"),
        ("tags:\n  A: [a]\n  A: [b]\n", "duplicate key 'A'"),
        ("tags: [a, b]\n", "expected a mapping 'tags:'"),
        ("tag:\n  A: [a]\n", "expected a mapping 'tags:'"),
        ("", "expected a mapping 'tags:'"),
        ("tags:\n  A: [a]\nextra: 1\n", "unknown top-level keys ['extra']"),
        ("tags:\n  A:\n    description: no phrases\n", "tag 'A': no match phrases"),
        ("tags:\n  A:\n    match: []\n", "tag 'A': no match phrases"),
        ("tags:\n  A:\n", "tag 'A': expected a list of phrases or a mapping"),
        ("tags:\n  A:\n    match: [a]\n    matches: [b]\n", "tag 'A': unknown keys ['matches']"),
        ("tags:\n  A:\n    match: 3\n", "tag 'A': 'match' must be a list of phrases, got int"),
        ("tags:\n  A:\n    match: [a]\n    exclude: {b: c}\n", "tag 'A': 'exclude' must be a list"),
        ("tags:\n  A:\n    match: [a, [b]]\n", "tag 'A': 'match' phrase ['b'] is not text"),
        ("tags:\n  A:\n    match: [a, yes]\n", "tag 'A': 'match' phrase True is not text; put it in quotes"),
        ("tags:\n  A:\n    match: ['+++']\n", "tag 'A': 'match' phrase '+++' has no letters or digits"),
        ("tags:\n  A:\n    match: [a]\n    description: [x]\n", "tag 'A': 'description' must be text"),
        ("tags:\n  Agents: [a]\n  agents: [b]\n", "tag 'agents': same name as tag 'Agents'"),
        ("tags:\n  '***': [a]\n", "tag '***': a tag name needs letters or digits"),
        ("tags:\n  yes: [a]\n", "tag name True is not text; put it in quotes"),
    ],
)
def test_config_errors_name_the_file_and_the_tag(tmp_path, text, expected):
    path = write_rules(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_taxonomy(path)
    assert str(error.value).startswith(f"{path}: ")
    assert expected in str(error.value)


def test_all_errors_are_reported_together(tmp_path):
    path = write_rules(
        tmp_path,
        "tags:\n"
        "  Good: [fine]\n"
        "  Empty:\n    description: nothing to match\n"
        "  Typo:\n    match: [a]\n    exclud: [b]\n"
        "  Wrong:\n    match: {a: b}\n",
    )
    with pytest.raises(ConfigError) as error:
        load_taxonomy(path)
    message = str(error.value)
    assert message.count(str(path)) == 1
    parts = ("tag 'Empty': no match phrases", "tag 'Typo': unknown keys ['exclud']", "tag 'Wrong': 'match'")
    for part in parts:
        assert part in message
    assert "Good" not in message


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="tag rules not found"):
        load_taxonomy(tmp_path / "nope.yml")


# The one regular expression against the plain rule


def by_the_rule(taxonomy: tuple[Tag, ...], text: str) -> tuple[str, ...]:
    """Tags by the rule as stated: a phrase is there when its words follow one another in the text."""
    joined = f" {' '.join(_words(text))} "
    def there(phrases):
        return any(f" {' '.join(p)} " in joined for p in phrases)
    return tuple(t.name for t in taxonomy if there(t.match) and not there(t.exclude))


def test_tags_follow_the_rule_on_overlapping_phrases(tmp_path):
    rules = {
        "LM": ["language model", "language models", "large language model", "LM", "LMs"],
        "Large": ["large", "large language"],
        "Chain": ["chain of thought", "chain", "of thought prompting"],
        "Long": {"match": ["a b c d e", "b c"], "exclude": ["c d e f", "x"]},
        "Model": {"match": ["model"], "exclude": ["model model"]},
        "Ünï": ["straße", "naïve bayes", "日本"],
        "Digits": ["3d", "4-bit", "gpt 4", "a"],
    }
    taxonomy = load_taxonomy(write_rules(tmp_path, yaml.safe_dump({"tags": rules}, allow_unicode=True)))
    t = Tagger(taxonomy)
    words = ["large", "language", "model", "models", "lm", "lms", "chain", "of", "thought", "prompting",
             "a", "b", "c", "d", "e", "f", "x", "STRASSE", "naïve", "Bayes", "日本", "3D", "4", "bit", "gpt"]
    gaps = [" ", "  ", "-", ", ", "\n", "—", "_", "", "’", " (", ") ", "\u00a0", "…"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(words) + rng.choice(gaps) for _ in range(rng.randrange(1, 12)))
        assert t.tags_for(text) == by_the_rule(taxonomy, text), text


def test_default_tags_follow_the_rule_on_the_samples():
    taxonomy = load_taxonomy(DEFAULT_TAGS)
    t = Tagger(taxonomy)
    archive = collect(default_settings(sources=[SAMPLES], tags=None), with_related=False)
    for p in archive.papers:
        text = f"{p.title}\n{p.abstract}"
        assert t.tags_for(text) == by_the_rule(taxonomy, text), p.id
