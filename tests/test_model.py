import json

import numpy as np
import pytest

from stance import Prediction, StanceClassifier
from stance.errors import ModelError
from conftest import SEEDS, TINY


def test_save_load_round_trip_gives_identical_probabilities(tiny_model):
    texts = [s for s, _ in TINY] + [SEEDS[0].read_text(encoding="utf-8")[:400]]
    first = StanceClassifier.load(tiny_model)
    again = StanceClassifier.load(tiny_model)
    assert np.array_equal(first.predict_proba(texts), again.predict_proba(texts))
    assert list(first.classes_) == json.loads((tiny_model / "metadata.json").read_text())["labels"]


def test_predict_returns_frozen_results_in_input_order(tiny_model):
    clf = StanceClassifier.load(tiny_model)
    out = clf.predict(["Russia condemned the strikes on Iran.", "Russia stands firmly with Iran.", "Oil prices rose."])
    assert [p.label for p in out] == ["condemn", "support", "none"]
    assert isinstance(out[0], Prediction) and abs(sum(out[0].scores.values()) - 1) < 1e-9
    with pytest.raises(AttributeError):
        out[0].label = "x"
    with pytest.raises(TypeError):
        clf.predict("a bare string")
    assert clf.predict([]) == []


def test_fit_follows_scikit_learn_conventions():
    clf = StanceClassifier(C=5)
    assert not hasattr(clf, "classes_") and clf.get_params()["C"] == 5
    texts, labels = zip(*TINY)
    assert clf.fit(list(texts), list(labels)) is clf
    assert list(clf.classes_) == sorted(set(labels))


def test_analyze_gives_offsets_stance_holder_and_target(tiny_model):
    clf = StanceClassifier.load(tiny_model)
    doc = "Oil prices rose on Monday.\nRussia condemned the strikes on Iran."
    out = clf.analyze(doc)
    assert [doc[s.start:s.end] for s in out] == ["Oil prices rose on Monday.", "Russia condemned the strikes on Iran."]
    assert (out[1].label, out[1].holder, out[1].holder_code, out[1].target, out[1].target_code) == \
        ("condemn", "Russia", "RUS", "Iran", "IRN")


def test_tampered_or_missing_files_are_refused(tiny_model, tmp_path):
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(tiny_model, bad)
    with open(bad / "pipeline.joblib", "r+b") as f:
        f.truncate(100)
    with pytest.raises(ModelError, match="pipeline.joblib: sha256 does not match"):
        StanceClassifier.load(bad)
    (bad / "pipeline.joblib").unlink()
    with pytest.raises(ModelError, match="pipeline.joblib: missing"):
        StanceClassifier.load(bad)
    with pytest.raises(ModelError, match="make train"):
        StanceClassifier.load(tmp_path / "nothing")


def test_other_scikit_learn_version_is_reported(tiny_model, tmp_path):
    import shutil

    other = tmp_path / "other"
    shutil.copytree(tiny_model, other)
    meta = json.loads((other / "metadata.json").read_text())
    meta["versions"] = {"scikit-learn": "0.99.0"}
    (other / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="built with scikit-learn 0.99.0"):
        StanceClassifier.load(other)


def test_saving_over_a_model_replaces_it_whole(tiny_model, tmp_path):
    import shutil

    target = tmp_path / "m"
    shutil.copytree(tiny_model, target)
    clf = StanceClassifier.load(target)
    clf.save(target, {"name": "second"})
    assert json.loads((target / "metadata.json").read_text())["name"] == "second"
    assert StanceClassifier.load(target).predict(["Russia condemned it."])[0].label
    assert not list(tmp_path.glob(".m.*"))  # no temporary folders left behind


def _seed_sentences() -> list[str]:
    from stance.text import split_sentences

    return [s.text for seed in SEEDS for s in split_sentences(seed.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("params", [
    {},  # the default: word (1, 2) + char_wb (2, 5), sublinear tf
    {"features": "word", "word_ngrams": (1, 3), "sublinear_tf": False, "min_df": 2},
    {"features": "char", "char_ngrams": (3, 6), "C": 0.3},
], ids=["word+char", "word", "char"])
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
    from stance.model import add_target

    labelled = load_project(SEEDS[0].parent.parent, tmp_path / "no-datasets").sentences
    # the article as the target: one model per article with two classes or more, a fallback for the rest
    texts = [add_target(t, g) for t, g in zip(labelled["text"], labelled["group"])]
    clf = StanceClassifier(per_target=True).fit(texts, list(labelled["label"]))
    assert clf.targets_ and set(clf.targets_) <= set(labelled["group"])
    sentences = _seed_sentences()
    probe = [add_target(t, g) for g in [*clf.targets_, "an unseen target"] for t in sentences[:30]] + sentences[:30]
    reference = clf.pipeline_.predict_proba(probe)
    assert np.abs(clf.compact_.predict_proba(probe) - reference).max() < 1e-9
    clf.save(tmp_path / "m")
    loaded = StanceClassifier.load(tmp_path / "m")
    assert loaded.params == clf.params and loaded.targets_ == clf.targets_
    assert np.abs(loaded.predict_proba(probe) - reference).max() < 1e-9
    assert np.abs(loaded.pipeline_.predict_proba(probe) - reference).max() < 1e-9


def test_a_single_model_folder_without_per_target_still_loads(tiny_model, tmp_path):
    import shutil

    old = tmp_path / "old"
    shutil.copytree(tiny_model, old)
    meta = json.loads((old / "metadata.json").read_text())
    meta["params"].pop("per_target")  # as written before per_target existed
    (old / "metadata.json").write_text(json.dumps(meta))
    clf = StanceClassifier.load(old)
    assert clf.per_target is False and clf.targets_ == []
    texts = [s for s, _ in TINY]
    assert np.array_equal(clf.predict_proba(texts), StanceClassifier.load(tiny_model).predict_proba(texts))


def test_compact_path_equals_the_pipeline_for_two_classes():
    texts, labels = zip(*[(t, "none" if lab == "none" else "stance") for t, lab in TINY])
    clf = StanceClassifier().fit(list(texts), list(labels))
    probe = _seed_sentences()[:40]
    assert np.abs(clf.compact_.predict_proba(probe) - clf.pipeline_.predict_proba(probe)).max() < 1e-9


def test_explanations_are_exact_log_odds(tiny_model):
    clf = StanceClassifier.load(tiny_model)
    text = "Russia condemned the strikes on Iran and stands with Tehran."
    d = clf.pipeline_.decision_function([text])[0]
    classes = list(clf.classes_)
    total = sum(w for _, w in clf.contributions(text, "condemn", "support"))
    expected = d[classes.index("condemn")] - d[classes.index("support")]
    intercept = clf.pipeline_.named_steps["classifier"].intercept_
    assert abs(total + intercept[classes.index("condemn")] - intercept[classes.index("support")] - expected) < 1e-9
