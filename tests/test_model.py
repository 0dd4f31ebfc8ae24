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
    doc = "Oil prices rose on Monday.\nRussia condemned Iran's strikes."
    out = clf.analyze(doc)
    assert [doc[s.start:s.end] for s in out] == ["Oil prices rose on Monday.", "Russia condemned Iran's strikes."]
    assert (out[1].label, out[1].holder, out[1].holder_code, out[1].target, out[1].target_code) == \
        ("condemn", "Russia", "RUS", "Iran", "IRN")


def test_corrupt_or_missing_files_are_refused(tiny_model, tmp_path):
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(tiny_model, bad)
    with open(bad / "model.npz", "r+b") as f:
        f.truncate(100)
    with pytest.raises(ModelError, match="model.npz: sha256 does not match"):
        StanceClassifier.load(bad)
    (bad / "model.npz").unlink()
    with pytest.raises(ModelError, match="model.npz: missing"):
        StanceClassifier.load(bad)
    with pytest.raises(ModelError, match="make train"):
        StanceClassifier.load(tmp_path / "nothing")


def test_a_truncated_pipeline_is_refused_only_when_asked_for(tiny_model, tmp_path):
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(tiny_model, bad)
    with open(bad / "pipeline.joblib", "r+b") as f:
        f.truncate(100)
    clf = StanceClassifier.load(bad)  # prediction never reads pipeline.joblib
    assert clf.predict(["Russia condemned the strikes on Iran."])[0].label == "condemn"
    with pytest.raises(ModelError, match="pipeline.joblib: sha256 does not match"):
        clf.pipeline_


def test_other_scikit_learn_version_warns_where_the_pipeline_is_unpickled(tiny_model, tmp_path):
    import shutil

    other = tmp_path / "other"
    shutil.copytree(tiny_model, other)
    meta = json.loads((other / "metadata.json").read_text())
    meta["versions"] = {"scikit-learn": "0.99.0"}
    (other / "metadata.json").write_text(json.dumps(meta))
    clf = StanceClassifier.load(other)
    assert clf.predict(["Russia condemned the strikes on Iran."])[0].label == "condemn"
    with pytest.warns(UserWarning, match="scikit-learn 0.99.0"):
        clf.pipeline_


def test_saving_over_a_model_replaces_it_whole(tiny_model, tmp_path):
    import shutil

    target = tmp_path / "m"
    shutil.copytree(tiny_model, target)  # a real folder, as older saves wrote: migrated to a versioned one
    clf = StanceClassifier.load(target)
    clf.save(target, {"name": "second"})
    assert json.loads((target / "metadata.json").read_text())["name"] == "second"
    assert StanceClassifier.load(target).predict(["Russia condemned the strikes on Iran."])[0].label == "condemn"
    clf.save(target, {"name": "third"})
    assert target.is_symlink() and StanceClassifier.load(target).metadata_["name"] == "third"
    # only the live version is left: no migrated folder, older version or temporary link
    assert [p.name for p in tmp_path.glob(".m.*")] == [target.resolve().name]


def test_every_file_but_metadata_is_hashed(tiny_model):
    meta = json.loads((tiny_model / "metadata.json").read_text())
    on_disk = {p.name for p in tiny_model.iterdir()} - {"metadata.json"}
    assert set(meta["files"]) == on_disk >= {"model.npz", "pipeline.joblib", "actors.csv", "README.md"}
    assert "not tampering" in meta["files_note"]


def test_a_single_model_folder_without_per_target_still_loads(tiny_model, tmp_path):
    import shutil

    old = tmp_path / "old"
    shutil.copytree(tiny_model, old)
    meta = json.loads((old / "metadata.json").read_text())
    meta["params"].pop("per_target")  # as written before per_target existed
    (old / "metadata.json").write_text(json.dumps(meta))
    clf = StanceClassifier.load(old)
    assert clf.per_target is False and clf.targets_ == [] and clf.target_column_ is None
    texts = [s for s, _ in TINY]
    assert np.array_equal(clf.predict_proba(texts), StanceClassifier.load(tiny_model).predict_proba(texts))


def test_explanations_are_exact_log_odds(tiny_model):
    clf = StanceClassifier.load(tiny_model)
    text = "Russia condemned the strikes on Iran and stands with Tehran."
    d = clf.pipeline_.decision_function([text])[0]
    classes = list(clf.classes_)
    total = sum(w for _, w in clf.contributions(text, "condemn", "support"))
    expected = d[classes.index("condemn")] - d[classes.index("support")]
    intercept = clf.pipeline_.named_steps["classifier"].intercept_
    assert abs(total + intercept[classes.index("condemn")] - intercept[classes.index("support")] - expected) < 1e-9


