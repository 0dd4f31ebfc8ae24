"""The feature recipe: folding, targets, routing and the numpy scorer that reproduces the scikit-learn pipeline."""

import numpy as np
import pytest

from stance import StanceClassifier
from stance.features import normalise_target, route
from conftest import SEEDS, TINY


def _seed_sentences() -> list[str]:
    from stance.text import split_sentences

    return [s.text for seed in SEEDS for s in split_sentences(seed.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("params", [
    {},  # the default: word (1, 2) + char_wb (2, 5), sublinear tf
    {"features": "word", "word_ngrams": (1, 3), "sublinear_tf": False, "min_df": 2},
    {"features": "char", "char_ngrams": (3, 6), "C": 0.3},
    {"features": "word", "min_df": 2, "cues": True},  # stance-cue terms beside the words
    {"features": "word", "min_df": 2, "cues": True, "negation": True},  # the searched start: negated cues marked
], ids=["word+char", "word", "char", "word+cues", "word+cues+negation"])
def test_compact_path_equals_the_pipeline_on_every_seed_sentence(params, registry, tmp_path):
    from stance.corpus import load_project

    labelled = load_project(SEEDS[0].parent.parent, tmp_path / "no-datasets").sentences
    clf = StanceClassifier(**params).fit(list(labelled["text"]), list(labelled["label"]))
    texts = _seed_sentences() + ["", "   ", "?!", "Ünïcödé — “quotes” and\u00a0spaces", "x" * 3000]
    reference = clf.pipeline_.predict_proba(texts)
    assert np.abs(clf.compact_.predict_proba(texts) - reference).max() < 1e-9
    clf.save(tmp_path / "m")
    loaded = StanceClassifier.load(tmp_path / "m")
    assert np.abs(loaded.predict_proba(texts) - reference).max() < 1e-9
    assert np.abs(loaded.pipeline_.predict_proba(texts) - reference).max() < 1e-9


def test_compact_path_equals_the_pipelines_of_a_model_per_target_value(tmp_path):
    from stance.corpus import load_project

    labelled = load_project(SEEDS[0].parent.parent, tmp_path / "no-datasets").sentences
    # the article as the target: one model per article with two classes or more, a fallback for the rest
    clf = StanceClassifier(per_target=True).fit(list(labelled["text"]), list(labelled["label"]),
                                                targets=list(labelled["group"]))
    assert clf.targets_ and set(clf.targets_) <= set(labelled["group"])
    sentences = _seed_sentences()
    probe = [t for _ in [*clf.targets_, "an unseen target", None] for t in sentences[:30]]
    targets = [g for g in [*clf.targets_, "an unseen target", None] for _ in sentences[:30]]
    reference = clf.pipeline_.predict_proba(probe, targets)
    assert np.abs(clf.compact_.predict_proba(probe, targets) - reference).max() < 1e-9
    clf.save(tmp_path / "m")
    loaded = StanceClassifier.load(tmp_path / "m")
    assert loaded.params == clf.params and loaded.targets_ == clf.targets_
    assert np.abs(loaded.predict_proba(probe, targets) - reference).max() < 1e-9
    assert np.abs(loaded.pipeline_.predict_proba(probe, targets) - reference).max() < 1e-9


def test_numpy_scorer_equals_the_pipeline_of_a_target_aware_model(tmp_path):
    from stance.corpus import load_project
    from stance.features import documents

    labelled = load_project(SEEDS[0].parent.parent, tmp_path / "no-datasets").sentences
    targets = [g if i % 3 else None for i, g in enumerate(labelled["group"])]
    clf = StanceClassifier().fit(list(labelled["text"]), list(labelled["label"]), targets=targets)
    probe = _seed_sentences()[:60]
    probe_targets = [list(labelled["group"])[i % 5] if i % 4 else None for i in range(len(probe))]
    reference = clf.pipeline_.predict_proba(documents(probe, probe_targets))
    assert np.abs(clf.predict_proba(probe, probe_targets) - reference).max() < 1e-9


def test_numpy_scorer_equals_the_pipeline_with_text_against_target_features(tmp_path):
    """Targets that are texts (a claim, here the sentence before): the TargetOverlap block's values reach the
    classifier as they are, in the pipeline and in the numpy scorer, before and after a save."""
    from stance.corpus import load_project
    from stance.features import TargetOverlap, documents

    labelled = load_project(SEEDS[0].parent.parent, tmp_path / "no-datasets").sentences
    texts = list(labelled["text"])
    claims = [None] + texts[:-1]
    clf = StanceClassifier(features="word", min_df=2, cues=True, negation=True).fit(texts, list(labelled["label"]),
                                                                                     targets=claims)
    overlap = [p for p in clf.compact_.fallback.parts if p["analyzer"] == "overlap"]
    assert len(overlap) == 1 and isinstance(overlap[0]["overlap"], TargetOverlap)
    probe = _seed_sentences()[:60] + ["Is Russia reportedly not sending troops?", "A hoax, officials said."]
    probe_targets = [probe[i - 1] if i % 3 else None for i in range(len(probe) - 2)] + ["Russia is sending troops"] * 2
    rows = [overlap[0]["overlap"].values(t, c) for t, c in zip(probe, probe_targets)]
    assert rows[-2][:5] == [1.0, 1.0, 1.0, 1.0, 1.0] and rows[-1][2] == 1.0  # "not" refutes, as in F&V's list
    assert sum(r[4] > 0 for r in rows[:-2]) >= 10  # the sentence before shares content words often enough
    reference = clf.pipeline_.predict_proba(documents(probe, probe_targets))
    assert np.abs(clf.predict_proba(probe, probe_targets) - reference).max() < 1e-9
    clf.save(tmp_path / "m")
    loaded = StanceClassifier.load(tmp_path / "m")
    assert np.abs(loaded.predict_proba(probe, probe_targets) - reference).max() < 1e-9
    names = list(loaded.compact_.fallback.feature_names())
    assert "[target: its words in text]" in names
    # a model fitted without targets has no such block
    plain = StanceClassifier(features="word", min_df=2).fit(texts, list(labelled["label"]))
    assert not [p for p in plain.compact_.fallback.parts if p["analyzer"] == "overlap"]


def test_compact_path_equals_the_pipeline_for_two_classes():
    texts, labels = zip(*[(t, "none" if lab == "none" else "stance") for t, lab in TINY])
    clf = StanceClassifier().fit(list(texts), list(labels))
    probe = _seed_sentences()[:40]
    assert np.abs(clf.compact_.predict_proba(probe) - clf.pipeline_.predict_proba(probe)).max() < 1e-9




def test_missing_targets_mean_no_target_everywhere():
    assert [normalise_target(v) for v in (None, float("nan"), "", "  ", "nan", "NaN")] == [None] * 6
    texts, labels = map(list, zip(*TINY))
    clf = StanceClassifier().fit(texts, labels, targets=["Iran"] * len(texts))
    plain = clf.predict_proba(texts)
    for missing in (None, float("nan"), "", "nan"):
        assert np.array_equal(clf.predict_proba(texts, [missing] * len(texts)), plain)


def test_routing_sends_unknown_and_missing_targets_to_the_fallback():
    assert route(["a", "b", None, "a"], {"a"}) == {"a": [0, 3], None: [1, 2]}


def test_the_feature_module_imports_nothing_of_ours_so_no_circle():
    import ast

    import stance.features

    tree = ast.parse(open(stance.features.__file__, encoding="utf-8").read())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | \
        {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not [m for m in imported if m and m.split(".")[0] == "stance"]


def test_masked_model_scorer_equals_the_pipeline_and_names_do_not_matter(registry, tmp_path):
    from stance.corpus import load_project

    labelled = load_project(SEEDS[0].parent.parent, tmp_path / "no-datasets").sentences
    clf = StanceClassifier(features="word+char", mask_actors=True)
    clf.registry = registry
    clf.fit(list(labelled["text"]), list(labelled["label"]))
    texts = _seed_sentences() + ["", "Japan condemned North Korea's missile test.", "Kenyan President William Ruto "
                                 "condemned the sanctions.", "x" * 3000]
    reference = clf.pipeline_.predict_proba(texts)
    assert np.abs(clf.compact_.predict_proba(texts) - reference).max() < 1e-9
    clf.save(tmp_path / "m")
    assert np.abs(StanceClassifier.load(tmp_path / "m").predict_proba(texts) - reference).max() < 1e-9
    a, b = clf.predict_proba(["Japan condemned Iran's missile test.", "Kenya condemned Brazil's missile test."])
    assert np.abs(a - b).max() < 1e-12  # registered names are one token, whoever they are


def test_cue_terms_are_negation_aware_within_a_clause_and_read_from_cues_csv():
    from stance.features import Cues, cue_lists

    cues = Cues.default()
    assert set(cue_lists()) >= {"condemn", "support", "hedge", "negation"}
    assert cues.terms("actor condemned the strikes.") == ["cue: condemn"]
    assert cues.terms("actor refused to condemn actor.") == ["cue: not condemn"]
    assert cues.terms("actor did not welcome the plan.") == ["cue: not support"]
    assert cues.terms("actor stopped short of condemning actor.") == ["cue: hedge", "cue: not condemn"]
    # a negation in another clause does not reach the cue
    assert cues.terms("actor did not attend, but condemned the strikes.") == ["cue: condemn"]


def test_negation_marks_the_negated_cue_words_only():
    from stance.features import Cues

    cues = Cues.default()
    # the negated cue reads not_condemn; the words around it read as they do everywhere else
    assert cues.mark("ACTOR did not condemn ACTOR_s missile test.") == "ACTOR did not not_condemn ACTOR_s missile test."
    assert cues.mark("ACTOR stopped short of condemning ACTOR.") == "ACTOR stopped short of not_condemning ACTOR."
    assert cues.mark("ACTOR did not attend, but condemned the strikes.") == \
        "ACTOR did not attend, but condemned the strikes."
    assert cues.mark("ACTOR would not commit to it.") == "ACTOR would not commit to it."  # a hedge cue holds its "not"


def test_temperature_scaling_is_saved_and_applied_by_the_scorer(tmp_path):
    from stance.features import scale

    texts, labels = map(list, zip(*TINY))
    clf = StanceClassifier().fit(texts, labels)
    raw = clf.pipeline_.predict_proba(texts)
    clf.compact_.temperature = 2.0
    assert np.abs(clf.predict_proba(texts) - scale(raw, 2.0)).max() < 1e-9
    assert clf.predict_proba(texts).max() < raw.max()  # softer
    clf.save(tmp_path / "m")
    assert np.abs(StanceClassifier.load(tmp_path / "m").predict_proba(texts) - scale(raw, 2.0)).max() < 1e-9


def _reference_spans(masker, text: str) -> list[tuple[int, int]]:
    """The masker's spans as first written: every word looked up, each alias of its first word tried longest first,
    the start-of-text test by stripping the text before a run."""
    import re

    word = re.compile(r"(?<![\w.])\w+")
    capitalised = re.compile(r"[A-Z][\w'’-]*")
    from stance.features import _RUN, title_case

    index: dict = {}
    for alias in masker.aliases:
        index.setdefault(re.match(r"\w+", alias).group(0), []).append(alias)
    out, end, size = [], 0, len(text)
    for m in word.finditer(text):
        start = m.start()
        if start < end:
            continue
        for alias in sorted(index.get(m.group(0), ()), key=len, reverse=True):
            stop = start + len(alias)
            if text.startswith(alias, start) and not (stop < size and (text[stop].isalnum() or text[stop] == "_")):
                out.append((start, stop))
                end = stop
                break
    if masker.rules >= 2 and title_case(text):  # a headline: its capitals are no sign of a name
        return out
    keep, names, last = set(masker.keep), [], 0
    for a, b in [*out, (size, size)]:
        for run in _RUN.finditer(text, last, a):
            words = [(w.start(), w.end()) for w in capitalised.finditer(text, run.start(), run.end())]
            while words and (text[words[0][0]:words[0][1]].lower().rstrip("'’s") in keep
                             or text[words[0][0]:words[0][1]].lower() in keep):
                words.pop(0)
            while words and text[words[-1][0]:words[-1][1]].lower() in keep:
                words.pop()
            if words and (text[:words[0][0]].strip(" \t\"'“‘([") or len(words) >= 2):
                names.append((words[0][0], words[-1][1]))
        last = b
    return sorted(out + names)


def test_the_masker_finds_the_spans_of_its_reference_implementation(registry):
    """The fast alias scan (only words that can start an alias; one set lookup per alias length) finds exactly what
    looking every word up and trying every alias does, with the project's registry and function words."""
    from stance.model import masker_for

    masker = masker_for(registry)
    texts = _seed_sentences() + [
        "The Kremlin, the Kremlin’s U.S.-Iran talks; @GregAbbott_TX said Putin. President Putin!",
        "U.S.A. Putin's Putinism, Russia-Iran, xRussia, Russia_, Russia2 Moscow.Tehran",
        "“Kenyan President William Ruto and Ghana's President Jane Doe met the Foreign Ministry of Iran,” he said.",
        "Éire and Österreich spoke; the government of Afghanistan, former President Trump and al Qaeda did not.",
        "Secretary of State Antony Blinken\tand Prime Minister Narendra Modi held talks in New Delhi.", "", "A", "(U.N.",
    ]
    assert len(texts) > 100
    for text in texts:
        assert masker.spans(text) == _reference_spans(masker, text), text


def test_a_headline_keeps_its_words_and_a_possessive_before_a_name_is_one_mention(registry, tmp_path):
    from stance.features import CompactModel
    from stance.model import masker_for

    masker = masker_for(registry)
    assert masker("Moscow and Tehran Present United Front") == "ACTOR Present United Front"
    assert masker("China Urges Restraint As Tensions Rise In Taiwan Strait") == \
        "ACTOR Urges Restraint As Tensions Rise In ACTOR Strait"
    # a sentence (full stop at its end) is read as one: an unregistered capitalised name is still masked
    assert masker("Putin met Zorbulak Tenvashi in the Kremlin on Monday.") == "ACTOR met ACTOR in ACTOR on Monday."
    # a model saved before the switch masks every text as it was trained to: capitals are names
    clf = StanceClassifier(mask_actors=True)
    clf.registry = registry
    texts, labels = zip(*TINY)
    clf.fit(list(texts), list(labels))
    layout, arrays = clf.compact_.fallback.arrays("x.")
    assert layout["mask"]["rules"] == 3
    assert clf.compact_.fallback.masker.fold("Kenya's President William Ruto spoke.") == "ACTOR spoke."
    del layout["mask"]["rules"]
    old = CompactModel.from_arrays(layout, arrays, "x.")
    assert old.masker.rules == 1 and old.masker.fold("Moscow and Tehran Present United Front") == "ACTOR"
    assert old.masker.fold("Kenya's President William Ruto spoke.") == "ACTOR_s ACTOR spoke."


def test_a_mention_naming_the_noun_after_it_reads_as_a_possessive(registry):
    """Masking rules 3: "welcomed the AU decision" is "welcomed the AU's decision", not "welcomed ACTOR" (in White House
    readouts, "welcomed President X to the White House": a visit, none); a verb, adverb or word of time after the
    mention leaves it a subject. A masker of rules 2 (a model saved before) reads as it was trained to."""
    from stance.features import Masker
    from stance.model import masker_for

    masker = masker_for(registry)
    assert masker.fold("Ruto welcomed the African Union decision.") == "ACTOR welcomed ACTOR_s decision."
    assert masker.fold("Egypt welcomed the UN resolution.") == masker.fold("Egypt welcomed the UN's resolution.")
    for text in ["The African Union said on Monday it would.", "the EU urges restraint.", "the EU strongly condemned it.",
                 "the UN last week voted.", "The United States imposed sanctions.", "Russia met the EU envoys."]:
        assert "ACTOR_s" not in masker.fold(text), text
    old = Masker(masker.aliases, masker.keep, rules=2)
    assert old.fold("Ruto welcomed the African Union decision.") == "ACTOR welcomed ACTOR decision."


def test_the_before_a_mention_is_what_the_regex_it_replaces_finds():
    """The masker drops a "the" just before a mention by reading the text's end, not by a regex search over it."""
    import re

    from hypothesis import given, strategies as st

    from stance.features import _the_before

    regex = re.compile(r"(?:(?<=\s)|^)[Tt]he[ \t]+$")

    @given(st.text(alphabet="theTHx \t\n\u00a0.", max_size=12))
    def same(before):
        m = regex.search(before)
        assert _the_before(before) == (m.start() if m else -1)

    same()
    assert _the_before("condemned the ") == 10 and _the_before("bathe ") == -1 and _the_before("The\t\n") == 0


def test_target_overlap_reads_the_published_refuting_and_hedging_words():
    """stance/target_words.csv holds Ferreira & Vlachos's (2016) refuting words ("not", "refute") and hedging words
    ("largely", "mainly", "mostly", "somewhat") beside the project's own (issue 13)."""
    from stance.features import TargetOverlap

    o = TargetOverlap.default()
    for text in ("Banksy was not arrested", "Scientists refute the Banksy arrest story"):
        assert o.values(text, "Banksy was arrested")[2] == 1.0, text  # refuting word
    for word in ("largely", "mainly", "mostly", "somewhat"):
        assert o.values(f"Banksy arrest {word} confirmed", "Banksy was arrested")[1] == 1.0, word  # hedge word
    assert o.values("Banksy arrested in London", "Banksy was arrested")[1:3] == [0.0, 0.0]