def test_parameters_are_keyword_only_validated_and_derived_from_the_signature():
    with pytest.raises(TypeError):
        StanceClassifier("word")
    assert set(StanceClassifier().get_params()) == {"features", "word_ngrams", "char_ngrams", "C", "min_df",
                                                    "sublinear_tf", "mask_actors", "cues", "negation", "per_target", "random_state"}
    texts, labels = map(list, zip(*TINY))
    for bad in ({"features": "words"}, {"features": "char+word+x"}, {"C": 0}, {"C": "3"}, {"min_df": 0},
                {"word_ngrams": (2, 1)}, {"char_ngrams": 3}, {"per_target": "yes"}, {"sublinear_tf": 1}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            StanceClassifier(**bad).fit(texts, labels)
    with pytest.raises(ValueError, match="not a parameter"):
        StanceClassifier().set_params(registry=None)


def test_not_fitted_is_its_own_error_not_a_model_error():
    from stance import NotFittedError

    clf = StanceClassifier()
    for call in (lambda: clf.predict(["x"]), lambda: clf.pipeline_, lambda: clf.save("never")):
        with pytest.raises(NotFittedError) as e:
            call()
        assert isinstance(e.value, ValueError) and isinstance(e.value, AttributeError)
        assert not isinstance(e.value, ModelError)


def test_fit_resets_the_provenance_of_a_loaded_model(tiny_model, tmp_path):
    clf = StanceClassifier.load(tiny_model)
    assert clf.metadata_["name"] == "tiny"
    texts, labels = map(list, zip(*TINY))
    clf.fit(texts, labels)
    assert clf.metadata_ == {}
    clf.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "metadata.json").read_text())
    assert "name" not in meta and "training_files" not in meta


def test_clone_and_grid_search_work():
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV

    texts, labels = map(list, zip(*(TINY * 3)))
    clf = StanceClassifier(C=10, features="word")
    assert clone(clf).get_params() == clf.get_params()
    search = GridSearchCV(StanceClassifier(features="word"), {"C": [0.1, 10.0]}, cv=3).fit(texts, labels)
    assert search.best_params_ in ({"C": 0.1}, {"C": 10.0})
    assert search.best_estimator_.predict(["Russia condemned the strikes on Iran."])[0].label == "condemn"
    assert 0.0 <= search.best_estimator_.score(texts, labels) <= 1.0


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    import stance

    assert stance.__version__ == version("stance")


def _with_metadata(tiny_model, tmp_path, change):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(tiny_model.resolve(), broken)
    meta = json.loads((broken / "metadata.json").read_text())
    (broken / "metadata.json").write_text(json.dumps(change(meta)))
    return broken


@pytest.mark.parametrize("change, message", [
    (lambda d: {**d, "files": list(d["files"])}, "'files' must be an object"),
    (lambda d: {**d, "params": "C=3"}, "'params' must be an object"),
    (lambda d: {**d, "params": {**d["params"], "kernel": "rbf"}}, "'params' has unknown key(s) 'kernel'"),
    (lambda d: {**d, "versions": "1.0"}, "'versions' must be an object"),
    (lambda d: {**d, "versions": {"scikit-learn": 1}}, "gives 'scikit-learn' as 1"),
    (lambda d: {**d, "files": {**d["files"], "/etc/passwd": "0" * 64}}, "'files' names '/etc/passwd'"),
    (lambda d: {**d, "files": {**d["files"], "../x": "0" * 64}}, "'files' names '../x'"),
    (lambda d: {**d, "files": {**d["files"], "a/b": "0" * 64}}, "'files' names 'a/b'"),
    (lambda d: ["not", "an", "object"], "expected a JSON object"),
])
def test_metadata_of_the_wrong_shape_is_refused_in_one_line(tiny_model, tmp_path, change, message):
    broken = _with_metadata(tiny_model, tmp_path, change)
    with pytest.raises(ModelError) as e:
        StanceClassifier.load(broken)
    assert message in str(e.value) and "metadata.json" in str(e.value) and "\n" not in str(e.value)


def test_a_listed_file_that_is_a_symlink_out_of_the_folder_is_refused(tiny_model, tmp_path):
    broken = _with_metadata(tiny_model, tmp_path, lambda d: d)
    (broken / "actors.csv").unlink()
    (broken / "actors.csv").symlink_to("/etc/passwd")
    with pytest.raises(ModelError, match="a symlink"):
        StanceClassifier.load(broken)
